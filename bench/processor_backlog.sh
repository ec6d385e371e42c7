#!/usr/bin/env bash
# Processor throughput from a backlog: fills ingest-events with COUNT events (the ~4 KB event
# captured from the real sentry-sdk, each with its own id, over ISSUES exception types and 1,000
# users), then starts P separate `faultline processor` processes (one consumer group, WORKERS
# worker threads each) on a fresh database and times until every event is stored, for each P in
# PROCESSES. References in the same run, by the same tools:
#   - reading the backlog only (a consumer that does nothing with the messages), and
#   - the normalizer alone (scrubbing, grouping; no I/O) on one core.
# Checks exact counts (stored = produced, no duplicate event, issue counters add up, no dead
# letter) and reports events/s, each process's CPU seconds per event (utime+stime from
# /proc/<pid>/stat over the events it inserted, from its /metrics) and the load average.
# Repeats RUNS times and prints the medians per P.
#   ./bench/processor_backlog.sh [RUNS=3] [COUNT=20000] [WORKERS=1] [ISSUES=200] [PROCESSES="1"] [PARTITIONS=4]
# librdkafka's mock cluster (`faultline broker`) keeps at most 5 MiB per partition and deletes
# older message sets, read or not; the sentry-sdk event compresses (lz4, in batches) to ~220
# bytes, so keep COUNT / PARTITIONS under ~18,000 (4 MB). The reading-only reference fails the
# run when the broker serves fewer than COUNT messages.
# FAULTLINE_BIN runs another build of faultline (e.g. a saved copy from before a change),
# BENCH_BACKLOG_BIN another bench-backlog; SKIP_BUILD=1 uses them (or .build/release) as they are.
# Needs: ./deploy/dev.sh run once (PostgreSQL, venv).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../deploy/lib.sh"
RUNS="${1:-3}"; COUNT="${2:-20000}"; WORKERS="${3:-1}"; ISSUES="${4:-200}"; PROCESSES="${5:-1}"; PARTITIONS="${6:-4}"
pg_start
cd "$ROOT"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
    swift build -c release --product faultline >/dev/null
    swift build -c release --product bench-backlog >/dev/null
fi
FAULTLINE="${FAULTLINE_BIN:-.build/release/faultline}"; BENCH_BACKLOG="${BENCH_BACKLOG_BIN:-.build/release/bench-backlog}"
ENVELOPE="$STATE/bench-envelope"
"$STATE/venv/bin/python" bench/make_envelope.py "$ENVELOPE.gz" >&2
gunzip -c "$ENVELOPE.gz" > "$ENVELOPE"
ADMIN_URL="postgresql://faultline@127.0.0.1:$PG_PORT/postgres"
export FAULTLINE_DATABASE_URL="postgresql://faultline@127.0.0.1:$PG_PORT/faultline_bench"
CLOCK_TICKS=$(getconf CLK_TCK)
BROKER=""; PIDS=()
cleanup() { kill "${PIDS[@]}" $BROKER 2>/dev/null || true; }
trap cleanup EXIT

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
sql() { psql "$FAULTLINE_DATABASE_URL" -Atc "$1"; }
cpu_seconds() { awk -v hz="$CLOCK_TICKS" '{sub(/.*\) /, ""); printf "%.2f", ($12 + $13) / hz}' "/proc/$1/stat"; }
# CPU seconds of the PostgreSQL cluster: its live processes, and the ended backends the
# postmaster has reaped. Shared with whatever else uses the cluster.
pg_cpu() {
    local postmaster; postmaster=$(head -1 "$PG_DATA/postmaster.pid")
    { cat "/proc/$postmaster/stat"; for child in $(pgrep -P "$postmaster"); do cat "/proc/$child/stat" 2>/dev/null || true; done; } |
        awk -v hz="$CLOCK_TICKS" -v pm="$postmaster" '{pid = $1; sub(/.*\) /, ""); t += $12 + $13; if (pid == pm) t += $14 + $15} END {printf "%.2f", t / hz}'
}
inserted_by() {
    curl -fs "http://127.0.0.1:$1/metrics" | awk '/^faultline_processor_events_total\{.*result="inserted"/ {n += $NF} END {printf "%d", n}'
}

declare -A processed cpu_per_event pg_per_event load
consumed=(); normalized=()
for run in $(seq "$RUNS"); do
    n=$($BENCH_BACKLOG normalize "$ENVELOPE" 5000 | awk '{print $5}')
    normalized+=("$n")
    for procs in $PROCESSES; do
        psql "$ADMIN_URL" -qc "DROP DATABASE IF EXISTS faultline_bench" -c "CREATE DATABASE faultline_bench" >/dev/null
        $FAULTLINE migrate >/dev/null
        $FAULTLINE admin create-org bench >/dev/null
        PROJECT=$($FAULTLINE admin create-project bench web | sed -E 's/.*id=([0-9]+).*/\1/')

        $FAULTLINE broker --partitions "$PARTITIONS" < /dev/null > "$STATE/broker.out" 2>&1 & BROKER=$!
        for _ in $(seq 50); do grep -q '^bootstrap ' "$STATE/broker.out" && break; sleep 0.2; done
        export FAULTLINE_KAFKA_BROKERS="$(awk '/^bootstrap /{print $2}' "$STATE/broker.out")"
        [ -n "$FAULTLINE_KAFKA_BROKERS" ] || die "faultline broker did not start: $(cat "$STATE/broker.out")"
        $BENCH_BACKLOG produce "$FAULTLINE_KAFKA_BROKERS" ingest-events "$ENVELOPE" "$PROJECT" 1 "$COUNT" "$ISSUES" >&2
        reading=$($BENCH_BACKLOG consume "$FAULTLINE_KAFKA_BROKERS" ingest-events "$COUNT") || die "the reading-only consumer failed"
        read -r seen c <<< "$(awk '{print $2, $5}' <<< "$reading")"
        [ "$seen" -eq "$COUNT" ] || die "the broker serves $seen of $COUNT messages (over its 5 MiB per partition?)"
        consumed+=("$c")

        start=$(date +%s.%N); pg_before=$(pg_cpu)
        PIDS=()
        for i in $(seq "$procs"); do
            $FAULTLINE processor --workers "$WORKERS" --port $((9110 + i)) --log-level warning & PIDS+=($!)
        done
        # Timed from the first event stored to the last: joining the group (a few seconds with
        # the mock cluster) is reported apart, as startup.
        first=""; stored_then=0
        while true; do
            stored_now=$(sql "SELECT count(*) FROM events")
            if [ -z "$first" ] && [ "$stored_now" -gt 0 ]; then first=$(date +%s.%N); stored_then=$stored_now; fi
            [ "$stored_now" -ge "$COUNT" ] && break
            for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null || die "processor $pid exited"; done
            sleep 0.1
        done
        end=$(date +%s.%N); pg_after=$(pg_cpu)
        sleep 1   # lets a duplicate or a late write show
        per_process=""; cpu_total=0
        for i in $(seq "$procs"); do
            pid=${PIDS[$((i - 1))]}
            cpu=$(cpu_seconds "$pid"); events=$(inserted_by $((9110 + i)))
            per_process+=" $events events, $(awk -v c="$cpu" -v e="$events" 'BEGIN{printf "%.2f", e ? 1000 * c / e : 0}') ms CPU/event;"
            cpu_total=$(awk -v a="$cpu_total" -v b="$cpu" 'BEGIN{print a + b}')
        done
        read -r stored distinct seen_sum dead < <(sql "SELECT (SELECT count(*) FROM events), (SELECT count(DISTINCT (project_id, event_id)) FROM events),
            (SELECT coalesce(sum(times_seen), 0) FROM issues), (SELECT count(*) FROM dead_letters)" | tr '|' ' ')
        [ "$stored" -eq "$COUNT" ] && [ "$distinct" -eq "$COUNT" ] && [ "$seen_sum" -eq "$COUNT" ] && [ "$dead" -eq 0 ] \
            || die "counts: stored $stored, distinct $distinct, times_seen $seen_sum, dead letters $dead (produced $COUNT)"
        avg=$(cut -d' ' -f1 /proc/loadavg)
        p=$(awk -v c="$((COUNT - stored_then))" -v s="$first" -v e="$end" 'BEGIN{printf "%.0f", c/(e-s)}')
        startup=$(awk -v s="$start" -v f="$first" 'BEGIN{printf "%.1f", f-s}')
        ms=$(awk -v c="$cpu_total" -v n="$COUNT" 'BEGIN{printf "%.3f", 1000 * c / n}')
        pg_ms=$(awk -v a="$pg_before" -v b="$pg_after" -v n="$COUNT" 'BEGIN{printf "%.3f", 1000 * (b - a) / n}')
        echo "run $run, $procs processes: $p events/s (startup ${startup} s), exact ($stored stored, $distinct distinct, times_seen $seen_sum, 0 dead letters);" \
             "CPU $ms ms/event in all processors;$per_process PostgreSQL $pg_ms ms/event; load average $avg; references: reading only $c messages/s, normalizer alone $n events/s"
        processed[$procs]+=" $p"; cpu_per_event[$procs]+=" $ms"; pg_per_event[$procs]+=" $pg_ms"; load[$procs]+=" $avg"
        kill "${PIDS[@]}"; wait "${PIDS[@]}" 2>/dev/null || true; PIDS=()
        kill $BROKER; wait $BROKER 2>/dev/null || true; BROKER=""
    done
done
for procs in $PROCESSES; do
    # shellcheck disable=SC2086
    echo "median, $procs processes x $WORKERS workers: $(median ${processed[$procs]}) events/s from a backlog of $COUNT on $PARTITIONS partitions," \
         "$(median ${cpu_per_event[$procs]}) ms CPU/event (all processors), PostgreSQL $(median ${pg_per_event[$procs]}) ms/event, load average $(median ${load[$procs]})"
done
echo "median references: reading only $(median "${consumed[@]}") messages/s, normalizer alone $(median "${normalized[@]}") events/s on one core"
