#!/usr/bin/env bash
# Runs one libFuzzer target for SECONDS over its seed corpus.
#   fuzz/run.sh TARGET SECONDS [LIBFUZZER FLAG…]   (e.g. -len_control=0: full -max_len at once)
# Seeds in fuzz/corpus/TARGET stay as committed; new inputs go to fuzz/.work/TARGET.
# Crashes, timeouts and OOMs land in fuzz/.work/artifacts/TARGET/; the log in fuzz/.work/TARGET.log.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?target: envelope, event, decompress, search, process or render}
seconds=${2:?seconds}
shift 2
dict=()
case $target in
    event|process|render) max_len=65536; dict=(-dict=fuzz/json.dict) ;;
    envelope) max_len=65536 ;;
    symbolication) max_len=65536; dict=(-dict=fuzz/json.dict) ;;
    decompress) max_len=16384 ;;
    search) max_len=2048 ;;   # queries over 1,000 characters are refused up front
    *) echo "unknown target $target" >&2; exit 2 ;;
esac
[ -x "fuzz/.build/$target" ] || fuzz/build.sh "$target"
work=fuzz/.work
mkdir -p "$work/$target" "$work/artifacts/$target"
# Swift's own runtime checks (overflow, bounds) trap; ASan reports memory errors; either stops libFuzzer.
status=0
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} "fuzz/.build/$target" \
    "$work/$target" "fuzz/corpus/$target" \
    -max_total_time="$seconds" -max_len="$max_len" -rss_limit_mb=2048 -timeout=5 \
    -print_final_stats=1 -artifact_prefix="$work/artifacts/$target/" "${dict[@]}" "$@" \
    >"$work/$target.log" 2>&1 || status=$?
grep -E "^#[0-9]+[[:space:]]+(INITED|DONE)|^stat::|ERROR|SUMMARY|Fatal error|artifact_prefix|Test unit written" "$work/$target.log" || true
exit "$status"
