#!/usr/bin/env bash
# Issue list latency on the seeded database: starts `faultline query` (release) on
# `faultline_seed` (made by bench/seed_query_db.sh) and measures with wrk, at low concurrency
# (CONNECTIONS keep-alive connections, one per wrk thread), RUNS times each, alternately:
#   1. first page: GET /api/0/projects/acme/web/issues/?query=is:unresolved&sort=date&limit=25&statsPeriod=24h
#   2. deeper pages: the same, following the Link header's next cursor up to DEPTH pages, then
#      again from page 1 (bench/issue_list.lua), so pages 1…DEPTH are mixed;
#   3. the reference: GET /healthz of the same server (the bare HTTP round trip);
# prints every run and the medians of p50/p99 (wrk's latency distribution) and requests/s.
#   ./bench/query_issue_list.sh [RUNS=3] [SECONDS=10] [CONNECTIONS=2] [DEPTH=10]
# Environment: ISSUE_LIST_PATH overrides the list path and query (e.g. an organization-level
# list); PROJECT (default web) the project; FAULTLINE_BIN=<path> uses that binary instead of
# building the release one; QUERY_PORT (default 9110).
# Needs: bench/seed_query_db.sh run once (database faultline_seed, .faultline/seed.env), and wrk
# (installed with apt-get if missing).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../deploy/lib.sh"
RUNS="${1:-3}"; SECONDS_PER_RUN="${2:-10}"; CONNECTIONS="${3:-2}"; DEPTH="${4:-10}"
PORT="${QUERY_PORT:-9110}"
command -v wrk >/dev/null || { as_root apt-get update -qq; as_root apt-get install -y -qq wrk >/dev/null; }
PGBIN="$(pg_bin)"
"$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" || pg_start
cd "$ROOT"
[ -f "$STATE/seed.env" ] || die "no $STATE/seed.env: run bench/seed_query_db.sh first"
set -a; source "$STATE/seed.env"; set +a
BIN="${FAULTLINE_BIN:-}"
if [ -z "$BIN" ]; then
    swift build -c release --product faultline 2>&1 | tail -1 >&2
    BIN="$ROOT/.build/release/faultline"
fi
PROJECT="${PROJECT:-$FAULTLINE_PROJECT}"
LIST_PATH="${ISSUE_LIST_PATH:-/api/0/projects/$FAULTLINE_ORG/$PROJECT/issues/?query=is:unresolved&sort=date&limit=25&statsPeriod=24h}"
BASE="http://127.0.0.1:$PORT"
export TOKEN="$FAULTLINE_TOKEN"

"$BIN" query --port "$PORT" --database-url "$FAULTLINE_SEED_DATABASE_URL" --log-level warning & SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -fs "$BASE/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fs "$BASE/healthz" >/dev/null || die "faultline query did not start on port $PORT"

# One request by hand: it must answer 200 with issues, or the numbers mean nothing.
status=$(curl -s -o "$STATE/issue-list.json" -D "$STATE/issue-list.headers" -w '%{http_code}' \
    -H "Authorization: Bearer $TOKEN" "$BASE$LIST_PATH")
[ "$status" = 200 ] || die "GET $LIST_PATH answered $status: $(head -c 300 "$STATE/issue-list.json")"
summary=$(python3 - "$STATE/issue-list.json" <<'PY'
import json, sys
issues = json.load(open(sys.argv[1]))
stats = issues[0].get("stats", {}) if issues else {}
print(f"{len(issues)} issues, {sum(1 for i in issues if i.get('stats'))} with stats {sorted(stats)}, "
      f"first {issues[0]['shortId'] if issues else '-'} count {issues[0]['count'] if issues else '-'}")
PY
)
log "GET $LIST_PATH → 200, $summary, $(wc -c < "$STATE/issue-list.json") bytes"

run() { # label url depth → "req/s p50 p99 non2xx", with every latency in ms
    DEPTH="$3" wrk -t"$CONNECTIONS" -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency -s bench/issue_list.lua "$2" \
        > "$STATE/wrk-$1.out"
    awk '
        function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
        / 50%/ { p50 = ms($2) } / 99%/ { p99 = ms($2) } /Requests\/sec/ { rps = $2 } /Non-2xx/ { bad = $5 }
        END { printf "%.0f %.2f %.2f %d\n", rps, p50, p99, bad }' "$STATE/wrk-$1.out"
}
first=(); deep=(); ref=()
for i in $(seq "$RUNS"); do
    r=($(run first "$BASE$LIST_PATH" 1)); first+=("${r[*]}")
    echo "run $i first page:     ${r[0]} req/s, p50 ${r[1]} ms, p99 ${r[2]} ms, ${r[3]} non-2xx"
    r=($(run deep "$BASE$LIST_PATH" "$DEPTH")); deep+=("${r[*]}")
    echo "run $i pages 1-$DEPTH:      ${r[0]} req/s, p50 ${r[1]} ms, p99 ${r[2]} ms, ${r[3]} non-2xx"
    r=($(run healthz "$BASE/healthz" 1)); ref+=("${r[*]}")
    echo "run $i reference:      ${r[0]} req/s, p50 ${r[1]} ms, p99 ${r[2]} ms (GET /healthz)"
done
median() { # column rows… → median of that column
    local column=$1; shift
    printf '%s\n' "$@" | awk -v c="$column" '{print $c}' | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'
}
line() { echo "p50 $(median 2 "$@") ms, p99 $(median 3 "$@") ms, $(median 1 "$@") req/s"; }
echo "median issue list (first page, $CONNECTIONS connections): $(line "${first[@]}"); pages 1-$DEPTH: $(line "${deep[@]}"); reference GET /healthz: $(line "${ref[@]}"); RSS query $(ps -o rss= -p $SERVER) KiB"
