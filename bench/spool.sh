#!/usr/bin/env bash
# The write-ahead spool (Sources/Spool): appends/s, fdatasyncs/s and append latency for 7 KB
# records with 1, 16 and 64 concurrent appenders, beside the reference measured in the same run
# on the same disk: one writer doing pwrite + fdatasync per record. Each line is the median of
# RUNS runs (each column on its own). Files go to .faultline/bench-spool (the disk the dev
# spool uses) and are removed afterwards.
#   ./bench/spool.sh [SECONDS=5] [RUNS=3] [SIZE=7168]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SECONDS_PER_RUN="${1:-5}"
RUNS="${2:-3}"
SIZE="${3:-7168}"
[ -n "${SKIP_BUILD:-}" ] || swift build -c release --product bench-spool 2>&1 | tail -1 >&2
DIR=.faultline/bench-spool
trap 'rm -rf "$DIR"' EXIT

median_of_runs() {  # mode appenders
    for _ in $(seq "$RUNS"); do
        rm -rf "$DIR"; mkdir -p "$DIR"
        .build/release/bench-spool "$1" "$DIR" "$SIZE" "$2" "$SECONDS_PER_RUN"
    done | awk -v runs="$RUNS" '
        { for (i = 1; i <= NF; i++) { split($i, kv, "="); key[i] = kv[1]; v[i, NR] = kv[2] } n = NF }
        END {  # median of each numeric column (mawk has no asort: insertion sort)
            line = ""
            for (i = 1; i <= n; i++) {
                for (r = 1; r <= runs; r++) s[r] = v[i, r]
                for (r = 2; r <= runs; r++) for (q = r; q > 1 && s[q - 1] + 0 > s[q] + 0; q--) { t = s[q]; s[q] = s[q - 1]; s[q - 1] = t }
                line = line (i > 1 ? " " : "") key[i] "=" (i > 2 ? s[int((runs + 1) / 2)] : s[1])
            }
            print line
        }'
}

mkdir -p "$DIR"
echo "# $(date -u +%FT%TZ) $(uname -m), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg), ${SIZE}-byte records, ${SECONDS_PER_RUN} s per run, median of $RUNS, on $(df -PT "$DIR" | awk 'NR==2 {print $1 " (" $2 ")"}')"
median_of_runs raw 1
for appenders in 1 16 64; do median_of_runs spool "$appenders"; done
