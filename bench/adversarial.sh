#!/usr/bin/env bash
# Each processing step (scrubbing per secret pattern, the glob engine, built-in and custom stack
# trace rules, function-name cleanup, message parameterization, the whole normalizer) on 1 MB of
# adversarial input and 1 MB of ordinary text; prints a table of medians over RUNS runs and the
# ratio adversarial / ordinary. Linear steps give a small constant; a step that rescans or
# backtracks gives hundreds. No database or broker needed.
#   ./bench/adversarial.sh [RUNS=5] [KILOBYTES=1000]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
swift build -c release --product bench-adversarial >/dev/null
.build/release/bench-adversarial "${1:-5}" "${2:-1000}"
