#!/usr/bin/env bash
# Symbolication (Sources/Symbolication, the processor's SymbolicateStage): parse time of a ~5 MB
# source map made by Debian's esbuild, lookups/s over 20,000 positions in its minified file, and
# events/s (20 frames each, warm cache) through the stage alone and through the whole event
# pipeline with and without it; beside getsentry's `symbolic` (PyPI, in the venv) on the same map
# and positions in the same run. Each figure is the median of RUNS runs.
#   ./bench/symbolication.sh [RUNS=3] [SECONDS=3] [MODULES=480]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
RUNS="${1:-3}"
SECONDS_PER_FIGURE="${2:-3}"
MODULES="${3:-480}"
PYTHON="${FAULTLINE_PYTHON:-.faultline/venv/bin/python}"
[ -x "$PYTHON" ] || PYTHON=/work/main/.faultline/venv/bin/python
[ -n "${SKIP_BUILD:-}" ] || swift build -c release --product bench-symbolication 2>&1 | tail -1 >&2
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT

"$PYTHON" bench/make_symbolication_input.py "$DIR" "$MODULES"
(cd "$DIR" && esbuild src/entry.js --bundle --minify --sourcemap --format=iife --outfile=dist/bundle.min.js --log-level=warning)
# 20,000 positions spread over the minified file's lines (same seed every run).
"$PYTHON" - "$DIR/dist/bundle.min.js" "$DIR/positions.txt" <<'PY'
import random, sys
random.seed(15)
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
with open(sys.argv[2], "w") as out:
    for _ in range(20000):
        n = random.randrange(len(lines))
        while not lines[n]:
            n = random.randrange(len(lines))
        out.write(f"{n + 1} {random.randrange(len(lines[n])) + 1}\n")
PY

median() {  # the median of each key=value column over RUNS lines on stdin
    awk -v runs="$RUNS" '
        { for (i = 1; i <= NF; i++) { split($i, kv, "="); key[i] = kv[1]; v[i, NR] = kv[2] } n = NF }
        END {
            line = ""
            for (i = 1; i <= n; i++) {
                for (r = 1; r <= runs; r++) s[r] = v[i, r]
                for (r = 2; r <= runs; r++) for (q = r; q > 1 && s[q - 1] + 0 > s[q] + 0; q--) { t = s[q]; s[q] = s[q - 1]; s[q - 1] = t }
                line = line (i > 1 ? " " : "") key[i] "=" s[int((runs + 1) / 2)]
            }
            print line
        }'
}

echo "# $(date -u +%FT%TZ) $(uname -m), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg), map $(stat -c %s "$DIR/dist/bundle.min.js.map") bytes, median of $RUNS, symbolic $("$PYTHON" -c 'import importlib.metadata as m; print(m.version("symbolic"))')"
for _ in $(seq "$RUNS"); do .build/release/bench-symbolication "$DIR/dist/bundle.min.js.map" "$DIR/positions.txt" "$SECONDS_PER_FIGURE"; done | median
for _ in $(seq "$RUNS"); do "$PYTHON" bench/symbolication_reference.py "$DIR/dist/bundle.min.js.map" "$DIR/positions.txt" "$SECONDS_PER_FIGURE"; done | median
