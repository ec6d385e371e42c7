#!/usr/bin/env bash
# Fault injection under steady load, then an exactly-once check.
#   ./deploy/chaos.sh [SECONDS=120] [RATE=300]
#
# Runs the services as separate processes: `faultline broker` (librdkafka's mock cluster),
# two relays, two processors, all on a PostgreSQL cluster of its own (.faultline/chaos/pg on
# 127.0.0.1:$FAULTLINE_CHAOS_PG_PORT, default 5434) so it can stop and start it without disturbing
# the test server on 5433. bench/load.py sends RATE events/s (half to each relay) for SECONDS
# and records "event_id status" per send, while this schedule runs (times scale with SECONDS;
# these are for 120 s):
#   t=6    broker answers the next Produce and Fetch requests with retriable errors
#   t=12   broker down (all connections cut, new ones refused) for 10 s, then up
#   t=34   PostgreSQL stopped (pg_ctl stop -m fast) for 8 s, then started
#   t=54   a processor SIGKILLed and restarted every 4 s, alternating, for 20 s
#   t=84   relay 2 restarted (SIGTERM, wait for exit 0, start again)
#   t=96   relay 1 restarted
#   t=102  both processors stopped (SIGTERM, exit 0) for 10 s: a consumer that falls behind; the
#          relays go on answering 200 and the backlog drains when they are back
# Then it waits for the processors to drain and checks with SQL:
#   - every id answered 200 is in `events` exactly once,
#   - no id answered with an error status (non-200, or 0 for a failed connection) is stored,
#   - nothing else is stored, sum(issues.times_seen) = count(events), no dead letters,
# and that the services logged each state change, once per outage (relays: "Kafka did not
# acknowledge" / "Kafka acknowledging again", "PostgreSQL unavailable" / "reachable again";
# processors: "PostgreSQL unavailable" / "reachable again"), and that relays restarted cleanly.
# Exits non-zero on any violation. Logs stay in .faultline/chaos/last/.
#
# Environment: FAULTLINE_CHAOS_BIN (a built `faultline`; default: build release),
# FAULTLINE_CHAOS_PG_PORT (5434), FAULTLINE_CHAOS_PORT_BASE (19600: relays +1 +2, processors +3 +4),
# FAULTLINE_KAFKA_MESSAGE_TIMEOUT_MS (how long a delivery may take before the relay sends it again
# from its spool, or without a spool answers 503; here 3000 by default), CHAOS_CONNECTIONS (16 per
# relay), FAULTLINE_SPOOL (the relays spool by default, each in $RUN/spoolN, and then answer 200
# through the outages: a 503 is a violation; with FAULTLINE_SPOOL=off the outages must show as 503s).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CHAOS="$HERE/../.faultline/chaos"
export FAULTLINE_PG_PORT="${FAULTLINE_CHAOS_PG_PORT:-5434}"
export FAULTLINE_PG_DATA="$CHAOS/pg"
export FAULTLINE_PG_LOG="$CHAOS/pg.log"
source "$HERE/lib.sh"
CHAOS="$STATE/chaos"

DURATION="${1:-120}"
RATE="${2:-300}"
CONNECTIONS="${CHAOS_CONNECTIONS:-16}"
BASE="${FAULTLINE_CHAOS_PORT_BASE:-19600}"
RELAY_PORTS=($((BASE + 1)) $((BASE + 2)))
PROCESSOR_PORTS=($((BASE + 3)) $((BASE + 4)))
RUN="$CHAOS/last"
START_TIME=$(date +%s)

ensure_packages
cd "$ROOT"
if [ -n "${FAULTLINE_CHAOS_BIN:-}" ]; then
    BIN="$FAULTLINE_CHAOS_BIN"
else
    log "building (release)"
    swift build -c release --product faultline 2>&1 | tail -3 >&2
    BIN="$ROOT/.build/release/faultline"
fi
[ -x "$BIN" ] || die "$BIN is not an executable"
PYTHON="python3"; [ -x "$STATE/venv/bin/python" ] && PYTHON="$STATE/venv/bin/python"
for port in "${RELAY_PORTS[@]}" "${PROCESSOR_PORTS[@]}"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then die "port $port is in use (set FAULTLINE_CHAOS_PORT_BASE)"; fi
done

rm -rf "$RUN"; mkdir -p "$RUN"
PSQL=("$(pg_bin)/psql" -h 127.0.0.1 -p "$PG_PORT" -U faultline -v ON_ERROR_STOP=1 -qtA)
BROKER=""; RELAYS=("" ""); PROCESSORS=("" ""); LOADS=()
VIOLATIONS=0

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    exec 3>&- 2>/dev/null || true
    for pid in "${LOADS[@]}" "${RELAYS[@]}" "${PROCESSORS[@]}" $BROKER; do
        [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    pg_start >/dev/null 2>&1 || true # never leave the chaos cluster stopped by a fault
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

elapsed() { echo $(($(date +%s) - START_TIME)); }
say() { printf '[chaos %4ss] %s\n' "$(elapsed)" "$*" >&2; }
# Seconds of the schedule, scaled to DURATION (the table above is for 120 s).
at() { awk -v t="$1" -v d="$DURATION" 'BEGIN { printf "%.1f", t * d / 120 }'; }
now() { awk -v s="$LOAD_START" -v n="$(date +%s.%N)" 'BEGIN { printf "%.1f", n - s }'; }
# A fault's window in seconds since the load started, for the per-fault table of statuses.
PHASE_START=0
phase_begin() { PHASE_START=$(now); }
phase_end() { echo "$PHASE_START $(now) $*" >>"$RUN/phases.txt"; }
sleep_until() { # $1: seconds since the load started
    local now wait; now=$(date +%s.%N)
    wait=$(awk -v t="$1" -v s="$LOAD_START" -v n="$now" 'BEGIN { w = s + t - n; printf "%.2f", (w > 0 ? w : 0) }')
    sleep "$wait"
}

# --- PostgreSQL: the chaos cluster and a fresh database --------------------------------------
pg_start
"${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS faultline_chaos WITH (FORCE)" -c "CREATE DATABASE faultline_chaos"
export FAULTLINE_DATABASE_URL="postgresql://faultline@127.0.0.1:$PG_PORT/faultline_chaos"
"$BIN" migrate >"$RUN/admin.log" 2>&1
"$BIN" admin create-org chaos >>"$RUN/admin.log" 2>&1
"$BIN" admin create-project chaos web >>"$RUN/admin.log" 2>&1
DSN="$(FAULTLINE_PUBLIC_URL="http://127.0.0.1:${RELAY_PORTS[0]}" "$BIN" admin create-key chaos web 2>>"$RUN/admin.log")"
[ -n "$DSN" ] || die "could not create a DSN key: $(cat "$RUN/admin.log")"

# --- the broker, controlled through a FIFO on its stdin --------------------------------------
mkfifo "$RUN/broker.ctl"
"$BIN" broker <"$RUN/broker.ctl" >"$RUN/broker.out" 2>"$RUN/broker.log" & BROKER=$!
exec 3>"$RUN/broker.ctl"
for _ in $(seq 100); do grep -q '^bootstrap ' "$RUN/broker.out" && break; sleep 0.1; done
export FAULTLINE_KAFKA_BROKERS="$(awk '/^bootstrap /{print $2}' "$RUN/broker.out")"
[ -n "$FAULTLINE_KAFKA_BROKERS" ] || die "faultline broker did not start: $(cat "$RUN/broker.log")"
broker() { # sends one control line and waits for its answer
    local before; before=$(grep -c '^ok ' "$RUN/broker.out" || true)
    echo "$*" >&3
    for _ in $(seq 50); do
        [ "$(grep -c '^ok ' "$RUN/broker.out" || true)" -gt "$before" ] && return 0
        sleep 0.1
    done
    say "VIOLATION broker did not confirm '$*': $(tail -1 "$RUN/broker.out")"; VIOLATIONS=$((VIOLATIONS + 1))
}
export FAULTLINE_KAFKA_MESSAGE_TIMEOUT_MS="${FAULTLINE_KAFKA_MESSAGE_TIMEOUT_MS:-3000}"
export FAULTLINE_KAFKA_FETCH_WAIT_MAX_MS="${FAULTLINE_KAFKA_FETCH_WAIT_MAX_MS:-20}"

# --- services ---------------------------------------------------------------------------------
wait_for() { # $1 file, $2 text, $3 seconds
    local tries=$(($3 * 10))
    for _ in $(seq "$tries"); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
    return 1
}
start_relay() { # $1 index
    local log="$RUN/relay$1.log" mark
    mark=$(grep -c 'listening on' "$log" 2>/dev/null || true)
    # Each relay keeps its write-ahead spool (on by default with the mock broker) across restarts.
    FAULTLINE_SPOOL_DIR="$RUN/spool$1" "$BIN" relay --port "${RELAY_PORTS[$1]}" >>"$log" 2>&1 & RELAYS[$1]=$!
    for _ in $(seq 300); do
        [ "$(grep -c 'listening on' "$log" || true)" -gt "${mark:-0}" ] && return 0
        kill -0 "${RELAYS[$1]}" 2>/dev/null || break
        sleep 0.1
    done
    die "relay $1 did not start: $(tail -5 "$log")"
}
start_processor() { # $1 index
    "$BIN" processor --port "${PROCESSOR_PORTS[$1]}" >>"$RUN/processor$1.log" 2>&1 & PROCESSORS[$1]=$!
}
violation() { say "VIOLATION $*"; VIOLATIONS=$((VIOLATIONS + 1)); }
# Polls a URL until it answers 200; prints the seconds it took, or fails after $2 seconds.
recovered() { # $1 url, $2 timeout, $3 what
    local start; start=$(date +%s.%N)
    for _ in $(seq $(($2 * 5))); do
        if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$1")" = 200 ]; then
            say "$3 recovered: $1 ready after $(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }') s"
            return 0
        fi
        sleep 0.2
    done
    violation "$3: $1 not ready within $2 s"
}

start_relay 0; start_relay 1
start_processor 0; start_processor 1
wait_for "$RUN/processor0.log" 'consuming' 60 || die "processor 0 did not start: $(tail -5 "$RUN/processor0.log")"
wait_for "$RUN/processor1.log" 'consuming' 60 || die "processor 1 did not start: $(tail -5 "$RUN/processor1.log")"
# Faults start once the consumer group has formed (the mock cluster's first join takes ~3 s).
for i in 0 1; do
    wait_for "$RUN/processor$i.log" 'kafka consumer: assigned' 60 || die "processor $i got no partitions: $(tail -5 "$RUN/processor$i.log")"
done
say "broker $FAULTLINE_KAFKA_BROKERS, relays ${RELAY_PORTS[*]}, processors ${PROCESSOR_PORTS[*]}, PostgreSQL 127.0.0.1:$PG_PORT; logs in $RUN"

# --- load ---------------------------------------------------------------------------------------
say "load: $RATE events/s for $DURATION s over two relays"
HALF=$(awk -v r="$RATE" 'BEGIN { print r / 2 }')
LOAD_START=$(date +%s.%N)
for i in 0 1; do
    "$PYTHON" bench/load.py --dsn "$DSN" --port "${RELAY_PORTS[$i]}" --rate "$HALF" --duration "$DURATION" \
        --connections "$CONNECTIONS" --record "$RUN/sent$i.txt" --origin "$LOAD_START" >"$RUN/load$i.out" 2>&1 & LOADS+=($!)
done

# --- the fault schedule -------------------------------------------------------------------------
sleep_until "$(at 6)"
say "broker: next 30 Produce and 30 Fetch requests answered with retriable errors"
phase_begin
broker errors produce 30 19
broker errors fetch 30 6
phase_end "broker request errors"

sleep_until "$(at 12)"
# Outages scale with SECONDS too, but last at least 4 s, so that a short run still sees them.
DOWN=$(awk -v d="$DURATION" 'BEGIN { v = 10 * d / 120; printf "%.1f", (v > 10 ? 10 : v < 4 ? 4 : v) }')
say "broker DOWN for $DOWN s"
phase_begin
broker down
sleep "$DOWN"
broker up
phase_end "broker down"
say "broker UP"
recovered "http://127.0.0.1:${RELAY_PORTS[0]}/readyz" 30 "relay 0 after the broker outage"

sleep_until "$(at 34)"
PGDOWN=$(awk -v d="$DURATION" 'BEGIN { v = 8 * d / 120; printf "%.1f", (v > 8 ? 8 : v < 4 ? 4 : v) }')
say "PostgreSQL STOP (pg_ctl stop -m fast) for $PGDOWN s"
phase_begin
pg_stop
sleep "$PGDOWN"
pg_start
phase_end "PostgreSQL stopped"
say "PostgreSQL STARTED"
recovered "http://127.0.0.1:${RELAY_PORTS[1]}/readyz" 30 "relay 1 after the PostgreSQL outage"

sleep_until "$(at 54)"
KILL_END=$(awk -v s="$(at 54)" -v d="$DURATION" 'BEGIN { print s + 20 * d / 120 }')
EVERY=$(awk -v d="$DURATION" 'BEGIN { v = 4 * d / 120; printf "%.1f", (v < 1.5 ? 1.5 : v) }')
kills=0
phase_begin
while awk -v s="$LOAD_START" -v e="$KILL_END" -v n="$(date +%s.%N)" 'BEGIN { exit !(n - s < e) }'; do
    victim=$((kills % 2))
    kill -KILL "${PROCESSORS[$victim]}" 2>/dev/null || violation "processor $victim was not running when its kill came"
    wait "${PROCESSORS[$victim]}" 2>/dev/null || true
    echo "=== SIGKILL by deploy/chaos.sh ===" >>"$RUN/processor$victim.log"
    start_processor "$victim"
    kills=$((kills + 1))
    sleep "$EVERY"
done
phase_end "processor SIGKILLs"
say "processors SIGKILLed and restarted $kills times"

for step in "84 1" "96 0"; do
    set -- $step
    sleep_until "$(at "$1")"
    say "relay $2 RESTART (SIGTERM)"
    phase_begin
    kill -TERM "${RELAYS[$2]}"
    status=0; wait "${RELAYS[$2]}" || status=$?
    [ "$status" = 0 ] || violation "relay $2 exited $status on SIGTERM"
    start_relay "$2"
    phase_end "relay $2 restart"
    say "relay $2 listening again"
done

sleep_until "$(at 102)"
STOPPED=$(awk -v d="$DURATION" 'BEGIN { v = 10 * d / 120; printf "%.1f", (v > 10 ? 10 : v) }')
say "both processors STOPPED (SIGTERM) for $STOPPED s"
phase_begin
for i in 0 1; do kill -TERM "${PROCESSORS[$i]}"; done
for i in 0 1; do
    status=0; wait "${PROCESSORS[$i]}" || status=$?
    [ "$status" = 0 ] || violation "processor $i exited $status on SIGTERM"
done
sleep "$STOPPED"
BACKLOG=$("${PSQL[@]}" -d faultline_chaos -c "SELECT count(*) FROM events")
start_processor 0; start_processor 1
phase_end "processors stopped"
say "processors started again ($BACKLOG events stored when they started)"
LAG=""
for _ in $(seq 100); do
    LAG=$(curl -s --max-time 2 "http://127.0.0.1:${PROCESSOR_PORTS[0]}/metrics" "http://127.0.0.1:${PROCESSOR_PORTS[1]}/metrics" \
        | awk '/^faultline_processor_lag_messages\{.*topic="ingest-events"/ { sum += $2; n++ } END { if (n) print sum }' || true)
    [ -n "$LAG" ] && break
    sleep 0.1
done
say "first lag reported after the restart: ${LAG:-none} ingest-events messages (faultline_processor_lag_messages)"

# --- drain and check ----------------------------------------------------------------------------
for i in 0 1; do wait "${LOADS[$i]}" || violation "load generator $i failed: $(tail -3 "$RUN/load$i.out")"; done
LOADS=()
for i in 0 1; do say "load $i: $(tail -1 "$RUN/load$i.out")"; done
for i in 0 1; do kill -0 "${PROCESSORS[$i]}" 2>/dev/null || violation "processor $i is not running: $(tail -3 "$RUN/processor$i.log")"; done
for i in 0 1; do kill -0 "${RELAYS[$i]}" 2>/dev/null || violation "relay $i is not running: $(tail -3 "$RUN/relay$i.log")"; done

sql() { "${PSQL[@]}" -d faultline_chaos -c "$1"; }
sql "CREATE TABLE chaos_sent (event_id uuid NOT NULL, status int NOT NULL, sent real NOT NULL)"
cat "$RUN/sent0.txt" "$RUN/sent1.txt" | "${PSQL[@]}" -d faultline_chaos -c "\\copy chaos_sent FROM STDIN WITH (FORMAT text, DELIMITER ' ')"
sql "CREATE INDEX ON chaos_sent (event_id)"
MISSING_SQL="SELECT count(*) FROM chaos_sent s WHERE status = 200 AND NOT EXISTS (SELECT 1 FROM events e WHERE e.event_id = s.event_id)"
DRAIN_LIMIT=$((DURATION + 120))
say "waiting for the processors to drain (up to $DRAIN_LIMIT s)"
drain_start=$(date +%s)
while [ "$(sql "$MISSING_SQL")" != 0 ] && [ $(($(date +%s) - drain_start)) -lt "$DRAIN_LIMIT" ]; do sleep 1; done
sleep 3 # anything arriving now would be a double count or an unacknowledged event
say "drained after $(($(date +%s) - drain_start)) s"

# Statuses by fault: sends from 3 s before each window (a request in flight when the fault
# starts waits up to the 3 s Kafka timeout) to 5 s after its end; the rest of the run is "steady".
sql "CREATE TABLE chaos_phases (t0 real, t1 real, name text)"
"${PSQL[@]}" -d faultline_chaos -c "\\copy chaos_phases FROM STDIN WITH (FORMAT text, DELIMITER ' ')" < <(awk '{ n = $3; for (i = 4; i <= NF; i++) n = n "_" $i; print $1, $2, n }' "$RUN/phases.txt")
SENT=$(sql "SELECT count(*) FROM chaos_sent")
OK=$(sql "SELECT count(*) FROM chaos_sent WHERE status = 200")
STATUSES=$(sql "SELECT string_agg(status || ': ' || n, ', ' ORDER BY status) FROM (SELECT status, count(*) AS n FROM chaos_sent GROUP BY status) t")
STORED=$(sql "SELECT count(*) FROM events")
MISSING=$(sql "$MISSING_SQL")
DUPLICATES=$(sql "SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM events GROUP BY project_id, event_id HAVING count(*) > 1) t")
# An error status stored is a violation, except a 503 for a request that was in flight when the
# broker's connections were cut (sent within the 3 s Kafka timeout before "down", or 1 s after):
# its message may have reached the log while the acknowledgement was lost, which librdkafka
# reports as a timeout ("possibly persisted"). Nobody can tell the client otherwise; an SDK
# retry with the same event id is counted once.
IN_FLIGHT="s.status = 503 AND EXISTS (SELECT 1 FROM chaos_phases p WHERE p.name IN ('broker_down', 'broker_request_errors') AND s.sent BETWEEN p.t0 - 3 AND p.t0 + 1)"
ERROR_STORED=$(sql "SELECT coalesce(string_agg(status || ': ' || n, ', '), '') FROM (SELECT status, count(*) AS n FROM chaos_sent s WHERE status <> 200 AND NOT ($IN_FLIGHT) AND EXISTS (SELECT 1 FROM events e WHERE e.event_id = s.event_id) GROUP BY status) t")
POSSIBLY_PERSISTED=$(sql "SELECT count(*) FROM chaos_sent s WHERE $IN_FLIGHT AND EXISTS (SELECT 1 FROM events e WHERE e.event_id = s.event_id)")
UNKNOWN=$(sql "SELECT count(*) FROM events e WHERE NOT EXISTS (SELECT 1 FROM chaos_sent s WHERE s.event_id = e.event_id)")
TIMES_SEEN=$(sql "SELECT coalesce(sum(times_seen), 0) FROM issues")
DEAD=$(sql "SELECT count(*) FROM dead_letters")
OUTCOMES=$(sql "SELECT coalesce(sum(quantity), 0) FROM outcomes_hourly WHERE outcome = 0 AND category = 1")
BY_PHASE=$(sql "SELECT rpad(replace(coalesce(p.name, 'steady'), '_', ' '), 24) || string_agg(s.status || ': ' || s.n, ', ' ORDER BY s.status)
    FROM (SELECT coalesce((SELECT name FROM chaos_phases p WHERE c.sent BETWEEN p.t0 - 3 AND p.t1 + 5 ORDER BY p.t0 LIMIT 1), 'steady') AS name,
                 status, count(*) AS n FROM chaos_sent c GROUP BY 1, 2) s
    LEFT JOIN chaos_phases p ON p.name = s.name GROUP BY p.name, p.t0 ORDER BY p.t0 NULLS FIRST" | sed 's/^/                /')

[ "$MISSING" = 0 ] || violation "$MISSING events answered 200 are not stored"
[ "$DUPLICATES" = 0 ] || violation "$DUPLICATES events are stored more than once"
[ -z "$ERROR_STORED" ] || violation "events answered with an error status are stored (status: count): $ERROR_STORED"
[ "$UNKNOWN" = 0 ] || violation "$UNKNOWN stored events were never sent"
[ "$TIMES_SEEN" = "$STORED" ] || violation "sum(issues.times_seen) = $TIMES_SEEN but count(events) = $STORED"
[ "$DEAD" = 0 ] || violation "$DEAD dead letters"
# Every 200 had its accepted outcome acknowledged too (a 503 may have had its outcome persisted).
[ "$OUTCOMES" -ge "$OK" ] || violation "accepted outcomes $OUTCOMES < events answered 200 $OK"
[ "$OK" -gt 0 ] || violation "no event was answered 200"

# --- the services said what happened -----------------------------------------------------------
count() { cat "$@" 2>/dev/null | grep -c "$PATTERN" || true; }
PATTERN='relay: Kafka did not acknowledge'; KAFKA_DOWN=$(count "$RUN"/relay*.log)
PATTERN='relay: Kafka acknowledging again'; KAFKA_UP=$(count "$RUN"/relay*.log)
PATTERN='relay: PostgreSQL unavailable'; RELAY_PG_DOWN=$(count "$RUN"/relay*.log)
PATTERN='relay: PostgreSQL reachable again'; RELAY_PG_UP=$(count "$RUN"/relay*.log)
PATTERN='processor: PostgreSQL unavailable'; PG_DOWN_LINES=$(count "$RUN"/processor*.log)
PATTERN='processor: PostgreSQL reachable again'; PG_UP_LINES=$(count "$RUN"/processor*.log)
# An outage a processor logged and never saw end, per process lifetime: a processor SIGKILLed by
# this script right after it logged the outage never gets to log its end, and that is no fault.
PG_UNRESOLVED=$(for log in "$RUN"/processor*.log; do
    awk '/processor: PostgreSQL unavailable/ {open = 1} /processor: PostgreSQL reachable again/ {open = 0}
         /=== SIGKILL by deploy\/chaos.sh ===/ {open = 0} END {print open + 0}' "$log"
done | awk '{sum += $1} END {print sum + 0}')
PATTERN='near its 5 MiB limit'; BACKLOG_FULL=$(count "$RUN"/relay*.log)
PATTERN='the processors caught up'; BACKLOG_OK=$(count "$RUN"/relay*.log)
NON_200=$(sql "SELECT count(*) FROM chaos_sent WHERE status = 503")
if [ "${FAULTLINE_SPOOL:-auto}" = off ]; then
    [ "$NON_200" -gt 0 ] || violation "no request was answered 503 during the outages"
else
    # Each relay writes requests to its spool and answers 200 once on disk: broker and
    # PostgreSQL outages (configs are cached) are absorbed, not answered 503.
    [ "$NON_200" = 0 ] || violation "$NON_200 requests were answered 503, though the relays spool"
fi
[ "$KAFKA_DOWN" -gt 0 ] || violation "no relay logged 'Kafka did not acknowledge' during the broker outage"
[ "$KAFKA_UP" -ge "$KAFKA_DOWN" ] || violation "a relay logged 'Kafka did not acknowledge' without 'Kafka acknowledging again' after it"
[ "$RELAY_PG_DOWN" -gt 0 ] || violation "no relay logged 'PostgreSQL unavailable' during the PostgreSQL outage"
[ "$RELAY_PG_UP" -ge "$RELAY_PG_DOWN" ] || violation "a relay logged 'PostgreSQL unavailable' without 'reachable again' after it"
[ "$PG_UNRESOLVED" = 0 ] || violation "a processor logged 'PostgreSQL unavailable' without 'reachable again' (and was not killed before it could)"
# A processor logs the outage only if it tried to write during it; in a short run the outage may
# fall while the group is still rebalancing after the broker's, so there it is only reported.
if [ "$PG_DOWN_LINES" = 0 ]; then
    if [ "$DURATION" -ge 60 ]; then violation "no processor logged 'PostgreSQL unavailable'"
    else say "note: no processor wrote during the PostgreSQL outage (no 'PostgreSQL unavailable' line)"; fi
fi
for i in 0 1; do
    PATTERN='listening on'; n=$(count "$RUN/relay$i.log")
    [ "$n" -ge 2 ] || violation "relay $i did not come back after its restart ($n 'listening on' lines)"
done
CRASHES=$(cat "$RUN"/*.log | grep -c 'Fatal error\|Segmentation\|panic' || true)
[ "$CRASHES" = 0 ] || violation "$CRASHES crash lines in the logs"

cat <<SUMMARY

  chaos run: $DURATION s at $RATE events/s, $(elapsed) s in all; logs in $RUN
    faults      broker errors (30 produce, 30 fetch), broker down ${DOWN} s, PostgreSQL stopped ${PGDOWN} s,
                $kills processor SIGKILLs, 2 relay restarts, processors stopped ${STOPPED} s (lag after: ${LAG:-n/a})
    by fault    (sends from 3 s before a fault's start to 5 s after its end)
$BY_PHASE
    sent        $SENT ($STATUSES; 0 = connection failed)
    answered 200 $OK, stored $STORED (missing $MISSING, duplicates $DUPLICATES, stored despite an error status: ${ERROR_STORED:-0}, never sent $UNKNOWN)
                503 but stored, in flight when the broker went down (possibly persisted): $POSSIBLY_PERSISTED
    issues      sum(times_seen) $TIMES_SEEN; dead letters $DEAD; accepted outcomes $OUTCOMES
    log lines   relays: 'Kafka did not acknowledge' $KAFKA_DOWN / 'Kafka acknowledging again' $KAFKA_UP,
                'PostgreSQL unavailable' $RELAY_PG_DOWN / 'reachable again' $RELAY_PG_UP,
                embedded broker 'near its 5 MiB limit' $BACKLOG_FULL / 'the processors caught up' $BACKLOG_OK;
                processors: 'PostgreSQL unavailable' $PG_DOWN_LINES / 'reachable again' $PG_UP_LINES
    violations  $VIOLATIONS

SUMMARY
[ "$VIOLATIONS" = 0 ]
