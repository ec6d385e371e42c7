#!/usr/bin/env bash
# Instructions per event of the default scrubber (`Scrubber(.default)`) on the 3.9 KB sentry-sdk
# event of bench/make_envelope.py, compiled with -O outside SwiftPM (EventModel and Scrubbing
# sources in one module; the PII processor, which needs swift-crypto, left out) and measured with
# callgrind as (instructions for 300 events − for 100) / 200. Give several source trees to compare
# them in one run (e.g. main's checkout and a worktree):
#   bench/scrub_callgrind.sh /work/main /work/wt/remarks
# `WITH_SECRETS=1` adds an `extra` with a card, SSN, bearer token, IBAN and a password, so every
# default rule fires (the remarks' own cost).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-/work/main/.faultline/venv/bin/python}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$python" "$here/bench/make_envelope.py" "$work/env.gz" >/dev/null 2>&1
"$python" - "$work" "${WITH_SECRETS:-0}" <<'PY'
import gzip, json, sys
work, secrets = sys.argv[1], sys.argv[2] == "1"
for line in gzip.open(f"{work}/env.gz").read().split(b"\n"):
    try:
        event = json.loads(line)
    except ValueError:
        continue
    if "exception" in event:
        if secrets:
            event.setdefault("extra", {}).update({"note": "ü 4111 1111 1111 1111 and 123-45-6789 and Bearer abc.def and DE89370400440532013000",
                                                 "password": "hunter2", "url": "https://u:pw@example.com/"})
        open(f"{work}/event.json", "w").write(json.dumps(event))
PY
cat > "$work/main.swift" <<'SWIFT'
import Foundation
let count = Int(CommandLine.arguments[2]) ?? 100
let text = try! String(contentsOfFile: CommandLine.arguments[1], encoding: .utf8)
guard case .object(let event) = try! JSON.parse(text) else { fatalError("not an object") }
let scrubber = Scrubber(.default)
var kept = 0
for _ in 0..<count { kept &+= scrubber.scrub(event).count }
print(kept)
SWIFT
for tree in "$@"; do
    src="$work/src"; rm -rf "$src"; mkdir -p "$src"
    cp "$tree"/Sources/EventModel/*.swift "$src/"
    find "$tree/Sources/Scrubbing" -name '*.swift' ! -name PiiProcessor.swift ! -name EventScrubber.swift -exec cp {} "$src/" \;
    sed -i '/^import EventModel$/d' "$src"/*.swift
    swiftc -O -module-name ScrubBench -o "$work/bench" "$src"/*.swift "$work/main.swift" 2>"$work/errors" || { cat "$work/errors"; exit 1; }
    declare -A total
    for n in 100 300; do
        valgrind --tool=callgrind --callgrind-out-file="$work/cg.$n" "$work/bench" "$work/event.json" "$n" >/dev/null 2>"$work/vg.$n"
        total[$n]=$(grep -E '^(summary|totals):' "$work/cg.$n" | head -1 | awk '{print $2}')
    done
    echo "$tree: $(( (total[300] - total[100]) / 200 )) instructions per event"
done
