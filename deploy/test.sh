#!/usr/bin/env bash
# Installs what is missing, starts the private PostgreSQL, prepares the Python venv with the
# real sentry-sdk and sentry-cli, and runs the whole test suite.
# Without arguments it then runs the short fault-injection run (deploy/chaos.sh 30 s at 100
# events/s with the debug build: broker errors and outage, PostgreSQL stopped and started,
# processors SIGKILLed and stopped, relays restarted; on a PostgreSQL cluster of its own, port 5434),
# and the kill test (deploy/kill.sh: `faultline dev`, then a separate relay, processor and broker,
# killed -9 under load and restarted; every 200 stored exactly once, outcome counts exact; port 5435),
# after the short differential test against Sentry's normalizer and scrubber (bench/parity/run.sh
# --short: fails on any value Sentry scrubs that Faultline returns in clear).
#   ./deploy/test.sh [extra `swift test` arguments, e.g. --filter Envelope]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_packages
pg_start
PYTHON="$(ensure_venv)"

export FAULTLINE_TEST_DATABASE_URL="postgresql://faultline@127.0.0.1:$PG_PORT/postgres"
export FAULTLINE_TEST_PYTHON="$PYTHON"
cd "$ROOT"
log "swift test"
swift test "$@"
if [ $# -eq 0 ] && [ "${FAULTLINE_PARITY:-1}" != 0 ]; then
    log "bench/parity/run.sh --short (differential test against sentry-relay; FAULTLINE_PARITY=0 skips it)"
    FAULTLINE_PARITY_BIN="$ROOT/.build/debug/faultline" "$ROOT/bench/parity/run.sh" --short
fi
if [ $# -eq 0 ] && [ "${FAULTLINE_CHAOS:-1}" != 0 ]; then
    log "deploy/chaos.sh 30 100 (short fault-injection run; FAULTLINE_CHAOS=0 skips it)"
    FAULTLINE_CHAOS_BIN="$ROOT/.build/debug/faultline" "$ROOT/deploy/chaos.sh" 30 100
fi
if [ $# -eq 0 ] && [ "${FAULTLINE_KILL:-1}" != 0 ]; then
    log "deploy/kill.sh (kill -9 under load, about 3 minutes; FAULTLINE_KILL=0 skips it)"
    FAULTLINE_KILL_BIN="$ROOT/.build/debug/faultline" "$ROOT/deploy/kill.sh"
fi
