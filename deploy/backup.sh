#!/usr/bin/env bash
# Hourbook backup: the PostgreSQL database (pg_dump, custom format) and the private files (MEDIA_ROOT).
#
# Usage: deploy/backup.sh
# Run daily by deploy/systemd/hourbook-backup.timer; by hand: `sudo /srv/hourbook/app/deploy/backup.sh`.
# Reads DATABASE_URL, MEDIA_ROOT, BACKUP_DIR, BACKUP_KEEP_DAYS, BACKUP_KEEP_MIN and BACKUP_COPY_TO from the
# environment, else from /etc/hourbook/hourbook.env (HOURBOOK_ENV_FILE).
#
# Each run makes BACKUP_DIR/<UTC time, e.g. 20251231T020000Z>/ holding
#   db.dump     pg_dump --format=custom: restore it with deploy/restore.sh (or pg_restore)
#   media/      a full copy of MEDIA_ROOT in which files unchanged since the previous snapshot are hard links to
#               it (rsync --link-dest): every snapshot is complete, yet only new files take space
#   SHA256SUMS  checksum of db.dump, checked before any restore
#   INFO        when, from where, which versions and migrations
# A snapshot gets its final name only once complete (it is built as <name>.partial). Snapshots older than
# BACKUP_KEEP_DAYS are deleted, except the newest BACKUP_KEEP_MIN. With BACKUP_COPY_TO set (an rsync destination,
# e.g. backup@vault.example.org:/srv/backups/hourbook/), BACKUP_DIR is then mirrored there: keep a copy off the host.
set -euo pipefail
umask 077

# shellcheck source-path=SCRIPTDIR source=_env.sh
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"
load_env_file

: "${DATABASE_URL:?DATABASE_URL must be set (postgres://...)}"
require_postgres_url "$DATABASE_URL"
MEDIA_ROOT=${MEDIA_ROOT:-/var/lib/hourbook/media}
BACKUP_DIR=${BACKUP_DIR:-/var/backups/hourbook}
BACKUP_KEEP_DAYS=${BACKUP_KEEP_DAYS:-14}
BACKUP_KEEP_MIN=${BACKUP_KEEP_MIN:-3}
BACKUP_COPY_TO=${BACKUP_COPY_TO:-}
[[ $BACKUP_KEEP_DAYS =~ ^[0-9]+$ ]] || die "BACKUP_KEEP_DAYS must be a number of days"
[[ $BACKUP_KEEP_MIN =~ ^[1-9][0-9]*$ ]] || die "BACKUP_KEEP_MIN must be at least 1"
for tool in pg_dump pg_restore psql rsync sha256sum flock; do
    command -v "$tool" >/dev/null || die "$tool is not installed"
done

mkdir -p "$BACKUP_DIR"
exec 9>"$BACKUP_DIR/.lock"
flock --nonblock 9 || die "another backup is running (lock $BACKUP_DIR/.lock)"

# Partial snapshots can only be left by a run that was killed: we hold the lock, so none is in progress.
find "$BACKUP_DIR" -mindepth 1 -maxdepth 1 -type d -name '*.partial' -exec rm -rf -- {} +

stamp=$(date -u +%Y%m%dT%H%M%SZ)
final=$BACKUP_DIR/$stamp
work=$final.partial
[[ ! -e $final ]] || die "$final already exists"
previous=$(find "$BACKUP_DIR" -mindepth 1 -maxdepth 1 -type d -name '[0-9]*T[0-9]*Z' -printf '%f\n' | sort | tail -n 1)
mkdir "$work"
trap 'rm -rf -- "$work"' EXIT

# 1. The database first. Private files are only ever added, so the files copied after the dump include every file
#    the dump refers to (a file uploaded in between is merely unreferenced in the restored database).
log "dumping the database to $work/db.dump"
pg_dump --dbname="$DATABASE_URL" --format=custom --compress=6 --no-password --file="$work/db.dump"
pg_restore --list "$work/db.dump" >/dev/null || die "the dump just written cannot be read back"
(cd "$work" && sha256sum db.dump >SHA256SUMS)

# 2. The private files, hard-linked to the previous snapshot where unchanged.
mkdir "$work/media"
if [[ -d $MEDIA_ROOT ]]; then
    link_dest=()
    if [[ -n $previous && -d $BACKUP_DIR/$previous/media ]]; then
        link_dest=(--link-dest="$BACKUP_DIR/$previous/media")
    fi
    log "copying $MEDIA_ROOT"
    rsync --archive "${link_dest[@]}" "$MEDIA_ROOT/" "$work/media/"
else
    log "warning: MEDIA_ROOT $MEDIA_ROOT does not exist; the snapshot has no private files"
fi

# 3. What a restore needs to know.
{
    echo "created: $stamp"
    echo "host: $(hostname)"
    echo "database: $(url_dbname "$DATABASE_URL")"
    echo "pg_dump: $(pg_dump --version)"
    echo "server: $(psql "$DATABASE_URL" --no-password -Atc 'show server_version')"
    echo "media files: $(find "$work/media" -type f | wc -l)"
    echo "migrations (latest per app):"
    psql "$DATABASE_URL" --no-password -Atc \
        "select '  ' || app || ' ' || max(name) from django_migrations group by app order by app" ||
        echo "  (no django_migrations table)"
} >"$work/INFO"

sync --file-system "$work/db.dump"
mv -- "$work" "$final"
trap - EXIT
log "snapshot $final complete ($(du -sh "$final/db.dump" | cut -f1) database)"

# 4. Retention, by the time in each snapshot's name.
cutoff=$(date -u -d "$BACKUP_KEEP_DAYS days ago" +%Y%m%dT%H%M%SZ)
mapfile -t snapshots < <(find "$BACKUP_DIR" -mindepth 1 -maxdepth 1 -type d -name '[0-9]*T[0-9]*Z' -printf '%f\n' | sort -r)
for index in "${!snapshots[@]}"; do
    name=${snapshots[index]}
    if ((index >= BACKUP_KEEP_MIN)) && [[ $name < $cutoff ]]; then
        log "deleting expired snapshot $name"
        rm -rf -- "${BACKUP_DIR:?}/$name"
    fi
done

# 5. Off the host.
if [[ -n $BACKUP_COPY_TO ]]; then
    log "mirroring $BACKUP_DIR to $BACKUP_COPY_TO"
    rsync --archive --hard-links --delete --exclude=.lock "$BACKUP_DIR/" "$BACKUP_COPY_TO"
fi
