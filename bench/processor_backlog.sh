#!/usr/bin/env bash
# Processor throughput from a backlog: fills ingest-events with COUNT events (the ~4 KB event
# captured from the real sentry-sdk, each with its own id, over ISSUES exception types and 1,000
# users), then starts WORKERS `faultline processor` workers on a fresh database and times until
# every event is stored. References in the same run, by the same tool:
#   - reading the backlog only (a consumer that does nothing with the messages), and
#   - the normalizer alone (scrubbing, grouping; no I/O) on one core.
# Repeats RUNS times and prints the medians.
#   ./bench/processor_backlog.sh [RUNS=3] [COUNT=100000] [WORKERS=1] [ISSUES=200]
# Needs: ./deploy/dev.sh run once (PostgreSQL, venv).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../deploy/lib.sh"
RUNS="${1:-3}"; COUNT="${2:-100000}"; WORKERS="${3:-1}"; ISSUES="${4:-200}"
pg_start
cd "$ROOT"
swift build -c release --product faultline >/dev/null
swift build -c release --product bench-backlog >/dev/null
ENVELOPE="$STATE/bench-envelope"
"$STATE/venv/bin/python" bench/make_envelope.py "$ENVELOPE.gz" >&2
gunzip -c "$ENVELOPE.gz" > "$ENVELOPE"
ADMIN_URL="postgresql://faultline@127.0.0.1:$PG_PORT/postgres"
export FAULTLINE_DATABASE_URL="postgresql://faultline@127.0.0.1:$PG_PORT/faultline_bench"
BROKER=""; PROCESSOR=""
cleanup() { kill $PROCESSOR $BROKER 2>/dev/null || true; }
trap cleanup EXIT

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
stored() { psql "$FAULTLINE_DATABASE_URL" -Atc "SELECT count(*) FROM events"; }
processed=(); consumed=(); normalized=(); rss=()
for run in $(seq "$RUNS"); do
    psql "$ADMIN_URL" -qc "DROP DATABASE IF EXISTS faultline_bench" -c "CREATE DATABASE faultline_bench" >/dev/null
    .build/release/faultline migrate >/dev/null
    .build/release/faultline admin create-org bench >/dev/null
    PROJECT=$(.build/release/faultline admin create-project bench web | sed -E 's/.*id=([0-9]+).*/\1/')

    .build/release/faultline broker < /dev/null > "$STATE/broker.out" 2>&1 & BROKER=$!
    for _ in $(seq 50); do grep -q '^bootstrap ' "$STATE/broker.out" && break; sleep 0.2; done
    export FAULTLINE_KAFKA_BROKERS="$(awk '/^bootstrap /{print $2}' "$STATE/broker.out")"
    [ -n "$FAULTLINE_KAFKA_BROKERS" ] || die "faultline broker did not start: $(cat "$STATE/broker.out")"
    .build/release/bench-backlog produce "$FAULTLINE_KAFKA_BROKERS" ingest-events "$ENVELOPE" "$PROJECT" 1 "$COUNT" "$ISSUES" >&2
    c=$(.build/release/bench-backlog consume "$FAULTLINE_KAFKA_BROKERS" ingest-events "$COUNT" | awk '{print $5}')
    n=$(.build/release/bench-backlog normalize "$ENVELOPE" 20000 | awk '{print $5}')

    start=$(date +%s.%N)
    .build/release/faultline processor --workers "$WORKERS" --port 9102 --log-level warning & PROCESSOR=$!
    peak=0
    while [ "$(stored)" -lt "$COUNT" ]; do
        r=$(ps -o rss= -p $PROCESSOR); [ "${r:-0}" -gt "$peak" ] && peak=$r
        sleep 0.5
    done
    end=$(date +%s.%N)
    p=$(awk -v c="$COUNT" -v s="$start" -v e="$end" 'BEGIN{printf "%.0f", c/(e-s)}')
    times=$(psql "$FAULTLINE_DATABASE_URL" -Atc "SELECT sum(times_seen) || ' in ' || count(*) || ' issues' FROM issues")
    echo "run $run: processor $p events/s ($WORKERS workers; $times; peak RSS $((peak / 1024)) MB); reading only $c messages/s; normalizer alone $n events/s"
    processed+=("$p"); consumed+=("$c"); normalized+=("$n"); rss+=("$((peak / 1024))")
    kill $PROCESSOR $BROKER; wait $PROCESSOR $BROKER 2>/dev/null || true; PROCESSOR=""; BROKER=""
done
echo "median processor: $(median "${processed[@]}") events/s from a backlog of $COUNT ($WORKERS workers, peak RSS $(median "${rss[@]}") MB); references: reading only $(median "${consumed[@]}") messages/s, normalizer alone $(median "${normalized[@]}") events/s on one core"
