#!/usr/bin/env bash
# Faultline side by side with a peer, Bugsink (bench/peer/setup_bugsink.sh), in the same run:
#
#   ./bench/peer/compare.sh [EVENTS=20000] [CONNECTIONS=16] [RUNS=3]
#
# For each system, RUNS times, alternating which goes first, from a fresh database each run:
#   - Faultline: `faultline dev` (release build; relay + processor + query in one process with the
#     embedded broker) on 127.0.0.1:9200, database `faultline_peer` in the PostgreSQL on
#     127.0.0.1:$PG_PORT (dropped and re-created each run; the dev database is not touched);
#   - Bugsink: gunicorn (the documented flags, 5 sync workers) on 127.0.0.1:8000 and its snappea
#     worker, with its SQLite databases restored from the empty snapshot setup_bugsink.sh made;
# bench/peer/drive.py sends the same EVENTS envelopes (bench/make_envelope.py --count: captured
# from the real sentry-sdk, 10 exception types, unique event ids, gzip as the SDK sends them;
# generated once, before the runs) as fast as possible over CONNECTIONS connections, then polls
# the system's database until it holds every accepted event, sampling the memory of the system's
# processes (sum over the process tree: the faultline process; gunicorn master + workers + snappea).
# Idle memory is sampled 5 s after each start. Prints every run, the medians and the ratios
# Faultline/Bugsink; raw results go to .faultline/peer/results-<date>.jsonl.
#
# PostgreSQL's own processes are not counted for Faultline (a separate server, shared on this
# machine); Bugsink's SQLite runs inside its processes and is counted.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../deploy/lib.sh"
EVENTS="${1:-20000}"; CONNECTIONS="${2:-16}"; RUNS="${3:-3}"
FL_PORT="${FL_PORT:-9200}"
SYSTEMS="${SYSTEMS:-faultline bugsink}"   # e.g. SYSTEMS=bugsink to try one side only
OUT="$STATE/peer"; BS="$STATE/bugsink"; BVENV="$STATE/bugsink-venv"
mkdir -p "$OUT"
cd "$ROOT"

# PostgreSQL: the shared server may already run on $PG_PORT (from another checkout): use it as is.
if "$(pg_bin)/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; then
    log "using the PostgreSQL already listening on 127.0.0.1:$PG_PORT"
else
    ensure_packages
    pg_start
fi
FAULTLINE="$ROOT/.build/release/faultline"
if [[ " $SYSTEMS " == *" faultline "* ]]; then
    log "building faultline (release)"
    swift build -c release --product faultline 2>&1 | tail -1 >&2
fi
[ -f "$BS/pristine/db.sqlite3" ] && [ -f "$BS/bugsink.env" ] || "$ROOT/bench/peer/setup_bugsink.sh"
source "$BS/bugsink.env"
BS_PORT="${BUGSINK_URL##*:}"

PYTHON="$(ensure_venv)"
BODIES="$OUT/envelopes-$EVENTS.bin"
[ -s "$BODIES" ] || "$PYTHON" bench/make_envelope.py "$BODIES" --count "$EVENTS" --kinds 10 >&2

ADMIN_URL="postgresql://faultline@127.0.0.1:$PG_PORT/postgres"
FL_DB_URL="postgresql://faultline@127.0.0.1:$PG_PORT/faultline_peer"
RESULTS="$OUT/results-$(date -u +%Y%m%dT%H%M%SZ).jsonl"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

wait_http() { # url seconds
    for _ in $(seq $(( $2 * 5 ))); do curl -sf -o /dev/null "$1" && return 0; sleep 0.2; done
    die "$1 did not answer within $2 s"
}
stop() { # pids...: SIGTERM, then SIGKILL after 20 s
    kill "$@" 2>/dev/null || true
    for _ in $(seq 100); do
        local alive=0; for p in "$@"; do kill -0 "$p" 2>/dev/null && alive=1; done
        [ $alive = 0 ] && break; sleep 0.2
    done
    for p in "$@"; do
        kill -0 "$p" 2>/dev/null && kill -KILL $(ps -o pid= --ppid "$p") "$p" 2>/dev/null
    done
    wait "$@" 2>/dev/null || true
    PIDS=()
}
record() { # system run idle-json drive-json: prints the run, appends it to $RESULTS
    python3 bench/peer/drive.py record --results "$RESULTS" "$@"
}

run_faultline() { # run
    psql "$ADMIN_URL" -qc "DROP DATABASE IF EXISTS faultline_peer WITH (FORCE)" -c "CREATE DATABASE faultline_peer" >/dev/null
    export FAULTLINE_DATABASE_URL="$FL_DB_URL" FAULTLINE_PUBLIC_URL="http://127.0.0.1:$FL_PORT"
    "$FAULTLINE" migrate >/dev/null
    rm -f "$OUT/faultline.env"
    "$FAULTLINE" admin bootstrap --org peer --project web --env-file "$OUT/faultline.env" >/dev/null
    local dsn key project
    dsn="$(sed -n 's/^FAULTLINE_DSN=//p' "$OUT/faultline.env")"
    key="$(echo "$dsn" | sed -E 's#^https?://([^@]+)@.*#\1#')"; project="${dsn##*/}"
    "$FAULTLINE" dev --host 127.0.0.1 --port "$FL_PORT" --log-level warning > "$OUT/faultline.log" 2>&1 &
    local pid=$!; PIDS=($pid)
    wait_http "http://127.0.0.1:$FL_PORT/readyz" 60
    sleep 5
    local idle drive
    idle="$(python3 bench/peer/drive.py rss --pids "$pid")"
    drive="$(python3 bench/peer/drive.py send --bodies "$BODIES" --url "http://127.0.0.1:$FL_PORT/api/$project/envelope/" \
        --key "$key" --connections "$CONNECTIONS" --pg "$FL_DB_URL" --pids "$pid")"
    record faultline "$1" "$idle" "$drive"
    stop "$pid"
}

run_bugsink() { # run
    rm -rf "$BS/ingestion" "$BS/snappea" "$BS"/*.sqlite3-wal "$BS"/*.sqlite3-shm
    cp "$BS/pristine/db.sqlite3" "$BS/pristine/snappea.sqlite3" "$BS/"
    mkdir -p "$BS/ingestion" "$BS/snappea/wakeup"
    (cd "$BS" && PYTHONUNBUFFERED=1 exec "$BVENV/bin/gunicorn" --bind="127.0.0.1:$BS_PORT" --workers=5 \
        --access-logfile - --capture-output --error-logfile - --max-requests=1000 --max-requests-jitter=100 \
        bugsink.wsgi) > "$OUT/gunicorn.log" 2>&1 &
    local gunicorn=$!
    (cd "$BS" && PYTHONUNBUFFERED=1 exec "$BVENV/bin/bugsink-runsnappea") > "$OUT/snappea.log" 2>&1 &
    local snappea=$!; PIDS=($gunicorn $snappea)
    wait_http "http://127.0.0.1:$BS_PORT/health/ready" 60
    sleep 5
    local idle drive
    idle="$(python3 bench/peer/drive.py rss --pids "$gunicorn,$snappea")"
    drive="$(python3 bench/peer/drive.py send --bodies "$BODIES" --url "http://127.0.0.1:$BS_PORT/api/$BUGSINK_PROJECT_ID/envelope/" \
        --key "$BUGSINK_KEY" --connections "$CONNECTIONS" --sqlite "$BS/db.sqlite3" --pids "$gunicorn,$snappea")"
    record bugsink "$1" "$idle" "$drive"
    stop "$gunicorn" "$snappea"
}

log "$EVENTS events, $CONNECTIONS connections, $RUNS runs each, alternating; raw results: $RESULTS"
order=($SYSTEMS)
for run in $(seq "$RUNS"); do
    for system in "${order[@]}"; do "run_$system" "$run"; done
    order=($(printf '%s\n' "${order[@]}" | tac))   # alternate which system goes first
done
[ "${#order[@]}" = 2 ] && python3 bench/peer/drive.py summary --results "$RESULTS"
