#!/usr/bin/env bash
# Burst absorption (issue 13): a SECONDS-long wrk burst of realistic 7 KB event envelopes (captured
# from the real sentry-sdk by bench/make_envelope.py --size 7168: an exception with frames,
# breadcrumbs, tags, user, release; ~1.5 KB gzip; 10,000 bodies per second of burst, each with
# its own event id, made once into .faultline/burst-NNNNNN.bin; bench/corpus.lua sends them), 2
# threads and CONNECTIONS keep-alive connections, in one run against three targets in turn:
#   1. bare endpoint: bench-sink, the same Hummingbird stack answering 200 after reading the body;
#   2. relay alone: `faultline relay` with its in-process broker and no spool (FAULTLINE_SPOOL=off;
#      each 200 waited for the mock broker's acknowledgement; nothing consumes);
#   3. `faultline dev` as ./deploy/dev.sh runs it (relay, one processor worker, query, the embedded
#      broker; the spool on by default, in .faultline/burst-spool, emptied before the run).
# For each: accepted/s (200s per second), non-2xx/s (503s: backlog guard or spool full) and wrk's
# latency p99. For dev also: stored/s (events stored from the burst's start until the last one
# of its 200s is in `events`, divided by that time), 200s minus events stored (a lost event counts
# +1; requests still in flight when wrk stops, which it does not count, may be stored and count −1
# each, so −CONNECTIONS … 0 is normal), and from
# dev's /metrics before and after the burst: spool fsyncs per second of the burst and their mean
# latency (`faultline_spool_fsync_seconds`), and the bytes per record (`faultline_spool_bytes` /
# `faultline_spool_records` just after the burst, when the spool holds most of it); "n/a" without
# the spool. `FAULTLINE_SPOOL=off ./bench/burst.sh` runs dev without the spool (the relay alone
# never has one): the before of issue 13, with the same binary.
# Every figure is the median of RUNS runs (each column on its own); every run is printed too,
# then a Markdown row for docs/BENCHMARKS.md ("Durable ingest (issue 13)").
#   ./bench/burst.sh [RUNS=3] [SECONDS=15] [CONNECTIONS=32]
# Release build (SKIP_BUILD=1 uses .build/release as it is); database faultline_burstbench on the
# PostgreSQL at 127.0.0.1:5433 (FAULTLINE_DATABASE_URL to change), bootstrapped on first use.
set -euo pipefail
export FAULTLINE_DATABASE_URL="${FAULTLINE_DATABASE_URL:-postgresql://faultline@127.0.0.1:${FAULTLINE_PG_PORT:-5433}/faultline_burstbench}"
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
RUNS="${1:-3}"; SECONDS_PER_RUN="${2:-15}"; CONNECTIONS="${3:-32}"
SINK_PORT="${SINK_PORT:-9321}"; RELAY_PORT="${RELAY_PORT:-9322}"; DEV_PORT="${DEV_PORT:-9323}"
LOADBENCH_ENV="$STATE/burstbench.env"
bench_bootstrap

# Enough bodies that no event id repeats within a run: the relay alone's ~7,000/s would need 105,000
# for 15 s; 10,000/s of headroom. Made once, kept (.faultline/burst-NNNNNN.bin).
export WRK_THREADS=2
BODIES=$((SECONDS_PER_RUN * 10000))
export BODY_RECORDS="$STATE/burst-$(printf '%06d' "$BODIES").bin"
if [ ! -s "$BODY_RECORDS" ]; then
    "$(ensure_venv)" bench/make_envelope.py "$BODY_RECORDS.tmp" --count "$BODIES" --size 7168 --kinds 10 >&2
    mv "$BODY_RECORDS.tmp" "$BODY_RECORDS"
fi

DEV=""; RELAY=""; SINK=""
trap 'kill $DEV $RELAY $SINK 2>/dev/null || true' EXIT
"$SINK_BIN" "$SINK_PORT" >/dev/null 2>&1 & SINK=$!
FAULTLINE_SPOOL=off "$BIN" relay --port "$RELAY_PORT" --log-level warning >"$STATE/burst-relay.log" 2>&1 & RELAY=$!
export FAULTLINE_SPOOL_DIR="$STATE/burst-spool"
rm -rf "$FAULTLINE_SPOOL_DIR"
"$BIN" dev --port "$DEV_PORT" --log-level warning >"$STATE/burst-dev.log" 2>&1 & DEV=$!
wait_http "http://127.0.0.1:$RELAY_PORT/readyz" 300
wait_http "http://127.0.0.1:$DEV_PORT/readyz" 300
SINK_URL="http://127.0.0.1:$SINK_PORT/api/$PROJECT_ID/envelope/"
RELAY_URL="http://127.0.0.1:$RELAY_PORT/api/$PROJECT_ID/envelope/"

# Each wrk run starts at the first body again, and events are unique per (project, event id):
# every burst against dev gets a project of its own, so that each of its 200s is a new event.
# fresh_project → DEV_URL and DEV_AUTH.
fresh_project() {
    local slug="burst-$(date +%s%N)" dsn key
    "$BIN" admin create-project acme "$slug" >/dev/null
    dsn="$(FAULTLINE_PUBLIC_URL="http://127.0.0.1:$DEV_PORT" "$BIN" admin create-key acme "$slug")"
    key="$(echo "$dsn" | sed -E 's#^https?://([^@]+)@.*#\1#')"
    DEV_URL="http://127.0.0.1:$DEV_PORT/api/$(echo "$dsn" | sed -E 's#.*/([0-9]+)$#\1#')/envelope/"
    DEV_AUTH="Sentry sentry_key=$key, sentry_version=7, sentry_client=sentry.python/bench"
}
# burst OUT URL SECONDS [AUTH] → "accepted/s non2xx/s p99_ms requests_200 requests"
burst() {
    AUTH="${4:-$AUTH}" wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${3}s" --latency -s bench/corpus.lua "$2" > "$1"
    awk '
        function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
        /requests in/ { total = $1; secs = $4; sub("s,", "", secs) } /Non-2xx/ { bad = $5 }
        / 99%/ { p99 = ms($2) }
        END { printf "%.0f %.0f %.2f %d %d\n", (total - bad) / secs, bad / secs, p99, total - bad, total }' "$1"
}
# From dev's /metrics: the spool's fsync count and seconds, its bytes and records ("n/a" for each
# without the spool).
spool_metrics() {
    curl -s --max-time 5 "http://127.0.0.1:$DEV_PORT/metrics" | awk '
        /^faultline_spool_fsync_seconds_count/ { n += $NF; seen = 1 } /^faultline_spool_fsync_seconds_sum/ { s += $NF }
        /^faultline_spool_bytes[ {]/ { b = $NF } /^faultline_spool_records[ {]/ { r = $NF }
        END { if (seen) printf "%d %.6f %.0f %.0f\n", n, s, b, r; else print "n/a n/a n/a n/a" }'
}
now() { date +%s.%N; }
# Waits until no event was added for 5 s; prints "count seconds-of-the-last-growth".
drain() {
    local last count changed same=0
    last=$(stored_events); changed=$(now)
    while [ "$same" -lt 5 ]; do
        sleep 1; count=$(stored_events)
        if [ "$count" = "$last" ]; then same=$((same + 1)); else same=0; last=$count; changed=$(now); fi
    done
    echo "$last $changed"
}

# Warm-up (key caches, connections, the brokers' first segments); not counted.
fresh_project
for url in "$SINK_URL" "$RELAY_URL"; do burst "$STATE/burst-wrk.out" "$url" 2 >/dev/null; done
burst "$STATE/burst-wrk.out" "$DEV_URL" 2 "$DEV_AUTH" >/dev/null
drain >/dev/null

s_acc=(); s_p99=(); r_acc=(); r_bad=(); r_p99=(); d_acc=(); d_bad=(); d_p99=(); d_stored=(); d_lost=(); d_fs=(); d_fsms=(); d_rec=(); loads=()
for i in $(seq "$RUNS"); do
    s=($(burst "$STATE/burst-sink.out" "$SINK_URL" "$SECONDS_PER_RUN"))
    s_acc+=("${s[0]}"); s_p99+=("${s[2]}")
    echo "run $i bare endpoint: ${s[0]} req/s, p99 ${s[2]} ms, load $(loadavg)"
    r=($(burst "$STATE/burst-relay.out" "$RELAY_URL" "$SECONDS_PER_RUN"))
    r_acc+=("${r[0]}"); r_bad+=("${r[1]}"); r_p99+=("${r[2]}")
    echo "run $i relay alone:   ${r[0]} accepted/s, ${r[1]} non-2xx/s, p99 ${r[2]} ms, load $(loadavg)"

    kill -0 "$DEV" 2>/dev/null || die "faultline dev is not running: $(tail -3 "$STATE/burst-dev.log")"
    fresh_project
    before=$(stored_events); f0=($(spool_metrics)); start=$(now)
    d=($(burst "$STATE/burst-dev.out" "$DEV_URL" "$SECONDS_PER_RUN" "$DEV_AUTH"))
    [ "${d[4]}" -le "$BODIES" ] || echo "warning: dev got ${d[4]} requests, more than the $BODIES bodies: event ids repeated" >&2
    sleep 1 # the spool's gauges are published about once a second
    f1=($(spool_metrics)); l=$(loadavg)
    read -r after last < <(drain)
    stored=$(awk -v a="$after" -v b="$before" -v s="$start" -v e="$last" 'BEGIN { printf "%.0f", (a - b) / (e - s) }')
    lost=$((d[3] - (after - before))) # answered 200 minus stored
    if [ "${f0[0]}" = n/a ] || [ "${f1[0]}" = n/a ]; then fs=n/a; fsms=n/a; rec=n/a
    else
        rec=$(awk -v b="${f1[2]}" -v r="${f1[3]}" 'BEGIN { if (r > 0) printf "%.0f", b / r; else print "n/a" }')
        fs=$(awk -v a="${f0[0]}" -v b="${f1[0]}" -v t="$SECONDS_PER_RUN" 'BEGIN { printf "%.0f", (b - a) / t }')
        fsms=$(awk -v a="${f0[0]}" -v b="${f1[0]}" -v x="${f0[1]}" -v y="${f1[1]}" 'BEGIN { printf "%.2f", (b > a ? (y - x) / (b - a) * 1000 : 0) }')
    fi
    d_acc+=("${d[0]}"); d_bad+=("${d[1]}"); d_p99+=("${d[2]}"); d_stored+=("$stored"); d_lost+=("$lost"); d_fs+=("$fs"); d_fsms+=("$fsms"); d_rec+=("$rec"); loads+=("$l")
    echo "run $i faultline dev: ${d[0]} accepted/s, ${d[1]} non-2xx/s, p99 ${d[2]} ms; stored $((after - before)) at $stored/s (${d[3]} answered 200; 200s − stored: $lost); spool fsyncs $fs/s, mean $fsms ms, $rec bytes per record; load $l"
done

med() { if [ "$1" = n/a ]; then echo n/a; else median "$@"; fi }
S=$(med "${s_acc[@]}"); R=$(med "${r_acc[@]}"); D=$(med "${d_acc[@]}")
pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b > 0 ? 100 * a / b : 0) }'; }
echo
echo "median of $RUNS × ${SECONDS_PER_RUN} s bursts, $CONNECTIONS connections, load average $(median "${loads[@]}"):"
echo "  bare endpoint   $S req/s, p99 $(med "${s_p99[@]}") ms"
echo "  relay alone     $R accepted/s ($(pct "$R" "$S") % of bare), $(med "${r_bad[@]}") non-2xx/s, p99 $(med "${r_p99[@]}") ms"
echo "  faultline dev   $D accepted/s ($(pct "$D" "$R") % of the relay alone), $(med "${d_bad[@]}") non-2xx/s, p99 $(med "${d_p99[@]}") ms;" \
     "stored $(med "${d_stored[@]}")/s, 200s − stored $(printf '%s ' "${d_lost[@]}")per run; spool fsyncs $(med "${d_fs[@]}")/s, mean $(med "${d_fsms[@]}") ms, $(med "${d_rec[@]}") bytes per record"
echo
echo "| $(date -u '+%F %H:%M') ($(git rev-parse --short HEAD)) | $S | **$R** ($(pct "$R" "$S") %), $(med "${r_bad[@]}") × 503/s, p99 $(med "${r_p99[@]}") ms | **$D** ($(pct "$D" "$R") % of relay), $(med "${d_bad[@]}") × 503/s, p99 $(med "${d_p99[@]}") ms | $(med "${d_stored[@]}") (200s − stored: $(printf '%s / ' "${d_lost[@]}" | sed 's# / $##')) | $(med "${d_fs[@]}") (mean $(med "${d_fsms[@]}") ms; $(med "${d_rec[@]}") B/record) | $(median "${loads[@]}") |"
