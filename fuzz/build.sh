#!/usr/bin/env bash
# Builds the libFuzzer targets into fuzz/.build/<target>: swiftc over the sources each one
# needs, instrumented for libFuzzer and AddressSanitizer. Not part of Package.swift, so the
# package's build and CI never see these files.
#   fuzz/build.sh [TARGET…]   (default: envelope event decompress search process render symbolication)
set -euo pipefail
cd "$(dirname "$0")/.."
out=fuzz/.build
modules=$out/modules
mkdir -p "$out" "$modules"
flags=(-sanitize=fuzzer,address -parse-as-library -O -g -swift-version 6)

# A package module the target's sources import (EventModel, Grouping, …), as an instrumented
# static library with its .swiftmodule in fuzz/.build/modules. Built once per run of this script.
built_modules=" "
module() {
    local name=$1; shift
    case $built_modules in *" $name "*) return ;; esac
    echo "building module $name"
    swiftc "${flags[@]}" -module-name "$name" -I "$modules" -emit-module -emit-module-path "$modules/$name.swiftmodule" \
        -emit-library -static -o "$modules/lib$name.a" "$@" 2> >(grep -v "Cannot export local symbol '__asan" >&2)
    built_modules="$built_modules$name "
}

build() {
    local target=$1; shift
    echo "building $target"
    # ld.gold warns once per ASan check symbol it cannot export; those lines say nothing.
    swiftc "${flags[@]}" -module-name "Fuzz_$target" "$@" "fuzz/$target.swift" -o "$out/$target" \
        2> >(grep -v "Cannot export local symbol '__asan" >&2)
}

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(envelope event decompress search process render symbolication)
for target in "${targets[@]}"; do
    case $target in
    envelope|event) build "$target" Sources/EventModel/*.swift ;;
    decompress)
        # Debian's libbrotlidec and libzstd are not instrumented, so libFuzzer sees only the Swift
        # wrapper. Given their sources (BROTLI_SRC: brotli's c/ directory; ZSTD_SRC: a directory
        # holding the zstd.c amalgamation, e.g. from the PyPI sdists of brotli and zstandard), they
        # are compiled instrumented and linked ahead of the system libraries.
        objects=()
        mkdir -p "$out/c"
        if [ -n "${BROTLI_SRC:-}" ]; then
            for file in "$BROTLI_SRC"/common/*.c "$BROTLI_SRC"/dec/*.c; do
                object="$out/c/brotli_$(basename "$file" .c).o"
                clang -c -O1 -g -fsanitize=fuzzer-no-link,address -I "$BROTLI_SRC/include" "$file" -o "$object"
                objects+=("$object")
            done
        fi
        if [ -n "${ZSTD_SRC:-}" ]; then
            clang -c -O1 -g -fsanitize=fuzzer-no-link,address "$ZSTD_SRC/zstd.c" -o "$out/c/zstd.o"
            objects+=("$out/c/zstd.o")
        fi
        build "$target" -I Sources/CBrotli -I Sources/CZstd Sources/Relay/StreamDecompressors.swift "${objects[@]}" ;;
    search)
        # Everything the parser needs; SearchSQL.swift (the SQL compiler) imports Postgres.
        sources=(Sources/EventModel/Timestamp.swift Sources/EventModel/RequestDate.swift)
        for file in Sources/Store/Search/*.swift; do
            [ "$(basename "$file")" = SearchSQL.swift ] || sources+=("$file")
        done
        build "$target" "${sources[@]}" ;;
    process)
        # The processor's pure files (those importing nothing but Foundation and these modules;
        # the rest talk to Kafka and PostgreSQL) over EventModel, Quotas, Scrubbing and Grouping.
        # Grouping's one Crypto use (MD5) comes from fuzz/shims/Crypto.swift.
        module EventModel Sources/EventModel/*.swift
        module Crypto fuzz/shims/Crypto.swift
        module GlobEngine Sources/GlobEngine/*.swift
        module Quotas Sources/Quotas/*.swift
        module Scrubbing Sources/Scrubbing/*.swift
        module Grouping Sources/Grouping/*.swift
        module Symbolication Sources/Symbolication/*.swift
        sources=()
        for file in Sources/Processor/*.swift Sources/Processor/Stages/*.swift; do
            if ! grep -E '^import ' "$file" | grep -qvE '^import (Foundation|EventModel|Quotas|Scrubbing|Grouping|Symbolication)$'; then
                sources+=("$file")
            fi
        done
        build "$target" -I "$modules" "${sources[@]}" -L "$modules" -lGrouping -lScrubbing -lQuotas -lGlobEngine -lCrypto -lSymbolication -lEventModel ;;
    symbolication)
        # Uploaded artifacts: source maps (and index maps), minified files' comments, ProGuard/R8
        # mappings, and the original-source scan for function names.
        module EventModel Sources/EventModel/*.swift
        build "$target" -I "$modules" Sources/Symbolication/*.swift -L "$modules" -lEventModel ;;
    render)
        # Reading a stored event: the API's EventJSON and the dashboard's EventHTML, with the pure
        # files they use.
        module EventModel Sources/EventModel/*.swift
        build "$target" -I "$modules" Sources/Query/EventRecord.swift Sources/Query/EventJSON.swift \
            Sources/Query/EventMetaJSON.swift Sources/Query/Dashboard/EventHTML.swift Sources/Query/Dashboard/HTML.swift -L "$modules" -lEventModel ;;
    *) echo "unknown target $target" >&2; exit 2 ;;
    esac
done
