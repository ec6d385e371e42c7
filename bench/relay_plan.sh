#!/usr/bin/env bash
# The relay's per-envelope CPU without HTTP and Kafka (envelope parse, auth header, ingest plan and
# its Kafka messages) over the sentry-sdk corpus (.faultline/corpus): wall time per envelope, and
# with CALLGRIND=1 instructions per envelope, which the machine's noise does not move.
#   ./bench/relay_plan.sh [ROUNDS=20]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROUNDS="${1:-20}"
[ -n "$(ls .faultline/corpus 2>/dev/null)" ] || { echo "no corpus: run ./bench/relay_corpus.sh once" >&2; exit 1; }
swift build -c release --product bench-ingest-plan 2>&1 | tail -1 >&2
.build/release/bench-ingest-plan .faultline/corpus "$ROUNDS"
if [ -n "${CALLGRIND:-}" ]; then
    # valgrind 3.19 cannot read the binary's DWARF 5: symbols only.
    strip --strip-debug -o .faultline/bench-ingest-plan.nodebug .build/release/bench-ingest-plan
    envelopes=$((4 * $(ls .faultline/corpus | wc -l)))
    valgrind --tool=callgrind --callgrind-out-file=.faultline/callgrind-plan.out \
        .faultline/bench-ingest-plan.nodebug .faultline/corpus 4 2>&1 | grep Collected >&2
    callgrind_annotate --inclusive=yes .faultline/callgrind-plan.out 2>/dev/null | swift demangle --simplified \
        | grep -E '^ *[0-9,]+ .*(bench_ingest_plan_main|IngestPlan.make|JSONObjectIndex.init|static JSON.parse|parseHeader|IngestMessage.encoded|EnvelopeParser.parse)' \
        | awk -v n="$envelopes" '{ir = $1; gsub(",", "", ir); sub(/^ *[0-9,]+ +\( *[0-9.]+%\) +\?*:/, ""); sub(/ \[.*/, ""); printf "%9.0f Ir/envelope  %s\n", ir / n, $0}'
fi
