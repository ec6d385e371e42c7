#!/usr/bin/env bash
# Each processing step (scrubbing per secret pattern, the glob engine, built-in and custom stack
# trace rules, function-name cleanup, message parameterization, the whole normalizer) on 1 MB of
# adversarial input and 1 MB of ordinary text; prints a table of medians over RUNS runs and the
# ratio adversarial / ordinary, and the growth from 250 KB to 1 MB of adversarial input (about 4
# when linear, 16 when quadratic). No database or broker needed.
#   ./bench/adversarial.sh [RUNS=3] [KILOBYTES=1000] [STEP (part of a step name)]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
swift build -c release --product bench-adversarial >/dev/null
.build/release/bench-adversarial "${1:-3}" "${2:-1000}" ${3:+"$3"}
