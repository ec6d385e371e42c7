#!/usr/bin/env bash
# Dashboard page latency on the seeded database (bench/seed_query_db.sh: 1M events, 10k issues):
# starts `faultline query` (release) on it, creates a dashboard user, signs in and times every
# page against the API call that reads the same data, alternately on the same server in the same
# run (bench/dashboard_pages.py). The issue is the seeded one with the most events.
#   ./bench/dashboard.sh [ROUNDS=30]
# Environment: FAULTLINE_BIN=<path> uses that binary instead of building the release one;
# QUERY_PORT (default 9120).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../deploy/lib.sh"
ROUNDS="${1:-30}"
PORT="${QUERY_PORT:-9120}"
cd "$ROOT"
[ -f "$STATE/seed.env" ] || die "no $STATE/seed.env: run bench/seed_query_db.sh first"
set -a; source "$STATE/seed.env"; set +a
BIN="${FAULTLINE_BIN:-}"
if [ -z "$BIN" ]; then
    swift build -c release --product faultline 2>&1 | tail -1 >&2
    BIN="$ROOT/.build/release/faultline"
fi
PYTHON="${FAULTLINE_PYTHON:-$(ensure_venv)}"
export FAULTLINE_DATABASE_URL="$FAULTLINE_SEED_DATABASE_URL"
EMAIL=bench@faultline.test
PASSWORD=bench-dashboard-password
"$BIN" admin create-user "$EMAIL" --password "$PASSWORD" --org acme --role owner >/dev/null 2>&1 || true
ISSUE=$(psql "$FAULTLINE_DATABASE_URL" -qtAc "SELECT id FROM issues WHERE project_id = (SELECT id FROM projects WHERE slug = 'web') ORDER BY times_seen DESC LIMIT 1")

"$BIN" query --port "$PORT" --public-url "http://127.0.0.1:$PORT" --log-level warning & SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
log "issue $ISSUE ($(psql "$FAULTLINE_DATABASE_URL" -qtAc "SELECT times_seen FROM issues WHERE id = $ISSUE") events); $ROUNDS rounds"
"$PYTHON" bench/dashboard_pages.py "http://127.0.0.1:$PORT" "$EMAIL" "$PASSWORD" "$FAULTLINE_TOKEN" "$ISSUE" "$ROUNDS"
