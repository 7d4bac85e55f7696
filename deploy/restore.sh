#!/usr/bin/env bash
# Hourbook restore: bring back a snapshot made by deploy/backup.sh, without ever overwriting the live database.
#
# Usage: sudo deploy/restore.sh [--yes] [--no-media] [--no-services] /var/backups/hourbook/<snapshot>
#
#   1. checks the snapshot (SHA256SUMS, the dump's table of contents);
#   2. restores the dump into a NEW database, <db>_restore_<time>, in one transaction (all or nothing);
#   3. checks the new database: every table of the dump is there, it is a Hourbook database (django_migrations),
#      row counts, and whether the code on this server needs `migrate` on it;
#   4. asks for confirmation (unless --yes), stops the services on this server (unless --no-services), then swaps
#      in one transaction: <db> becomes <db>_before_restore_<time> (kept, closed to connections) and the restored
#      database becomes <db>;
#   5. copies the snapshot's private files back into MEDIA_ROOT (unless --no-media; files are added or replaced,
#      none deleted), and starts the services again.
# Nothing touches the live database before step 4; a failure before then drops the new database and stops.
# With several app servers, stop hourbook.socket, hourbook and hourbook-worker on every other server first.
#
# Environment (else /etc/hourbook/hourbook.env): DATABASE_URL (the live database), MEDIA_ROOT;
# RESTORE_ADMIN_URL: a role that may create and rename databases (default: DATABASE_URL's role on the "postgres"
# database; e.g. postgres://postgres@127.0.0.1/postgres); RESTORE_OWNER: owner of the restored database (default:
# DATABASE_URL's user); HOURBOOK_APP_DIR, HOURBOOK_VENV: the code and virtualenv used for the migration check.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=_env.sh
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"

usage() {
    sed -n '3p' "${BASH_SOURCE[0]}" | sed 's/^# //' >&2
    exit 2
}

assume_yes=0
restore_media=1
manage_services=1
snapshot=""
while (($#)); do
    case $1 in
    --yes) assume_yes=1 ;;
    --no-media) restore_media=0 ;;
    --no-services) manage_services=0 ;;
    -h | --help) usage ;;
    -*) log "unknown option $1" && usage ;;
    *)
        [[ -z $snapshot ]] || usage
        snapshot=$1
        ;;
    esac
    shift
done
[[ -n $snapshot ]] || usage
snapshot=$(realpath -- "$snapshot")

load_env_file
: "${DATABASE_URL:?DATABASE_URL must be set (postgres://...)}"
require_postgres_url "$DATABASE_URL"
MEDIA_ROOT=${MEDIA_ROOT:-/var/lib/hourbook/media}
HOURBOOK_APP_DIR=${HOURBOOK_APP_DIR:-/srv/hourbook/app}
HOURBOOK_VENV=${HOURBOOK_VENV:-/srv/hourbook/venv}
live_db=$(url_dbname "$DATABASE_URL")
owner=${RESTORE_OWNER:-$(url_user "$DATABASE_URL")}
admin_url=${RESTORE_ADMIN_URL:-$(url_with_dbname "$DATABASE_URL" postgres)}
require_identifier "$live_db"
[[ -n $owner ]] || die "DATABASE_URL names no user: set RESTORE_OWNER to the role that owns the database"
require_identifier "$owner"
stamp=$(date -u +%Y%m%d_%H%M%S)  # lower case: database names need no quoting
new_db=${live_db}_restore_$stamp
old_db=${live_db}_before_restore_$stamp
new_url=$(url_with_dbname "$admin_url" "$new_db")
services=(hourbook.socket hourbook.service hourbook-worker.service)

admin_sql() {
    psql "$admin_url" --no-password --quiet --no-psqlrc -v ON_ERROR_STOP=1 -At "$@"
}

# 1. The snapshot.
[[ -f $snapshot/db.dump && -f $snapshot/SHA256SUMS ]] || die "$snapshot is not a backup snapshot (no db.dump)"
(cd "$snapshot" && sha256sum --check --quiet SHA256SUMS) || die "checksum mismatch: $snapshot is damaged"
toc=$(pg_restore --list "$snapshot/db.dump") || die "pg_restore cannot read $snapshot/db.dump"
mapfile -t dumped_tables < <(awk '$4 == "TABLE" && $5 == "DATA" { print $6 "." $7 }' <<<"$toc" | sort -u)
log "snapshot $snapshot: ${#dumped_tables[@]} tables with data"
[[ -f $snapshot/INFO ]] && sed 's/^/    /' "$snapshot/INFO" >&2

# 2. Into a new database.
[[ -z $(admin_sql -c "select 1 from pg_database where datname = '$new_db'") ]] || die "$new_db already exists"
log "creating database $new_db (owner $owner)"
admin_sql -c "create database \"$new_db\" owner \"$owner\" template template0 encoding 'UTF8'"
swapped=0
cleanup() {
    if ((!swapped)); then
        log "stopped before the swap: dropping $new_db; the live database $live_db was not touched"
        admin_sql -c "drop database if exists \"$new_db\"" || log "could not drop $new_db: drop it by hand"
    fi
}
trap cleanup EXIT
log "restoring into $new_db"
pg_restore --dbname="$new_url" --no-password --exit-on-error --single-transaction --no-owner --role="$owner" \
    "$snapshot/db.dump"

# 3. Checks on the restored database.
new_sql() {
    psql "$new_url" --no-password --quiet --no-psqlrc -v ON_ERROR_STOP=1 -At "$@"
}
mapfile -t restored_tables < <(new_sql -c "select schemaname || '.' || tablename from pg_tables
    where schemaname not in ('pg_catalog', 'information_schema') order by 1")
missing=$(comm -23 <(printf '%s\n' "${dumped_tables[@]}") <(printf '%s\n' "${restored_tables[@]}" | sort -u))
[[ -z $missing ]] || die "tables of the dump missing after the restore: $missing"
migrations=$(new_sql -c "select count(*) from django_migrations") || die "no django_migrations: not a Hourbook database"
((migrations > 0)) || die "django_migrations is empty: not a Hourbook database"
log "restored $((${#restored_tables[@]})) tables, $migrations migrations; rows:"
for table in "${restored_tables[@]}"; do
    schema=${table%%.*}
    name=${table#*.}
    printf '    %-50s %s\n' "$table" "$(new_sql -c "select count(*) from \"$schema\".\"$name\"")" >&2
done
needs_migrate=0
if [[ -f $HOURBOOK_APP_DIR/manage.py && -x $HOURBOOK_VENV/bin/python ]]; then
    if ! (cd "$HOURBOOK_APP_DIR" && DATABASE_URL=$(url_with_dbname "$DATABASE_URL" "$new_db") \
        PYTHONDONTWRITEBYTECODE=1 "$HOURBOOK_VENV/bin/python" manage.py migrate --check --no-input >/dev/null); then
        needs_migrate=1
        log "the code in $HOURBOOK_APP_DIR has migrations the backup lacks: run 'deploy/manage.sh migrate' after the swap"
    fi
else
    log "no code at $HOURBOOK_APP_DIR: migration check skipped"
fi

# 4. Confirm, stop, swap.
live_exists=$(admin_sql -c "select 1 from pg_database where datname = '$live_db'")
if ((!assume_yes)); then
    [[ -t 0 ]] || die "not a terminal: pass --yes to swap without asking"
    if [[ -n $live_exists ]]; then
        log "about to replace $live_db (kept as $old_db) with $new_db"
    else
        log "about to install $new_db as $live_db (there is no $live_db now)"
    fi
    read -r -p "Type the database name ($live_db) to go on: " answer
    [[ $answer == "$live_db" ]] || die "not confirmed"
fi
if ((manage_services)); then
    log "stopping ${services[*]}"
    systemctl stop "${services[@]}"
fi
if [[ -n $live_exists ]]; then
    admin_sql -c "alter database \"$live_db\" with allow_connections false"
    admin_sql -c "select pg_terminate_backend(pid) from pg_stat_activity where datname = '$live_db'
        and pid <> pg_backend_pid()" >/dev/null
    admin_sql -c "begin" \
        -c "alter database \"$live_db\" rename to \"$old_db\"" \
        -c "alter database \"$new_db\" rename to \"$live_db\"" \
        -c "commit"
else
    admin_sql -c "alter database \"$new_db\" rename to \"$live_db\""
fi
swapped=1
log "the restored database is now $live_db"

# 5. Private files, then the services.
if ((restore_media)); then
    if [[ -d $snapshot/media ]]; then
        log "copying private files back into $MEDIA_ROOT"
        mkdir -p "$MEDIA_ROOT"
        rsync --archive "$snapshot/media/" "$MEDIA_ROOT/"
    else
        log "warning: the snapshot has no media/ directory"
    fi
fi
if ((manage_services)); then
    if ((needs_migrate)); then
        log "services left stopped: run 'deploy/manage.sh migrate', then 'systemctl start ${services[*]}'"
    else
        log "starting ${services[*]}"
        systemctl start "${services[@]}"
    fi
fi
if [[ -n $live_exists ]]; then
    log "the previous database is kept as $old_db (closed to connections). To undo the restore:"
    log "  stop the services, then: alter database \"$live_db\" rename to \"${live_db}_failed_$stamp\";"
    log "  alter database \"$old_db\" with allow_connections true; alter database \"$old_db\" rename to \"$live_db\";"
    log "Once satisfied: alter database \"$old_db\" with allow_connections true; drop database \"$old_db\";"
fi
