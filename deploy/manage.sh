#!/usr/bin/env bash
# Run a manage.py command on a production server, as the services run: as the hourbook user, in the code's
# directory, with /etc/hourbook/hourbook.env read by systemd itself (so the file may stay root-only).
#
# Usage: sudo /srv/hourbook/app/deploy/manage.sh migrate
#        sudo /srv/hourbook/app/deploy/manage.sh createsuperuser
# HOURBOOK_APP_DIR, HOURBOOK_VENV, HOURBOOK_ENV_FILE and HOURBOOK_USER change the defaults of docs/deploy.md.
set -euo pipefail

app_dir=${HOURBOOK_APP_DIR:-/srv/hourbook/app}
venv=${HOURBOOK_VENV:-/srv/hourbook/venv}
env_file=${HOURBOOK_ENV_FILE:-/etc/hourbook/hourbook.env}
user=${HOURBOOK_USER:-hourbook}

(($#)) || {
    echo "usage: ${0##*/} <manage.py command> [arguments]" >&2
    exit 2
}
[[ $EUID -eq 0 ]] || {
    echo "${0##*/}: run it as root (sudo): it reads $env_file and switches to the $user user" >&2
    exit 1
}

# A terminal gets a pseudo-terminal (createsuperuser asks questions); otherwise plain pipes, e.g. in scripts.
if [[ -t 0 && -t 1 ]]; then io=--pty; else io=--pipe; fi
exec systemd-run --quiet --wait --collect "$io" \
    --uid="$user" --gid="$user" \
    --working-directory="$app_dir" \
    --property=EnvironmentFile="$env_file" \
    --property=UMask=0027 \
    -- "$venv/bin/python" "$app_dir/manage.py" "$@"
