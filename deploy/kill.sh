#!/usr/bin/env bash
# Kill test: `kill -9` under steady load, restart with the same data directories, then an
# exactly-once check of events and outcomes (issue 13, "Durable ingest on one machine").
#   ./deploy/kill.sh [KILLS=4] [RATE=200] [SCENARIOS="a b c"]
#
# Scenarios, each on a fresh database and spool directory:
#   a  `faultline dev` (relay, processor and the embedded broker in one process) killed -9 KILLS
#      times and restarted. Before the last restart the newest spool segment gets a torn record
#      appended (a 16-byte record header announcing 4,096 bytes, then 1,000 bytes of garbage: a
#      write cut by a power failure); the restarted relay must log "cut N bytes off the tail" with
#      N ≥ 1,016 and go on (skipped, and said so, when the binary writes no spool segment).
#   b  separate processes: `faultline broker`, one `faultline relay`, one `faultline processor`;
#      the relay killed -9 KILLS times while the broker lives.
#   c  the same setup; the processor killed -9 KILLS times; then (FAULTLINE_KILL_BROKER=1, the
#      default) the broker too, after the processor was paused (SIGSTOP) for 3 s so that the
#      broker holds a backlog: a killed `faultline broker` loses its in-memory log, and comes back
#      as a new cluster on a new address, so relay and processor are killed -9 and started against
#      it; what the processors had not committed must come from the relay's spool.
# Kills come at random moments, 3–8 s apart (seconds counted from when the restarted service
# listens again; FAULTLINE_KILL_SEED fixes the sequence).
#
# Load: bench/load.py (a small error event per send, each with a new event id, gzip, 8 keep-alive
# connections each), recording "event_id status seconds" per send, into three projects:
#   web       RATE events/s, no limits: each event answered 200 is accepted;
#   limited   RATE/10 events/s, a rate limit of 0 errors per minute (`admin set-limit`): every
#             send is answered 429 and gets a rate_limited outcome, no event;
#   filtered  RATE/10 events/s, an inbound filter matching every message (`admin set-filters`):
#             every send is answered 200 and gets a filtered outcome, no event.
# A send whose connection broke (the process was killed while it was in flight, or it was down)
# is recorded with status 0: it may or may not have been stored — the client never got an
# answer, so an SDK would send it again with the same event id.
#
# After the kills the load stops, and the script waits for the processors to drain (until every
# 200 is stored and the outcome totals reach their lower bounds, or nothing changed for 20 s),
# then 3 s more for late double counts, and checks with SQL:
#   - every event id answered 200 in web is in `events` exactly once (missing = lost);
#   - no (project, event id) is stored twice; no event is stored that was never sent; no event of
#     a send answered with an error status (anything but 200 and 0) is stored; no event is stored
#     in limited or filtered;
#   - sum(issues.times_seen) = count(events) (a replayed event is not counted again in its issue);
#   - accepted outcomes (outcome 0, category error) of web = count(events) of web, exactly: an
#     event and its accepted outcome are planned by the same request, so a replay that counts the
#     outcome again, or a crash that keeps one without the other, shows here;
#   - rate_limited outcomes of limited are at least the 429s and at most the 429s plus the sends
#     with status 0 (the relay may have recorded the decision for a request it could not answer);
#     filtered outcomes of filtered likewise between its 200s and its 200s plus its 0s;
#   - no dead letters, no crash lines in the logs, and each kill's service listening again.
# Exits non-zero on any violation. Logs, the load records and the summary stay in
# .faultline/kill/last/<scenario>/.
#
# PostgreSQL: a cluster of its own (.faultline/kill/pg on 127.0.0.1:$FAULTLINE_KILL_PG_PORT, default
# 5435), created on first use and left running, one database per scenario.
# Environment: FAULTLINE_KILL_BIN (a built `faultline`; default .build/debug/faultline, built if
# missing), FAULTLINE_KILL_PORT_BASE (19700), FAULTLINE_KILL_SEED, FAULTLINE_KILL_BROKER (1).
# ./deploy/test.sh runs it after the chaos run (FAULTLINE_KILL=0 skips it); about 3 minutes with
# the debug build.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export FAULTLINE_PG_PORT="${FAULTLINE_KILL_PG_PORT:-5435}"
export FAULTLINE_PG_DATA="$HERE/../.faultline/kill/pg"
export FAULTLINE_PG_LOG="$HERE/../.faultline/kill/pg.log"
source "$HERE/lib.sh"

KILLS="${1:-4}"
RATE="${2:-200}"
SCENARIOS="${3:-a b c}"
BASE="${FAULTLINE_KILL_PORT_BASE:-19700}"
SEED="${FAULTLINE_KILL_SEED:-$(( $(date +%s) % 32768 ))}"
RANDOM="$SEED"
RUN="$STATE/kill/last"
START_TIME=$(date +%s)

cd "$ROOT"
BIN="${FAULTLINE_KILL_BIN:-$ROOT/.build/debug/faultline}"
if [ ! -x "$BIN" ] && [ -z "${FAULTLINE_KILL_BIN:-}" ]; then
    log "building (debug)"
    swift build --product faultline 2>&1 | tail -3 >&2
fi
[ -x "$BIN" ] || die "$BIN is not an executable"
PYTHON="python3"; [ -x "$STATE/venv/bin/python" ] && PYTHON="$STATE/venv/bin/python"
for port in $(seq $((BASE + 1)) $((BASE + 30))); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then die "port $port is in use (set FAULTLINE_KILL_PORT_BASE)"; fi
done
rm -rf "$RUN"; mkdir -p "$RUN"
PSQL=("$(pg_bin)/psql" -h 127.0.0.1 -p "$PG_PORT" -U faultline -v ON_ERROR_STOP=1 -qtA)

# Every process this script started, by pid (the cleanup kills only these).
BROKER=""; RELAY=""; PROCESSOR=""; DEV=""; LOADS=()
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    for pid in "${LOADS[@]}" $DEV $RELAY $PROCESSOR $BROKER; do
        [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

TOTAL_VIOLATIONS=0; VIOLATIONS=0
elapsed() { echo $(($(date +%s) - START_TIME)); }
say() { printf '[kill %4ss] %s\n' "$(elapsed)" "$*" >&2; }
violation() { say "VIOLATION $*"; VIOLATIONS=$((VIOLATIONS + 1)); }
gap() { echo $((3 + RANDOM % 6)).$((RANDOM % 10)); } # 3.0–8.9 s
seconds_since() { awk -v s="$1" -v n="$(date +%s.%N)" 'BEGIN { printf "%.1f", n - s }'; }

# Waits until FILE has more than MARK lines matching TEXT (a restarted process logged it again).
wait_line() { # file text mark seconds pid
    for _ in $(seq $(($4 * 10))); do
        [ "$(lines "$1" "$2")" -gt "$3" ] && return 0
        [ -n "${5:-}" ] && ! kill -0 "$5" 2>/dev/null && return 1
        sleep 0.1
    done
    return 1
}
lines() { local n; n=$(grep -c "$2" "$1" 2>/dev/null || true); echo "${n:-0}"; }

# --- services ---------------------------------------------------------------------------------
start_dev() {
    local mark; mark=$(lines "$DIR/dev.log" 'listening on')
    "$BIN" dev --port "$PORT" >>"$DIR/dev.log" 2>&1 & DEV=$!
    wait_line "$DIR/dev.log" 'listening on' "$mark" 120 "$DEV" || die "faultline dev did not start: $(tail -5 "$DIR/dev.log")"
}
start_broker() {
    local out="$DIR/broker.out.$1"
    "$BIN" broker </dev/null >"$out" 2>>"$DIR/broker.log" & BROKER=$!
    for _ in $(seq 300); do grep -q '^bootstrap ' "$out" && break; sleep 0.1; done
    export FAULTLINE_KAFKA_BROKERS="$(awk '/^bootstrap /{print $2}' "$out")"
    [ -n "$FAULTLINE_KAFKA_BROKERS" ] || die "faultline broker did not start: $(tail -5 "$DIR/broker.log")"
}
start_relay() {
    local mark; mark=$(lines "$DIR/relay.log" 'listening on')
    "$BIN" relay --port "$PORT" >>"$DIR/relay.log" 2>&1 & RELAY=$!
    wait_line "$DIR/relay.log" 'listening on' "$mark" 120 "$RELAY" || die "relay did not start: $(tail -5 "$DIR/relay.log")"
}
# A processor killed -9 stays a member of the group until its session times out (10 s by
# default), and the restarted one gets partitions only after that; a shorter session keeps the
# run short (FAULTLINE_KILL_SESSION_MS; nothing here depends on it but the waiting).
SESSION_MS="${FAULTLINE_KILL_SESSION_MS:-4000}"
start_processor() { # waits until it has partitions, so that a kill finds it working
    local mark; mark=$(lines "$DIR/processor.log" 'kafka consumer: assigned')
    FAULTLINE_KAFKA_SESSION_TIMEOUT_MS="$SESSION_MS" FAULTLINE_KAFKA_HEARTBEAT_INTERVAL_MS=500 \
        "$BIN" processor --port $((PORT + 1)) >>"$DIR/processor.log" 2>&1 & PROCESSOR=$!
    wait_line "$DIR/processor.log" 'kafka consumer: assigned' "$mark" 60 "$PROCESSOR" \
        || violation "processor got no partitions within 60 s: $(tail -3 "$DIR/processor.log")"
}
kill9() { # name pid log: SIGKILL, reap, and mark the log
    kill -KILL "$2" 2>/dev/null || violation "$1 was not running when its kill came"
    wait "$2" 2>/dev/null || true
    echo "=== SIGKILL by deploy/kill.sh ===" >>"$3"
}

# --- one database per scenario, three projects --------------------------------------------------
prepare() { # scenario
    DB="faultline_kill_$1"
    DIR="$RUN/$1"; mkdir -p "$DIR"
    VIOLATIONS=0; NOTES=""; TORN=0
    "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
    export FAULTLINE_DATABASE_URL="postgresql://faultline@127.0.0.1:$PG_PORT/$DB"
    export FAULTLINE_SPOOL_DIR="$DIR/spool"
    unset FAULTLINE_KAFKA_BROKERS
    {
        "$BIN" migrate
        "$BIN" admin create-org kill
        for project in web limited filtered; do "$BIN" admin create-project kill "$project"; done
        "$BIN" admin set-limit kill limited --category error --window 60 --max 0
        "$BIN" admin set-filters kill filtered --error-message '*'
    } >"$DIR/admin.log" 2>&1 || die "could not prepare $DB: $(tail -5 "$DIR/admin.log")"
    for project in web limited filtered; do
        DSN[$project]="$(FAULTLINE_PUBLIC_URL="http://127.0.0.1:$PORT" "$BIN" admin create-key kill "$project" 2>>"$DIR/admin.log")"
        [ -n "${DSN[$project]}" ] || die "could not create a DSN key: $(tail -3 "$DIR/admin.log")"
    done
}
declare -A DSN

start_load() {
    LOAD_START=$(date +%s.%N)
    LOADS=()
    local small; small=$(awk -v r="$RATE" 'BEGIN { print r / 10 }')
    for project in web limited filtered; do
        local rate="$small"; [ "$project" = web ] && rate="$RATE"
        "$PYTHON" bench/load.py --dsn "${DSN[$project]}" --port "$PORT" --rate "$rate" --duration 3600 \
            --connections 8 --record "$DIR/sent-$project.txt" --origin "$LOAD_START" >"$DIR/load-$project.out" 2>&1 & LOADS+=($!)
    done
}
stop_load() {
    for pid in "${LOADS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${LOADS[@]}"; do wait "$pid" || violation "a load generator failed: $(tail -2 "$DIR"/load-*.out)"; done
    LOADS=()
    for project in web limited filtered; do say "load $project: $(tail -1 "$DIR/load-$project.out")"; done
}

# The torn write of scenario a: the newest segment gets a record header announcing 4,096 bytes
# and only 1,000 bytes after it; TORN = the bytes appended (0 when there is no segment).
tear_newest_segment() {
    local newest; newest=$(ls "$FAULTLINE_SPOOL_DIR"/*.seg 2>/dev/null | sort | tail -1 || true)
    TORN=0
    if [ -z "$newest" ]; then
        say "torn write: no spool segment in $FAULTLINE_SPOOL_DIR (spool off, or a binary without it); skipped"
        return
    fi
    TORN=$(python3 - "$newest" <<'PY'
import os, struct, sys
with open(sys.argv[1], "ab") as segment:
    # length 4096, a checksum that cannot match, a sequence, then a fifth of the payload
    segment.write(struct.pack("<IIQ", 4096, 0xDEADBEEF, 0) + os.urandom(1000))
print(16 + 1000)
PY
)
    say "torn write: $TORN bytes appended to $(basename "$newest")"
}
# After the restart: the relay must have cut at least what was appended, and said so.
check_torn() {
    if [ "$TORN" = 0 ]; then NOTES+="    torn write  skipped: no spool segment (spool off, or a binary without it)"$'\n'; return; fi
    local cut; cut=$(grep -o 'cut [0-9]* bytes off the tail' "$DIR/dev.log" | tail -1 | awk '{print $2}')
    if [ -z "$cut" ]; then violation "torn write: no 'cut N bytes off the tail' line after the restart"
    elif [ "$cut" -lt "$TORN" ]; then violation "torn write: cut $cut bytes, fewer than the $TORN appended"
    else NOTES+="    torn write  $TORN bytes appended to the newest segment; the relay logged: cut $cut bytes off the tail"$'\n'; fi
}

# --- the scenarios ----------------------------------------------------------------------------------
# Kills SERVICE (dev, relay or processor) -9 KILLS times, 3–8 s apart, and starts it again on
# the same data each time (start_SERVICE waits until it listens; a processor, until it has
# partitions). In scenario a the spool's tail is torn before the last restart.
kill_repeatedly() { # service
    local k at down pid back="listening again"
    [ "$1" = processor ] && back="has partitions again"
    for k in $(seq "$KILLS"); do
        sleep "$(gap)"
        at=$(seconds_since "$LOAD_START")
        case "$1" in dev) pid=$DEV ;; relay) pid=$RELAY ;; processor) pid=$PROCESSOR ;; esac
        kill9 "$1" "$pid" "$DIR/$1.log"
        if [ "$1" = dev ] && [ "$k" = "$KILLS" ]; then tear_newest_segment; fi
        down=$(date +%s.%N)
        "start_$1"
        say "kill $k at ${at} s: $1 $back after $(seconds_since "$down") s"
    done
}

scenario_a() {
    PORT=$((BASE + 1))
    prepare a
    say "scenario a: faultline dev on $PORT, killed -9 $KILLS times; spool $FAULTLINE_SPOOL_DIR"
    start_dev
    start_load
    kill_repeatedly dev
    check_torn
    sleep 3
    stop_load
    check a
    stop_all
}

start_split() { # broker, relay, processor
    start_broker 0
    start_relay
    start_processor
}
scenario_b() {
    PORT=$((BASE + 11))
    prepare b
    start_split
    say "scenario b: broker $FAULTLINE_KAFKA_BROKERS, relay $PORT killed -9 $KILLS times, processor $((PORT + 1)); spool $FAULTLINE_SPOOL_DIR"
    start_load
    kill_repeatedly relay
    sleep 3
    stop_load
    check b
    stop_all
}
scenario_c() {
    PORT=$((BASE + 21))
    prepare c
    start_split
    say "scenario c: broker $FAULTLINE_KAFKA_BROKERS, relay $PORT, processor $((PORT + 1)) killed -9 $KILLS times; spool $FAULTLINE_SPOOL_DIR"
    start_load
    kill_repeatedly processor
    if [ "${FAULTLINE_KILL_BROKER:-1}" != 0 ]; then
        sleep "$(gap)"
        # The processor paused for 3 s first, so that the broker holds a backlog of acknowledged,
        # unprocessed events when it dies (without a spool they are lost).
        kill -STOP "$PROCESSOR"
        sleep 3
        local at; at=$(seconds_since "$LOAD_START")
        kill9 broker "$BROKER" "$DIR/broker.log"
        local down; down=$(date +%s.%N)
        start_broker 1
        kill9 relay "$RELAY" "$DIR/relay.log"
        kill9 processor "$PROCESSOR" "$DIR/processor.log"
        start_relay
        start_processor
        say "broker killed at ${at} s: new broker $FAULTLINE_KAFKA_BROKERS; relay and processor killed -9 and working against it after $(seconds_since "$down") s"
    fi
    sleep 3
    stop_load
    check c
    stop_all
}
# Relay first (its SIGTERM flushes to the broker), then the rest; a process that has not exited
# 20 s after SIGTERM is killed, and the summary says so.
stop_all() {
    local name pid
    for name in relay dev processor broker; do
        case "$name" in relay) pid=$RELAY ;; dev) pid=$DEV ;; processor) pid=$PROCESSOR ;; broker) pid=$BROKER ;; esac
        [ -n "$pid" ] || continue
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        if kill -0 "$pid" 2>/dev/null; then
            kill -KILL "$pid" 2>/dev/null || true
            SUMMARY+="    note        $name had not exited 20 s after SIGTERM (killed)"$'\n'
        fi
        wait "$pid" 2>/dev/null || true
    done
    DEV=""; RELAY=""; PROCESSOR=""; BROKER=""
}

# --- drain and check ----------------------------------------------------------------------------------
SUMMARY=""
check() { # scenario
    local name="$1"
    sql() { "${PSQL[@]}" -d "$DB" -c "$1"; }
    sql "CREATE TABLE kill_sent (project text NOT NULL, event_id uuid NOT NULL, status int NOT NULL, sent real NOT NULL)"
    for project in web limited filtered; do
        awk -v p="$project" '{ print p, $0 }' "$DIR/sent-$project.txt" \
            | "${PSQL[@]}" -d "$DB" -c "\\copy kill_sent FROM STDIN WITH (FORMAT text, DELIMITER ' ')"
    done
    sql "CREATE INDEX ON kill_sent (event_id)"
    local web limited filtered
    web=$(sql "SELECT id FROM projects WHERE slug = 'web'")
    limited=$(sql "SELECT id FROM projects WHERE slug = 'limited'")
    filtered=$(sql "SELECT id FROM projects WHERE slug = 'filtered'")
    sent_count() { sql "SELECT count(*) FROM kill_sent WHERE project = '$1' AND status = $2"; }
    outcome_sum() { sql "SELECT coalesce(sum(quantity), 0) FROM outcomes_hourly WHERE project_id = $1 AND outcome = $2 AND category = 1"; }
    local ok_web lim429 lim0 fil200 fil0
    ok_web=$(sent_count web 200); lim429=$(sent_count limited 429); lim0=$(sent_count limited 0)
    fil200=$(sent_count filtered 200); fil0=$(sent_count filtered 0)
    local missing_sql="SELECT count(*) FROM kill_sent s WHERE project = 'web' AND status = 200 AND NOT EXISTS (SELECT 1 FROM events e WHERE e.project_id = $web AND e.event_id = s.event_id)"

    say "waiting for the processors to drain (until every 200 is stored and the outcomes are counted, or 20 s without change)"
    local drain_start last="" same=0 state missing accepted stored rl fl
    drain_start=$(date +%s)
    while true; do
        missing=$(sql "$missing_sql"); stored=$(sql "SELECT count(*) FROM events WHERE project_id = $web")
        accepted=$(outcome_sum "$web" 0); rl=$(outcome_sum "$limited" 2); fl=$(outcome_sum "$filtered" 1)
        [ "$missing" = 0 ] && [ "$accepted" -ge "$stored" ] && [ "$rl" -ge "$lim429" ] && [ "$fl" -ge "$fil200" ] && break
        state="$missing $stored $accepted $rl $fl"
        if [ "$state" = "$last" ]; then same=$((same + 1)); else same=0; last="$state"; fi
        [ "$same" -ge 20 ] && break
        [ $(($(date +%s) - drain_start)) -ge 120 ] && break
        sleep 1
    done
    sleep 3 # anything arriving now would be a double count
    local drained=$(($(date +%s) - drain_start))

    local sent statuses stored_all missing duplicates unknown error_stored elsewhere times_seen dead
    sent=$(sql "SELECT count(*) FROM kill_sent")
    statuses=$(sql "SELECT string_agg(project || ' ' || status || ': ' || n, ', ' ORDER BY project, status) FROM (SELECT project, status, count(*) AS n FROM kill_sent GROUP BY 1, 2) t")
    stored_all=$(sql "SELECT count(*) FROM events")
    stored=$(sql "SELECT count(*) FROM events WHERE project_id = $web")
    missing=$(sql "$missing_sql")
    duplicates=$(sql "SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM events GROUP BY project_id, event_id HAVING count(*) > 1) t")
    unknown=$(sql "SELECT count(*) FROM events e WHERE NOT EXISTS (SELECT 1 FROM kill_sent s WHERE s.event_id = e.event_id)")
    error_stored=$(sql "SELECT count(*) FROM kill_sent s WHERE status NOT IN (0, 200) AND EXISTS (SELECT 1 FROM events e WHERE e.event_id = s.event_id)")
    elsewhere=$(sql "SELECT count(*) FROM events WHERE project_id IN ($limited, $filtered)")
    times_seen=$(sql "SELECT coalesce(sum(times_seen), 0) FROM issues")
    dead=$(sql "SELECT count(*) FROM dead_letters")
    accepted=$(outcome_sum "$web" 0); rl=$(outcome_sum "$limited" 2); fl=$(outcome_sum "$filtered" 1)
    local in_flight_stored
    in_flight_stored=$(sql "SELECT count(*) FROM kill_sent s WHERE project = 'web' AND status = 0 AND EXISTS (SELECT 1 FROM events e WHERE e.event_id = s.event_id)")

    [ "$ok_web" -gt 0 ] || violation "no event was answered 200"
    [ "$missing" = 0 ] || violation "$missing of $ok_web events answered 200 are not stored"
    [ "$duplicates" = 0 ] || violation "$duplicates events are stored more than once"
    [ "$unknown" = 0 ] || violation "$unknown stored events were never sent"
    [ "$error_stored" = 0 ] || violation "$error_stored events answered with an error status are stored"
    [ "$elsewhere" = 0 ] || violation "$elsewhere events stored in the rate-limited or filtered project"
    [ "$times_seen" = "$stored_all" ] || violation "sum(issues.times_seen) = $times_seen but count(events) = $stored_all"
    [ "$accepted" = "$stored" ] || violation "accepted outcomes of web = $accepted, but $stored events of web are stored"
    [ "$lim429" -gt 0 ] || violation "no send to the rate-limited project was answered 429"
    [ "$rl" -ge "$lim429" ] || violation "rate_limited outcomes $rl < sends answered 429 $lim429 (lost)"
    [ "$rl" -le $((lim429 + lim0)) ] || violation "rate_limited outcomes $rl > 429s + unanswered sends $((lim429 + lim0)) (double counted)"
    [ "$fil200" -gt 0 ] || violation "no send to the filtered project was answered 200"
    [ "$fl" -ge "$fil200" ] || violation "filtered outcomes $fl < sends answered 200 $fil200 (lost)"
    [ "$fl" -le $((fil200 + fil0)) ] || violation "filtered outcomes $fl > 200s + unanswered sends $((fil200 + fil0)) (double counted)"
    [ "$dead" = 0 ] || violation "$dead dead letters"
    local crashes; crashes=$(cat "$DIR"/*.log | grep -c 'Fatal error\|Segmentation\|panic' || true)
    [ "$crashes" = 0 ] || violation "$crashes crash lines in the logs"
    local segments replays
    segments=$( (ls "$FAULTLINE_SPOOL_DIR"/*.seg 2>/dev/null || true) | wc -l)
    replays=$(cat "$DIR"/*.log | grep -i 'replay' | tail -1 | cut -c1-160 || true)

    SUMMARY+="  scenario $name: ${DESCRIPTION[$name]}; logs in $DIR
    sent        $sent ($statuses; 0 = no answer)
    web         answered 200 $ok_web, stored $stored (missing $missing, duplicates $duplicates, never sent $unknown,
                stored despite an error status $error_stored, sent without an answer but stored $in_flight_stored)
    outcomes    accepted $accepted (= events of web $stored), rate_limited $rl (429s $lim429, + unanswered $lim0),
                filtered $fl (200s $fil200, + unanswered $fil0)
    other       issues sum(times_seen) $times_seen / events $stored_all; dead letters $dead; events in limited/filtered $elsewhere;
                drained after $drained s; spool segments now $segments; last replay line: ${replays:-none}
$NOTES    violations  $VIOLATIONS
"
    say "scenario $name: $VIOLATIONS violations (missing $missing of $ok_web 200s)"
    TOTAL_VIOLATIONS=$((TOTAL_VIOLATIONS + VIOLATIONS))
}

declare -A DESCRIPTION=(
    [a]="faultline dev killed -9 $KILLS times"
    [b]="faultline broker + relay + processor, the relay killed -9 $KILLS times"
    [c]="faultline broker + relay + processor, the processor killed -9 $KILLS times$([ "${FAULTLINE_KILL_BROKER:-1}" != 0 ] && echo ', then the broker with the processor paused 3 s before (relay and processor killed and restarted against the new one)')"
)

pg_start
export FAULTLINE_KAFKA_FETCH_WAIT_MAX_MS="${FAULTLINE_KAFKA_FETCH_WAIT_MAX_MS:-20}"
say "binary $BIN; $RATE events/s to web, $(awk -v r="$RATE" 'BEGIN { print r / 10 }')/s each to limited and filtered; seed $SEED; PostgreSQL 127.0.0.1:$PG_PORT"
for s in $SCENARIOS; do
    case "$s" in a) scenario_a ;; b) scenario_b ;; c) scenario_c ;; *) die "unknown scenario $s (a, b or c)" ;; esac
done

printf '\n  kill test: %s kills per scenario at %s events/s, seed %s, %s s in all\n%s\n' "$KILLS" "$RATE" "$SEED" "$(elapsed)" "$SUMMARY"
echo "  violations: $TOTAL_VIOLATIONS"
[ "$TOTAL_VIOLATIONS" = 0 ]
