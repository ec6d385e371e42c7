#!/usr/bin/env bash
# Horizontal scaling of the relay: one `faultline broker` process (the embedded mock cluster on
# its own), two `faultline relay` processes sharing it (README "Running the services separately"),
# and wrk with the realistic corpus (bench/corpus.lua, BODIES gzip envelopes, each its own event
# id), alternately, RUNS times:
#   1. one relay: wrk -t2 -c CONNECTIONS against relay A (the reference);
#   2. two relays: wrk -t1 -c CONNECTIONS/2 against A and, at the same time, against B; the
#      accepted/s of both added up.
# RSS of the broker and of each relay is sampled every 0.5 s (peaks). Prints every run, the
# medians and the load average.
#   ./bench/two_relays.sh [RUNS=3] [SECONDS=10] [CONNECTIONS=32] [BODIES=1000]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
RUNS="${1:-3}"; SECONDS_PER_RUN="${2:-10}"; CONNECTIONS="${3:-32}"; BODIES="${4:-1000}"
PORT_A="${PORT_A:-9320}"; PORT_B="${PORT_B:-9321}"
bench_bootstrap
bench_corpus "$BODIES"
BROKER=""; RELAY_A=""; RELAY_B=""; SAMPLERS=""; DRAIN=""
stop() { # the relays first (they flush to the broker), then the broker
    kill $SAMPLERS $RELAY_A $RELAY_B 2>/dev/null || true; wait $RELAY_A $RELAY_B 2>/dev/null || true
    kill $DRAIN $BROKER 2>/dev/null || true
}
trap stop EXIT
"$BIN" broker < /dev/null > "$STATE/broker-two.out" 2>&1 & BROKER=$!
for _ in $(seq 50); do grep -q '^bootstrap ' "$STATE/broker-two.out" && break; sleep 0.2; done
export FAULTLINE_KAFKA_BROKERS="$(awk '/^bootstrap /{print $2}' "$STATE/broker-two.out")"
[ -n "$FAULTLINE_KAFKA_BROKERS" ] || die "faultline broker did not start: $(cat "$STATE/broker-two.out")"
# Processors that keep up: without a consumer the relays' backlog guard would answer 503 once
# the broker's partitions near their 5 MiB (docs/FAULTS.md); reading is ~1 % of a core here.
"$BACKLOG_BIN" drain "$FAULTLINE_KAFKA_BROKERS" faultline-processor ingest-events,outcomes > /dev/null 2>&1 & DRAIN=$!
"$BIN" relay --port "$PORT_A" --log-level warning & RELAY_A=$!
"$BIN" relay --port "$PORT_B" --log-level warning & RELAY_B=$!
wait_http "http://127.0.0.1:$PORT_A/readyz"; wait_http "http://127.0.0.1:$PORT_B/readyz"
URL_A="http://127.0.0.1:$PORT_A/api/$PROJECT_ID/envelope/"; URL_B="http://127.0.0.1:$PORT_B/api/$PROJECT_ID/envelope/"
wrk_corpus "$STATE/wrk-two-a.out" "$URL_A" "$CONNECTIONS" 2 >/dev/null   # warm-up, not counted
wrk_corpus "$STATE/wrk-two-b.out" "$URL_B" "$CONNECTIONS" 2 >/dev/null
for p in broker a b; do : > "$STATE/rss-two-$p.samples"; done
rss_sampler "$BROKER" "$STATE/rss-two-broker.samples" & SAMPLERS="$!"
rss_sampler "$RELAY_A" "$STATE/rss-two-a.samples" & SAMPLERS="$SAMPLERS $!"
rss_sampler "$RELAY_B" "$STATE/rss-two-b.samples" & SAMPLERS="$SAMPLERS $!"

one=(); two=(); lat1=(); lat2=(); loads=()
for i in $(seq "$RUNS"); do
    r=($(wrk_corpus "$STATE/wrk-two-one.out" "$URL_A" "$CONNECTIONS" "$SECONDS_PER_RUN"))
    one+=("${r[0]}"); lat1+=("${r[2]}/${r[3]}")
    echo "run $i one relay:  ${r[0]} accepted/s (${r[1]} non-2xx), p50 ${r[2]} ms, p99 ${r[3]} ms, load $(loadavg)"
    wrk_corpus "$STATE/wrk-two-a.out" "$URL_A" "$((CONNECTIONS / 2))" "$SECONDS_PER_RUN" 1 > "$STATE/wrk-two-a.line" & A=$!
    wrk_corpus "$STATE/wrk-two-b.out" "$URL_B" "$((CONNECTIONS / 2))" "$SECONDS_PER_RUN" 1 > "$STATE/wrk-two-b.line"
    wait $A
    a=($(cat "$STATE/wrk-two-a.line")); b=($(cat "$STATE/wrk-two-b.line"))
    t=$((a[0] + b[0])); two+=("$t"); l=$(loadavg); loads+=("$l")
    echo "run $i two relays: $t accepted/s (A ${a[0]}, B ${b[0]}; ${a[1]}+${b[1]} non-2xx), p50 ${a[2]}/${b[2]} ms, p99 ${a[3]}/${b[3]} ms, load $l"
done
kill $SAMPLERS 2>/dev/null || true; SAMPLERS=""
echo "median one relay: $(median "${one[@]}") accepted/s; two relays: $(median "${two[@]}") accepted/s" \
     "(ratio $(awk -v a="$(median "${two[@]}")" -v b="$(median "${one[@]}")" 'BEGIN{printf "%.2f", a/b}'));" \
     "peak RSS broker $(peak_mb "$STATE/rss-two-broker.samples") MB, relay A $(peak_mb "$STATE/rss-two-a.samples") MB, relay B $(peak_mb "$STATE/rss-two-b.samples") MB;" \
     "load average $(median "${loads[@]}"); $CONNECTIONS connections in all, $BODIES bodies"
