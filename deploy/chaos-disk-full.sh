#!/usr/bin/env bash
# PostgreSQL's disk fills up under load, then gets space again: what the processor does, what the
# relay answers, and whether anything is lost. Needs root (it mounts a small tmpfs).
#   ./deploy/chaos-disk-full.sh [SECONDS=60] [RATE=200]
#
# The database lives in a tablespace on a tmpfs a few MB larger than the empty schema (the WAL
# stays on the real disk, as it should). bench/load.py sends RATE events/s for SECONDS through one
# relay to one processor; when the tablespace is full (the processor logs "PostgreSQL unavailable
# (… [53100] …)") it stays full for a quarter of the run, then the tmpfs is grown and the backlog
# drains. Then the same checks as deploy/chaos.sh: every 200 stored exactly once, nothing else.
# Uses deploy/chaos.sh's PostgreSQL cluster (port 5434) and ports $FAULTLINE_CHAOS_PORT_BASE+11/+12.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export FAULTLINE_PG_PORT="${FAULTLINE_CHAOS_PG_PORT:-5434}"
export FAULTLINE_PG_DATA="$HERE/../.faultline/chaos/pg"
export FAULTLINE_PG_LOG="$HERE/../.faultline/chaos/pg.log"
source "$HERE/lib.sh"
[ "$(id -u)" = 0 ] || die "needs root to mount a tmpfs"
DURATION="${1:-60}"
RATE="${2:-200}"
BASE="${FAULTLINE_CHAOS_PORT_BASE:-19600}"
RELAY_PORT=$((BASE + 11)); PROCESSOR_PORT=$((BASE + 12))
RUN="$STATE/chaos/disk-full"
SMALL="$STATE/chaos/small"
cd "$ROOT"
if [ -n "${FAULTLINE_CHAOS_BIN:-}" ]; then BIN="$FAULTLINE_CHAOS_BIN"; else
    swift build -c release --product faultline 2>&1 | tail -1 >&2; BIN="$ROOT/.build/release/faultline"; fi
PYTHON="python3"; [ -x "$STATE/venv/bin/python" ] && PYTHON="$STATE/venv/bin/python"

rm -rf "$RUN"; mkdir -p "$RUN"
ADMIN=("$(pg_bin)/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA)
PSQL=("$(pg_bin)/psql" -h 127.0.0.1 -p "$PG_PORT" -U faultline -d faultline_diskfull -v ON_ERROR_STOP=1 -qtA)
BROKER=""; RELAY=""; PROCESSOR=""; LOAD=""
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    for pid in $LOAD $RELAY $PROCESSOR $BROKER; do kill -KILL "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    "${ADMIN[@]}" -c "DROP DATABASE IF EXISTS faultline_diskfull WITH (FORCE)" -c "DROP TABLESPACE IF EXISTS chaos_small" >/dev/null 2>&1 || true
    umount "$SMALL" 2>/dev/null || true
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
say() { printf '[disk-full %s] %s\n' "$(date +%T)" "$*" >&2; }

pg_start
"${ADMIN[@]}" -c "DROP DATABASE IF EXISTS faultline_diskfull WITH (FORCE)" -c "DROP TABLESPACE IF EXISTS chaos_small"
umount "$SMALL" 2>/dev/null || true
mkdir -p "$SMALL"
mount -t tmpfs -o size=64m tmpfs "$SMALL"
chown postgres:postgres "$SMALL"
"${ADMIN[@]}" -c "CREATE TABLESPACE chaos_small OWNER faultline LOCATION '$SMALL'" \
    -c "CREATE DATABASE faultline_diskfull OWNER faultline TABLESPACE chaos_small"
export FAULTLINE_DATABASE_URL="postgresql://faultline@127.0.0.1:$PG_PORT/faultline_diskfull"
"$BIN" migrate >"$RUN/admin.log" 2>&1
"$BIN" admin create-org chaos >>"$RUN/admin.log" 2>&1
"$BIN" admin create-project chaos web >>"$RUN/admin.log" 2>&1
DSN="$("$BIN" admin create-key chaos web 2>>"$RUN/admin.log")"
# Today's day partition of events exists before the disk fills (processors create it on demand).
"${PSQL[@]}" -c "CHECKPOINT" 2>/dev/null || true
USED_KB=$(du -sk "$SMALL" | awk '{print $1}')
SIZE_KB=$((USED_KB + ${CHAOS_HEADROOM_KB:-6144}))
mount -o remount,size=${SIZE_KB}k "$SMALL"
say "tablespace on tmpfs: schema uses $((USED_KB / 1024)) MB, tmpfs now $((SIZE_KB / 1024)) MB"

"$BIN" broker </dev/null >"$RUN/broker.out" 2>"$RUN/broker.log" & BROKER=$!
for _ in $(seq 100); do grep -q '^bootstrap ' "$RUN/broker.out" && break; sleep 0.1; done
export FAULTLINE_KAFKA_BROKERS="$(awk '/^bootstrap /{print $2}' "$RUN/broker.out")"
export FAULTLINE_KAFKA_FETCH_WAIT_MAX_MS=20
"$BIN" relay --port "$RELAY_PORT" >"$RUN/relay.log" 2>&1 & RELAY=$!
"$BIN" processor --port "$PROCESSOR_PORT" >"$RUN/processor.log" 2>&1 & PROCESSOR=$!
for _ in $(seq 300); do grep -q 'listening on' "$RUN/relay.log" && grep -q consuming "$RUN/processor.log" && break; sleep 0.1; done

lag() { curl -s --max-time 2 "http://127.0.0.1:$PROCESSOR_PORT/metrics" \
    | awk '/^faultline_processor_lag_messages\{.*topic="ingest-events"/ { s += $2; n++ } /^faultline_processor_database_up/ { up = $2 } END { printf "lag %s, database_up %s", (n ? s : "n/a"), up }' || true; }
say "load: $RATE events/s for $DURATION s"
"$PYTHON" bench/load.py --dsn "$DSN" --port "$RELAY_PORT" --rate "$RATE" --duration "$DURATION" --connections 16 \
    --record "$RUN/sent.txt" >"$RUN/load.out" 2>&1 & LOAD=$!
FULL_AT=""
for _ in $(seq $((DURATION * 10))); do
    if grep -q 'PostgreSQL unavailable' "$RUN/processor.log"; then FULL_AT=$(date +%s); break; fi
    sleep 0.1
done
[ -n "$FULL_AT" ] || die "the tablespace did not fill up within $DURATION s (raise RATE or lower CHAOS_HEADROOM_KB): $(df -k "$SMALL" | tail -1)"
say "disk full: $(grep -m1 'PostgreSQL unavailable' "$RUN/processor.log" | sed 's/.*processor: //' | cut -c1-200)"
HOLD=$((DURATION / 4)); [ "$HOLD" -ge 5 ] || HOLD=5
# New sessions may fail too while full (PostgreSQL cannot write the relcache init file).
STORED_FULL=$("${PSQL[@]}" -c "SELECT count(*) FROM events" 2>/dev/null || echo "(new session refused)")
sleep "$HOLD"
STORED_LATER=$("${PSQL[@]}" -c "SELECT count(*) FROM events" 2>/dev/null || echo "(new session refused)")
RELAY_SO_FAR=$(curl -s --max-time 2 "http://127.0.0.1:$RELAY_PORT/metrics" | awk '/^faultline_relay_requests_total/ { print $1 " " $2 }' | tr '\n' ' ' || true)
say "after $HOLD s full: events stored $STORED_FULL -> $STORED_LATER; $(lag); relay so far: $RELAY_SO_FAR"
say "tmpfs use before growing: $(df -k "$SMALL" | awk 'NR == 2 { print $3 " of " $2 " kB" }')"
mount -o remount,size=1g "$SMALL"
say "tmpfs grown to 1 GB"
for _ in $(seq 600); do grep -q 'PostgreSQL reachable again' "$RUN/processor.log" && break; sleep 0.1; done
say "processor: $(grep -m1 'reachable again' "$RUN/processor.log" | sed 's/.*processor: //'); $(lag)"
wait "$LOAD"; LOAD=""
say "load: $(tail -1 "$RUN/load.out")"

"${PSQL[@]}" -c "CREATE TABLE chaos_sent (event_id uuid NOT NULL, status int NOT NULL, sent real NOT NULL)"
"${PSQL[@]}" -c "\\copy chaos_sent FROM STDIN WITH (FORMAT text, DELIMITER ' ')" <"$RUN/sent.txt"
MISSING_SQL="SELECT count(*) FROM chaos_sent s WHERE status = 200 AND NOT EXISTS (SELECT 1 FROM events e WHERE e.event_id = s.event_id)"
for _ in $(seq 300); do [ "$("${PSQL[@]}" -c "$MISSING_SQL")" = 0 ] && break; sleep 1; done
sleep 3
read -r SENT OK STORED MISSING DUPS ERR_STORED TIMES DEAD < <("${PSQL[@]}" -F ' ' -c "SELECT
    (SELECT count(*) FROM chaos_sent), (SELECT count(*) FROM chaos_sent WHERE status = 200), (SELECT count(*) FROM events),
    ($MISSING_SQL),
    (SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM events GROUP BY project_id, event_id HAVING count(*) > 1) t),
    (SELECT count(*) FROM chaos_sent s WHERE status <> 200 AND EXISTS (SELECT 1 FROM events e WHERE e.event_id = s.event_id)),
    (SELECT coalesce(sum(times_seen), 0) FROM issues), (SELECT count(*) FROM dead_letters)")
STATUSES=$("${PSQL[@]}" -c "SELECT string_agg(status || ': ' || n, ', ' ORDER BY status) FROM (SELECT status, count(*) AS n FROM chaos_sent GROUP BY status) t")
VIOLATIONS=0
v() { say "VIOLATION $*"; VIOLATIONS=$((VIOLATIONS + 1)); }
[ "$MISSING" = 0 ] || v "$MISSING events answered 200 are not stored"
[ "$DUPS" = 0 ] || v "$DUPS duplicates"
[ "$ERR_STORED" = 0 ] || v "$ERR_STORED events answered with an error status are stored"
[ "$TIMES" = "$STORED" ] || v "sum(times_seen) $TIMES != count(events) $STORED"
[ "$DEAD" = 0 ] || v "$DEAD dead letters"
[ "$(grep -c 'PostgreSQL unavailable' "$RUN/processor.log")" = 1 ] || v "processor did not log 'PostgreSQL unavailable' exactly once"
grep -q 'PostgreSQL reachable again' "$RUN/processor.log" || v "processor did not log 'reachable again'"
cat <<SUMMARY

  PostgreSQL disk full: $DURATION s at $RATE events/s, tablespace full for $HOLD s; logs in $RUN
    sent $SENT ($STATUSES); answered 200 $OK; stored $STORED (missing $MISSING, duplicates $DUPS,
    stored despite an error status $ERR_STORED); sum(times_seen) $TIMES; dead letters $DEAD
    while full: events stored $STORED_FULL -> $STORED_LATER
    violations $VIOLATIONS

SUMMARY
[ "$VIOLATIONS" = 0 ]
