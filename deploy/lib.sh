# Shared by deploy/dev.sh and deploy/test.sh: system packages and the private PostgreSQL cluster.
# Everything lives under .faultline/ in the checkout; nothing is installed as a system service.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="$ROOT/.faultline"
PG_PORT="${FAULTLINE_PG_PORT:-5433}"
# Another cluster (e.g. deploy/chaos.sh's, which it stops and starts) sets both and its own port.
PG_DATA="${FAULTLINE_PG_DATA:-$STATE/pg}"
PG_LOG="${FAULTLINE_PG_LOG:-$PG_DATA.log}"
mkdir -p "$STATE"

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else die "need root for: $*"; fi
}

# Installs the Debian packages that are missing (PostgreSQL server, libpq and librdkafka headers).
ensure_packages() {
    local missing=()
    # chromium and chromium-driver: the dashboard's browser test (Tests/…/DashboardBrowserTests);
    # esbuild, nodejs and a JDK build the real bundles and Java program the symbolication tests use.
    for pkg in postgresql libpq-dev librdkafka-dev libbrotli-dev libzstd-dev pkg-config python3-venv chromium chromium-driver esbuild nodejs default-jdk-headless; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        log "installing ${missing[*]}"
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
    command -v swift >/dev/null || die "the Swift toolchain is not on PATH (https://swift.org/install)"
}

pg_bin() {
    local dir
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
    [ -n "$dir" ] || die "PostgreSQL binaries not found under /usr/lib/postgresql"
    echo "$dir"
}

# PostgreSQL refuses to run as root: when we are root, the cluster belongs to the postgres user.
pg_run() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Starts the private cluster on 127.0.0.1:$PG_PORT (creating it on first use) and the
# `faultline` role and database.
pg_start() {
    local bin; bin="$(pg_bin)"
    if [ ! -s "$PG_DATA/PG_VERSION" ]; then
        log "creating PostgreSQL cluster in $PG_DATA"
        mkdir -p "$PG_DATA"
        if [ "$(id -u)" = 0 ]; then chown -R postgres:postgres "$PG_DATA"; fi
        pg_run "$bin/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
        cat >> "$PG_DATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = ''
max_connections = 200
shared_buffers = 256MB
fsync = on
synchronous_commit = on
CONF
    fi
    if ! pg_run "$bin/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
        touch "$PG_LOG"; [ "$(id -u)" = 0 ] && chown postgres:postgres "$PG_LOG"
        log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
        pg_run "$bin/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 start >/dev/null \
            || { tail -20 "$PG_LOG" >&2; die "PostgreSQL did not start (log: $PG_LOG)"; }
    fi
    local psql=("$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA)
    if [ "$("${psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname = 'faultline'")" != 1 ]; then
        "${psql[@]}" -c "CREATE ROLE faultline LOGIN CREATEDB" >/dev/null
    fi
    if [ "$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = 'faultline'")" != 1 ]; then
        "${psql[@]}" -c "CREATE DATABASE faultline OWNER faultline" >/dev/null
    fi
}

pg_stop() {
    local bin; bin="$(pg_bin)"
    pg_run "$bin/pg_ctl" -D "$PG_DATA" -m fast stop >/dev/null 2>&1 || true
}

# A virtualenv with the real Sentry SDK and CLI from PyPI, for the compatibility tests, and
# sentry-relay (Sentry's normalizer and PII scrubber) for the differential test (bench/parity).
ensure_venv() {
    local venv="$STATE/venv"
    if [ ! -x "$venv/bin/python" ]; then
        log "creating Python venv in $venv"
        python3 -m venv "$venv"
    fi
    if ! "$venv/bin/python" -c 'import sentry_sdk, brotli, sentry_relay, selenium, axe_selenium_python, symbolic' 2>/dev/null || [ ! -x "$venv/bin/sentry-cli" ]; then
        log "installing sentry-sdk, sentry-cli, sentry-relay, selenium, axe-selenium-python (the dashboard's accessibility check) and symbolic (bench/symbolication.sh's reference) from PyPI"
        "$venv/bin/pip" install -q --disable-pip-version-check 'sentry-sdk>=2,<3' sentry-cli brotli 'sentry-relay==0.10.1' 'selenium>=4,<5' axe-selenium-python symbolic
    fi
    # sentry-cli 2.x beside it (its own venv: one package, two versions) for the legacy
    # release-files path (ArtifactUploadTests finds it at ../venv-cli2/bin/sentry-cli).
    if [ ! -x "$STATE/venv-cli2/bin/sentry-cli" ]; then
        log "installing sentry-cli 2.x from PyPI into $STATE/venv-cli2"
        python3 -m venv "$STATE/venv-cli2"
        "$STATE/venv-cli2/bin/pip" install -q --disable-pip-version-check 'sentry-cli==2.58.2'
    fi
    echo "$venv/bin/python"
}
