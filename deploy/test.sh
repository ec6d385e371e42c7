#!/usr/bin/env bash
# Installs what is missing, starts the private PostgreSQL, prepares the Python venv with the
# real sentry-sdk and sentry-cli, and runs the whole test suite.
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
