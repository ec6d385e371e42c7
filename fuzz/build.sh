#!/usr/bin/env bash
# Builds the libFuzzer targets into fuzz/.build/<target>: swiftc over the sources each one
# needs, instrumented for libFuzzer and AddressSanitizer. Not part of Package.swift, so the
# package's build and CI never see these files.
#   fuzz/build.sh [TARGET…]   (default: envelope event decompress search)
set -euo pipefail
cd "$(dirname "$0")/.."
out=fuzz/.build
mkdir -p "$out"
flags=(-sanitize=fuzzer,address -parse-as-library -O -g -swift-version 6)

build() {
    local target=$1; shift
    echo "building $target"
    # ld.gold warns once per ASan check symbol it cannot export; those lines say nothing.
    swiftc "${flags[@]}" -module-name "Fuzz_$target" "$@" "fuzz/$target.swift" -o "$out/$target" \
        2> >(grep -v "Cannot export local symbol '__asan" >&2)
}

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(envelope event decompress search)
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
        sources=()
        for file in Sources/Query/Search/*.swift; do
            [ "$(basename "$file")" = SearchSQL.swift ] || sources+=("$file")
        done
        build "$target" "${sources[@]}" ;;
    *) echo "unknown target $target" >&2; exit 2 ;;
    esac
done
