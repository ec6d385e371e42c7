#!/usr/bin/env bash
# The differential test against Sentry's own normalizer and PII scrubber (issue 14, docs/PARITY.md):
# a fresh database, `faultline dev` on it, bench/parity/parity.py sending every rule x location
# and the randomized events, comparing what the events API returns with `sentry-relay`'s output.
# Fails on any leak.
#   bench/parity/run.sh [--short] [parity.py options, e.g. --report /tmp/parity.json]
# then bench/parity/settings_cases.py (non-default settings and PII configs; PARITY_SETTINGS_PROFILES="a b"
# runs only those profiles; PARITY_SETTINGS_REPORT=FILE
# writes its report).
# Environment: FAULTLINE_PARITY_BIN (default .build/debug/faultline, built if missing),
# PARITY_PORT (9314), FAULTLINE_PG_PORT (5433; the PostgreSQL there is used, started if none answers).
source "$(dirname "${BASH_SOURCE[0]}")/../../deploy/lib.sh"
cd "$ROOT"
BIN="${FAULTLINE_PARITY_BIN:-$ROOT/.build/debug/faultline}"
PORT="${PARITY_PORT:-9314}"
PGBIN="$(pg_bin)"
"$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" || pg_start
[ -x "$BIN" ] || swift build --product faultline 2>&1 | tail -1 >&2
PYTHON="$(ensure_venv)"

RUN="$(mktemp -d "${TMPDIR:-/tmp}/faultline-parity.XXXXXX")"
DEV=""
cleanup() { [ -n "$DEV" ] && kill "$DEV" 2>/dev/null && wait "$DEV" 2>/dev/null; rm -rf "$RUN/spool"; }
trap cleanup EXIT

DB="faultline_parity_$PORT"
"$PGBIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U faultline -d postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" \
    -c "CREATE DATABASE $DB" >/dev/null
export FAULTLINE_DATABASE_URL="postgresql://faultline@127.0.0.1:$PG_PORT/$DB"
export FAULTLINE_PUBLIC_URL="http://127.0.0.1:$PORT" FAULTLINE_SPOOL_DIR="$RUN/spool"
"$BIN" migrate >"$RUN/admin.log" 2>&1 || die "migrate failed: $(cat "$RUN/admin.log")"
"$BIN" admin bootstrap --org parity --project web --env-file "$RUN/env" >>"$RUN/admin.log" 2>&1 \
    || die "bootstrap failed: $(cat "$RUN/admin.log")"
sed -i "s#^FAULTLINE_URL=.*#FAULTLINE_URL=http://127.0.0.1:$PORT#" "$RUN/env"
# parity.py reads the stored `_meta` (the parts Sentry's API does not show) with psql.
printf 'FAULTLINE_DATABASE_URL=%s\nFAULTLINE_PSQL=%s\n' "$FAULTLINE_DATABASE_URL" "$PGBIN/psql" >>"$RUN/env"
"$BIN" dev --port "$PORT" --log-level warning >"$RUN/dev.log" 2>&1 & DEV=$!
for _ in $(seq 300); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null || die "faultline dev did not start: $(tail -5 "$RUN/dev.log")"
log "parity: faultline dev on :$PORT, database $DB (logs in $RUN)"
STATUS=0
"$PYTHON" bench/parity/parity.py --env-file "$RUN/env" "$@" || STATUS=$?
# Non-default settings and advanced PII configs, one project each (settings_cases.py).
SETTINGS=()
for arg in "$@"; do [ "$arg" = "--short" ] && SETTINGS+=(--short); done
[ -n "${PARITY_SETTINGS_REPORT:-}" ] && SETTINGS+=(--report "$PARITY_SETTINGS_REPORT")
for profile in ${PARITY_SETTINGS_PROFILES:-}; do SETTINGS+=(--profile "$profile"); done
"$PYTHON" bench/parity/settings_cases.py --env-file "$RUN/env" --faultline-bin "$BIN" "${SETTINGS[@]}" || STATUS=1
exit "$STATUS"
