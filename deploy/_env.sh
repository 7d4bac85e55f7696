# shellcheck shell=bash
# Shared by deploy/backup.sh and deploy/restore.sh (sourced, not run).
#
# load_env_file: export NAME=value lines of the production environment file (HOURBOOK_ENV_FILE, default
# /etc/hourbook/hourbook.env) for names not already set, the way systemd's EnvironmentFile= reads it, without
# evaluating anything: a value is taken literally (one pair of surrounding quotes is removed).
load_env_file() {
    local file=${HOURBOOK_ENV_FILE:-/etc/hourbook/hourbook.env}
    local line name value
    [[ -r $file ]] || return 0
    while IFS= read -r line || [[ -n $line ]]; do
        line=${line#"${line%%[![:space:]]*}"}
        [[ -z $line || $line == \#* || $line == \;* ]] && continue
        [[ $line =~ ^([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]] || continue
        name=${BASH_REMATCH[1]}
        value=${BASH_REMATCH[2]}
        if [[ $value =~ ^\"(.*)\"$ || $value =~ ^\'(.*)\'$ ]]; then
            value=${BASH_REMATCH[1]}
        fi
        [[ -n ${!name+set} ]] && continue
        export "$name=$value"
    done <"$file"
}

log() {
    printf '%s: %s\n' "${0##*/}" "$*" >&2
}

die() {
    log "error: $*"
    exit 1
}

# The parts of a libpq URL (postgres://user:password@host:port/dbname?options) the scripts need.
url_dbname() {
    local url=${1%%\?*}
    printf '%s' "${url##*/}"
}

url_user() {
    local authority=${1#*://}
    authority=${authority%%/*}
    [[ $authority == *@* ]] || return 0
    authority=${authority%@*}
    printf '%s' "${authority%%:*}"
}

# The same URL with another database name (the options after "?" are kept).
url_with_dbname() {
    local url=$1 dbname=$2 options=""
    [[ $url == *\?* ]] && options="?${url#*\?}"
    url=${url%%\?*}
    printf '%s/%s%s' "${url%/*}" "$dbname" "$options"
}

require_postgres_url() {
    case $1 in
    postgres://*/* | postgresql://*/*) ;;
    *) die "DATABASE_URL must be a postgres:// URL naming a database" ;;
    esac
}

require_identifier() {
    [[ $1 =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "'$1' is not a plain PostgreSQL name (letters, digits, _)"
}
