#!/usr/bin/env bash
# Horizontal scaling of the processor: 1, 2 and 4 separate `faultline processor` processes (one
# worker each, one consumer group) against the same backlog on one `faultline broker`, with exact
# counts, events/s and CPU per event per process (see processor_backlog.sh).
#   ./bench/processor_scaling.sh [RUNS=3] [COUNT=20000] [PROCESSES="1 2 4"] [PARTITIONS=4]
exec "$(dirname "${BASH_SOURCE[0]}")/processor_backlog.sh" "${1:-3}" "${2:-20000}" 1 200 "${3:-1 2 4}" "${4:-4}"
