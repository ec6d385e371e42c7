#!/usr/bin/env bash
# Relay maximum with the realistic corpus: accepted events/s from wrk over keep-alive connections,
# each request the next of BODIES different gzip envelopes captured from the real sentry-sdk
# (bench/make_corpus.py: ~50 shapes, 2–17 KB; each body with its own event id; bench/corpus.lua),
# against
#   1. `faultline relay` with the embedded broker (each 200 waits for Kafka's ack), and
#   2. the reference: bench-sink, the same HTTP stack answering 200 after reading the body,
# alternately, RUNS times each; the relay's RSS is sampled every 0.5 s during its runs (peak).
# Prints every run and the medians, with the load average.
#   ./bench/relay_corpus.sh [RUNS=3] [SECONDS=10] [CONNECTIONS=32] [BODIES=1000]
# PERF=1: afterwards one more relay run under `perf record -g` (call graph), and its top symbols
# (.faultline/perf-relay.data; self, inclusive and per-thread tables in .faultline/perf-relay.txt).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
RUNS="${1:-3}"; SECONDS_PER_RUN="${2:-10}"; CONNECTIONS="${3:-32}"; BODIES="${4:-1000}"
RELAY_PORT="${RELAY_PORT:-9310}"; SINK_PORT="${SINK_PORT:-9311}"
bench_bootstrap
bench_corpus "$BODIES"

"$BIN" relay --port "$RELAY_PORT" --log-level warning & RELAY=$!
"$SINK_BIN" "$SINK_PORT" >/dev/null 2>&1 & SINK=$!
SAMPLER=""
trap 'kill $RELAY $SINK $SAMPLER 2>/dev/null || true' EXIT
wait_http "http://127.0.0.1:$RELAY_PORT/readyz"
sleep 1
RELAY_URL="http://127.0.0.1:$RELAY_PORT/api/$PROJECT_ID/envelope/"
SINK_URL="http://127.0.0.1:$SINK_PORT/api/$PROJECT_ID/envelope/"
# Warm-up (key cache, connections, the broker's first segments); not counted.
wrk_corpus "$STATE/wrk-corpus.out" "$RELAY_URL" "$CONNECTIONS" 2 >/dev/null

relay=(); sink=(); rlat50=(); rlat99=(); slat50=(); slat99=(); rss=(); loads=()
for i in $(seq "$RUNS"); do
    : > "$STATE/rss-relay.samples"
    rss_sampler "$RELAY" "$STATE/rss-relay.samples" & SAMPLER=$!
    r=($(wrk_corpus "$STATE/wrk-corpus.out" "$RELAY_URL" "$CONNECTIONS" "$SECONDS_PER_RUN"))
    kill $SAMPLER 2>/dev/null; wait $SAMPLER 2>/dev/null || true; SAMPLER=""
    peak=$(peak_mb "$STATE/rss-relay.samples"); l=$(loadavg)
    relay+=("${r[0]}"); rlat50+=("${r[2]}"); rlat99+=("${r[3]}"); rss+=("$peak"); loads+=("$l")
    echo "run $i relay:     ${r[0]} accepted/s, ${r[1]} non-2xx, p50 ${r[2]} ms, p99 ${r[3]} ms, peak RSS $peak MB, load $l"
    s=($(wrk_corpus "$STATE/wrk-corpus-sink.out" "$SINK_URL" "$CONNECTIONS" "$SECONDS_PER_RUN"))
    sink+=("${s[0]}"); slat50+=("${s[2]}"); slat99+=("${s[3]}")
    echo "run $i reference: ${s[0]} req/s, ${s[1]} non-2xx, p50 ${s[2]} ms, p99 ${s[3]} ms, load $(loadavg)"
done
echo "median relay: $(median "${relay[@]}") accepted/s, p50 $(median "${rlat50[@]}") ms, p99 $(median "${rlat99[@]}") ms, peak RSS $(median "${rss[@]}") MB (max $(printf '%s\n' "${rss[@]}" | sort -n | tail -1) MB); reference bench-sink: $(median "${sink[@]}") req/s, p50 $(median "${slat50[@]}") ms, p99 $(median "${slat99[@]}") ms; load average $(median "${loads[@]}"); $BODIES bodies, $CONNECTIONS connections"

if [ -n "${PERF:-}" ]; then
    wrk_corpus "$STATE/wrk-corpus-perf.out" "$RELAY_URL" "$CONNECTIONS" "$((SECONDS_PER_RUN + 2))" > "$STATE/wrk-corpus-perf.line" &
    WRK=$!
    sleep 1
    perf record -g -F 499 -p "$RELAY" -o "$STATE/perf-relay.data" -- sleep "$SECONDS_PER_RUN" 2>/dev/null >/dev/null
    wait $WRK
    echo "perf run: $(cat "$STATE/wrk-corpus-perf.line") (accepted/s non-2xx p50 p99)"
    report() { perf report -i "$STATE/perf-relay.data" -g none --stdio "$@" 2>/dev/null | grep -E '^ +[0-9]' || true; }
    { echo "# self time by symbol"; report --no-children --sort symbol | head -40
      echo "# inclusive time by symbol (callers included)"; report --children --sort symbol | head -80
      echo "# by thread"; report --no-children --sort comm | head -12; } \
        | cut -c1-240 | swift demangle --simplified > "$STATE/perf-relay.txt" || true
    echo "profile: $STATE/perf-relay.txt"; grep -A12 '^# by thread' "$STATE/perf-relay.txt" || true
fi
