#!/usr/bin/env bash
# Runs the whole Faultline stack on this machine: installs what is missing, builds in release
# mode, starts a private PostgreSQL under .faultline/, migrates, creates org `acme`, project
# `web`, a DSN key, an API token and the org's owner (a dashboard sign-in) on first run, and runs
# `faultline dev` in the foreground.
#   ./deploy/dev.sh [--port N] [other `faultline dev` flags]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PORT=9000
rest=()
while [ $# -gt 0 ]; do
    case "$1" in
        --port) PORT="${2:?--port needs a value}"; shift 2 ;;
        --port=*) PORT="${1#--port=}"; shift ;;
        *) rest+=("$1"); shift ;;
    esac
done

ensure_packages
log "building (release)"
(cd "$ROOT" && swift build -c release --product faultline 2>&1 | tail -3)
BIN="$ROOT/.build/release/faultline"
pg_start

export FAULTLINE_DATABASE_URL="${FAULTLINE_DATABASE_URL:-postgresql://faultline@127.0.0.1:$PG_PORT/faultline}"
export FAULTLINE_PUBLIC_URL="${FAULTLINE_PUBLIC_URL:-http://127.0.0.1:$PORT}"
"$BIN" migrate
"$BIN" admin bootstrap --org acme --project web --env-file "$STATE/dev.env" >/dev/null

set -a; source "$STATE/dev.env"; set +a
cat <<MSG

  Faultline is starting.
    DSN    $FAULTLINE_DSN
    URL    $FAULTLINE_URL
    Token  $FAULTLINE_TOKEN  (API only)

  Sign in at $FAULTLINE_URL/ui/
    Email     ${FAULTLINE_LOGIN_EMAIL:-(a user exists already: faultline admin reset-password EMAIL)}
    Password  ${FAULTLINE_LOGIN_PASSWORD:-}
    (all in .faultline/dev.env)

MSG
export FAULTLINE_SPOOL_DIR="${FAULTLINE_SPOOL_DIR:-$STATE/spool}"
exec "$BIN" dev --port "$PORT" "${rest[@]}"
