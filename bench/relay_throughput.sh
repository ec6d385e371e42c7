#!/usr/bin/env bash
# Relay throughput: accepted events/s for one ~4 KB gzip event envelope (captured from the real
# sentry-sdk), from wrk over keep-alive connections, against
#   1. `faultline relay` with the embedded broker (every 200 waited for Kafka's ack), and
#   2. the reference: bench-sink, the same HTTP stack answering 200 after reading the body,
# alternately, RUNS times each; prints every run and the medians.
#   ./bench/relay_throughput.sh [RUNS=3] [SECONDS=10] [CONNECTIONS=32]
# Needs: ./deploy/dev.sh run once (PostgreSQL, .faultline/dev.env, venv), and wrk (apt-get install wrk).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../deploy/lib.sh"
RUNS="${1:-3}"; SECONDS_PER_RUN="${2:-10}"; CONNECTIONS="${3:-32}"
command -v wrk >/dev/null || as_root apt-get install -y -qq wrk >/dev/null
pg_start
cd "$ROOT"
swift build -c release --product faultline >/dev/null
swift build -c release --product bench-sink >/dev/null
set -a; source "$STATE/dev.env"; set +a
export FAULTLINE_DATABASE_URL="${FAULTLINE_DATABASE_URL:-postgresql://faultline@127.0.0.1:$PG_PORT/faultline}"
KEY="$(echo "$FAULTLINE_DSN" | sed -E 's#^https?://([^@]+)@.*#\1#')"
PROJECT="$(echo "$FAULTLINE_DSN" | sed -E 's#.*/([0-9]+)$#\1#')"
export AUTH="Sentry sentry_key=$KEY, sentry_version=7, sentry_client=sentry.python/bench"
export BODY_FILE="$STATE/bench-envelope.gz"
"$STATE/venv/bin/python" bench/make_envelope.py "$BODY_FILE" >&2

.build/release/faultline relay --port 9100 --log-level warning & RELAY=$!
.build/release/bench-sink 9101 >/dev/null 2>&1 & SINK=$!
trap 'kill $RELAY $SINK 2>/dev/null || true' EXIT
sleep 3

run() { # url → accepted per second
    wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency -s bench/envelope.lua "$1" > "$STATE/wrk.out"
    local total non2xx seconds
    total=$(awk '/requests in/{print $1}' "$STATE/wrk.out")
    seconds=$(awk '/requests in/{gsub("s,","",$4); print $4}' "$STATE/wrk.out")
    non2xx=$(awk '/Non-2xx/{print $5}' "$STATE/wrk.out"); non2xx=${non2xx:-0}
    local p50 p99
    p50=$(awk '/ 50%/{print $2}' "$STATE/wrk.out"); p99=$(awk '/ 99%/{print $2}' "$STATE/wrk.out")
    echo "$(awk -v t="$total" -v n="$non2xx" -v s="$seconds" 'BEGIN{printf "%.0f", (t-n)/s}') $non2xx $p50 $p99"
}
relay=(); sink=()
for i in $(seq "$RUNS"); do
    r=($(run "http://127.0.0.1:9100/api/$PROJECT/envelope/")); relay+=("${r[0]}")
    echo "run $i relay:     ${r[0]} accepted/s, ${r[1]} non-2xx, latency p50 ${r[2]} p99 ${r[3]}"
    s=($(run "http://127.0.0.1:9101/api/$PROJECT/envelope/")); sink+=("${s[0]}")
    echo "run $i reference: ${s[0]} accepted/s, ${s[1]} non-2xx, latency p50 ${s[2]} p99 ${s[3]}"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
echo "median relay: $(median "${relay[@]}") accepted/s; median reference (bare endpoint): $(median "${sink[@]}") req/s; RSS relay $(ps -o rss= -p $RELAY) KiB"
