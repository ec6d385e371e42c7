#!/usr/bin/env bash
# End-to-end latency under load: `faultline dev` (release; relay + processor + query in one
# process, embedded broker, as ./deploy/dev.sh runs it) on its own database, loaded by
# bench/load.py at a fixed RATE events/s (corpus of real sentry-sdk envelopes, each send with its
# own event id, gzip, 16 keep-alive connections) for SECONDS, while bench/e2e_latency.py probes
# HTTP 200 → visible in the issue API, one probe after another. References in the same run:
#   - the same probes for 10 s just before the load (the idle stack), and
#   - the round trip of one issue-list poll (the measurement's resolution), under load.
# `faultline dev`'s RSS is sampled every 0.5 s (peak); after the load, the time until the
# processor has stored every accepted event (backlog drain) tells whether the pipeline kept up,
# and accepted events never stored are counted (the embedded broker keeps 5 MB per partition).
# RUNS times; prints every run and the medians, with the load average.
#   ./bench/e2e_under_load.sh [RATE=1000] [SECONDS=60] [RUNS=3]
# PERF=1: `perf record -g` of `faultline dev` for SECONDS/2 during the first run
# (.faultline/perf-dev.data; `perf report -i … --sort comm` splits it by thread).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
RATE="${1:-1000}"; SECONDS_PER_RUN="${2:-60}"; RUNS="${3:-3}"
bench_bootstrap
bench_corpus
start_dev
SAMPLER=""; LOAD=""
trap 'kill $LOAD $SAMPLER $DEV 2>/dev/null || true' EXIT

acc=(); lp50=(); lp99=(); ep50=(); ep99=(); ip50=(); ip99=(); pp50=(); rss=(); drain=(); loads=(); miss=()
for i in $(seq "$RUNS"); do
    settle  # the previous run's backlog is processed (or lost) before this one starts
    python3 bench/e2e_latency.py --duration 10 --csv "$STATE/e2e-idle.csv" >/dev/null
    before=$(stored_events)
    : > "$STATE/rss-dev.samples"
    rss_sampler "$DEV" "$STATE/rss-dev.samples" & SAMPLER=$!
    python3 bench/load.py --corpus "$STATE/corpus" --rate "$RATE" --duration "$SECONDS_PER_RUN" --connections 16 \
        > "$STATE/load.out" & LOAD=$!
    sleep 3
    if [ -n "${PERF:-}" ] && [ "$i" = 1 ]; then
        perf record -g -F 499 -p "$DEV" -o "$STATE/perf-dev.data" -- sleep "$((SECONDS_PER_RUN / 2))" >/dev/null 2>&1 &
    fi
    python3 bench/e2e_latency.py --duration "$((SECONDS_PER_RUN - 6))" --csv "$STATE/e2e-load.csv" >/dev/null
    wait $LOAD; LOAD=""
    ended=$(date +%s.%N)
    l=$(loadavg)
    target=$((before + $(load_fields "$(cat "$STATE/load.out")" | awk '{print $2}') + $(($(wc -l < "$STATE/e2e-load.csv") - 1))))
    # Until every accepted event is stored, or the count has not grown for 10 s (the embedded
    # broker keeps 5 MB per partition: what the processor had not read by then is gone).
    last=-1; same=0
    while now=$(stored_events); [ "$now" -lt "$target" ] && [ "$same" -lt 20 ]; do
        if [ "$now" = "$last" ]; then same=$((same + 1)); else same=0; last=$now; fi; sleep 0.5
    done
    d=$(awk -v e="$ended" -v n="$(date +%s.%N)" -v s="$same" 'BEGIN{printf "%.1f", n-e-s*0.5}')
    missing=$((target - now)); miss+=("$missing")
    kill $SAMPLER 2>/dev/null; wait $SAMPLER 2>/dev/null || true; SAMPLER=""
    L=($(load_fields "$(cat "$STATE/load.out")")); E=($(csv_quantiles "$STATE/e2e-load.csv" e2e_ms))
    I=($(csv_quantiles "$STATE/e2e-idle.csv" e2e_ms)); P=($(csv_quantiles "$STATE/e2e-load.csv" poll_ms))
    peak=$(peak_mb "$STATE/rss-dev.samples")
    acc+=("${L[0]}"); lp50+=("${L[3]}"); lp99+=("${L[4]}"); ep50+=("${E[0]}"); ep99+=("${E[1]}")
    ip50+=("${I[0]}"); ip99+=("${I[1]}"); pp50+=("${P[0]}"); rss+=("$peak"); drain+=("$d"); loads+=("$l")
    echo "run $i: load ${L[0]} accepted/s of $RATE (${L[2]} not 200), relay p50 ${L[3]} ms p99 ${L[4]} ms;" \
         "e2e under load p50 ${E[0]} ms p99 ${E[1]} ms (${E[2]} probes); idle e2e p50 ${I[0]} ms p99 ${I[1]} ms;" \
         "poll round trip p50 ${P[0]} ms p99 ${P[1]} ms; ${E[3]} probes lost (not visible in 30 s); dev peak RSS $peak MB;" \
         "stored up to ${d} s after the load, $missing accepted events never stored; load average $l"
done
echo "median: accepted $(median "${acc[@]}")/s at rate $RATE; relay p50 $(median "${lp50[@]}") ms p99 $(median "${lp99[@]}") ms;" \
     "e2e under load p50 $(median "${ep50[@]}") ms p99 $(median "${ep99[@]}") ms; idle e2e p50 $(median "${ip50[@]}") ms p99 $(median "${ip99[@]}") ms;" \
     "poll p50 $(median "${pp50[@]}") ms; dev peak RSS $(median "${rss[@]}") MB (max $(printf '%s\n' "${rss[@]}" | sort -n | tail -1) MB);" \
     "stored up to $(median "${drain[@]}") s after the load, never stored $(median "${miss[@]}"); load average $(median "${loads[@]}")"
