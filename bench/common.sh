# Shared by the load benchmarks (relay_corpus.sh, e2e_under_load.sh, soak.sh, two_relays.sh):
# the release binaries, a database of their own, the gzip corpus, medians and RSS sampling.
# Environment: FAULTLINE_DATABASE_URL (default: database faultline_loadbench on the private
# PostgreSQL, created and bootstrapped on first use, credentials in .faultline/loadbench.env);
# SKIP_BUILD=1 uses the binaries in .build/release as they are.
source "$(dirname "${BASH_SOURCE[0]}")/../deploy/lib.sh"
cd "$ROOT"
BIN="$ROOT/.build/release/faultline"
SINK_BIN="$ROOT/.build/release/bench-sink"
BACKLOG_BIN="$ROOT/.build/release/bench-backlog"
PGBIN="$(pg_bin)"
# Use a running PostgreSQL on $PG_PORT (a shared one, too); start the private one only if none answers.
"$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" || pg_start
if [ -z "${SKIP_BUILD:-}" ]; then
    swift build -c release --product faultline 2>&1 | tail -1 >&2
    swift build -c release --product bench-sink 2>&1 | tail -1 >&2
    swift build -c release --product bench-backlog 2>&1 | tail -1 >&2
fi
command -v wrk >/dev/null || { as_root apt-get update -qq; as_root apt-get install -y -qq wrk >/dev/null; }
export FAULTLINE_DATABASE_URL="${FAULTLINE_DATABASE_URL:-postgresql://faultline@127.0.0.1:$PG_PORT/faultline_loadbench}"
LOADBENCH_ENV="$STATE/loadbench.env"
DEV_PORT="${DEV_PORT:-9300}"

# Bootstraps org acme / project web / key / token in the benchmark database (once).
bench_bootstrap() {
    local db="${FAULTLINE_DATABASE_URL##*/}" admin="${FAULTLINE_DATABASE_URL%/*}/postgres"
    if [ "$("$PGBIN/psql" "$admin" -Atc "SELECT 1 FROM pg_database WHERE datname = '$db'")" != 1 ]; then
        "$PGBIN/psql" "$admin" -qc "CREATE DATABASE $db" >/dev/null
    fi
    "$BIN" migrate >/dev/null
    FAULTLINE_PUBLIC_URL="http://127.0.0.1:$DEV_PORT" \
        "$BIN" admin bootstrap --org acme --project web --env-file "$LOADBENCH_ENV" >/dev/null
    set -a; source "$LOADBENCH_ENV"; set +a
    KEY="$(echo "$FAULTLINE_DSN" | sed -E 's#^https?://([^@]+)@.*#\1#')"
    PROJECT_ID="$(echo "$FAULTLINE_DSN" | sed -E 's#.*/([0-9]+)$#\1#')"
    export AUTH="Sentry sentry_key=$KEY, sentry_version=7, sentry_client=sentry.python/bench"
}

# The corpus of real sentry-sdk envelopes (bench/make_corpus.py → .faultline/corpus), and
# COUNT gzip bodies made from it, each with its own event id (.faultline/corpus-gz/NNNNN.gz),
# for wrk (bench/corpus.lua).
bench_corpus() {
    local count="${1:-1000}"
    if [ -z "$(ls "$STATE/corpus" 2>/dev/null)" ]; then
        local python; python="$(ensure_venv)"
        "$python" bench/make_corpus.py "$STATE/corpus" >&2
    fi
    export BODY_DIR="$STATE/corpus-gz" BODY_COUNT="$count"
    if [ ! -f "$BODY_DIR/$(printf '%05d' $((count - 1))).gz" ]; then
        rm -rf "$BODY_DIR"; mkdir -p "$BODY_DIR"
        python3 - "$STATE/corpus" "$BODY_DIR" "$count" <<'PY'
import gzip, os, re, sys, uuid
src, out, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
ID = re.compile(rb'"event_id"\s*:\s*"([0-9a-f]{32})"')
templates = []
for name in sorted(os.listdir(src)):
    body = open(os.path.join(src, name), "rb").read()
    m = ID.search(body)
    if m:
        templates.append((body, m.group(1)))
sizes = []
for i in range(count):
    body, old = templates[i % len(templates)]
    data = gzip.compress(body.replace(old, uuid.uuid4().hex.encode()), compresslevel=6)
    open(os.path.join(out, f"{i:05d}.gz"), "wb").write(data)
    sizes.append(len(data))
sizes.sort()
print(f"{count} gzip bodies from {len(templates)} envelopes: {sizes[0]}-{sizes[-1]} bytes, median {sizes[len(sizes)//2]}", file=sys.stderr)
PY
    fi
}

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
loadavg() { cut -d' ' -f1 /proc/loadavg; }

# rss_sampler PID FILE [INTERVAL=0.5] &: appends the process's RSS (KiB) to FILE until it exits
# or the sampler is killed. peak_mb FILE: the largest sample in MB.
rss_sampler() {
    while kill -0 "$1" 2>/dev/null; do ps -o rss= -p "$1" >> "$2" 2>/dev/null || true; sleep "${3:-0.5}"; done
}
peak_mb() { sort -n "$1" 2>/dev/null | tail -1 | awk '{printf "%.0f", $1 / 1024}'; }

wait_http() { # url [tries]
    for _ in $(seq "${2:-150}"); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 0.2; done
    die "$1 did not answer"
}

# wrk_corpus OUT URL CONNECTIONS SECONDS [THREADS=2] → "accepted/s non2xx p50_ms p99_ms"
wrk_corpus() {
    wrk -t"${5:-2}" -c"$3" -d"${4}s" --latency -s bench/corpus.lua "$2" > "$1"
    awk '
        function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
        /requests in/ { total = $1; secs = $4; sub("s,", "", secs) } /Non-2xx/ { bad = $5 }
        / 50%/ { p50 = ms($2) } / 99%/ { p99 = ms($2) }
        END { printf "%.0f %d %.2f %.2f\n", (total - bad) / secs, bad, p50, p99 }' "$1"
}

# start_dev: `faultline dev` (relay + processor + query, embedded broker) on $DEV_PORT → DEV pid.
start_dev() { # DEV_WORKERS: processor workers inside `faultline dev` (default 1)
    "$BIN" dev --port "$DEV_PORT" --workers "${DEV_WORKERS:-1}" --log-level warning > "$STATE/dev-bench.log" 2>&1 & DEV=$!
    wait_http "http://127.0.0.1:$DEV_PORT/readyz" 300
}
settle() { # waits until the stored event count has not grown for 10 s (the processor is idle)
    local last=-1 same=0 now
    while [ "$same" -lt 10 ]; do
        now=$(stored_events); if [ "$now" = "$last" ]; then same=$((same + 1)); else same=0; last=$now; fi; sleep 1
    done
}
stored_events() { "$PGBIN/psql" "$FAULTLINE_DATABASE_URL" -Atc "SELECT count(*) FROM events"; }
# csv_quantiles FILE COLUMN → "p50 p99 count lost" of that column of a CSV with a header ("lost" rows apart).
csv_quantiles() {
    python3 - "$1" "$2" <<'PY'
import csv, sys
rows = [row[sys.argv[2]] for row in csv.DictReader(open(sys.argv[1]))]
values = sorted(float(v) for v in rows if v != "lost")
q = lambda p: values[min(len(values) - 1, int(round(p * (len(values) - 1))))] if values else 0
print(f"{q(0.5):.1f} {q(0.99):.1f} {len(values)} {len(rows) - len(values)}")
PY
}
# load_fields "<bench/load.py summary line>" → "accepted/s answered_200 non_200 p50 p99"
load_fields() {
    python3 - "$1" <<'PY'
import re, sys
line = sys.argv[1]
rate = re.search(r"accepted (\d+)/s", line).group(1)
codes = dict((int(c), int(n)) for c, n in re.findall(r"(\d+): (\d+)", line.split("(", 1)[1].split(")")[0]))
p50, p99 = re.search(r"p50 ([\d.]+) ms, p99 ([\d.]+) ms", line).groups()
print(rate, codes.get(200, 0), sum(codes.values()) - codes.get(200, 0), p50, p99)
PY
}
