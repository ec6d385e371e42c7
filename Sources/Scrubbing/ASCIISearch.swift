/// ASCII substring search (case-insensitive unless asked) on UTF-8 bytes: the scrubber runs it on every key and
/// string of every event, where Foundation's locale-aware `range(of:options:)` was most of the
/// processor's CPU time.
enum ASCIISearch {
    /// `needle` must be lower-case ASCII.
    static func contains(_ haystack: String.UTF8View, lowercased needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        let count = haystack.count
        guard count >= needle.count else { return false }
        return haystack.withContiguousStorageIfAvailable { bytes in
            search(bytes, needle, folding: true)
        } ?? search(Array(haystack), needle, folding: true)
    }

    /// Case-sensitive: the project's own sensitive fields, which Sentry matches as written.
    static func contains(_ haystack: String.UTF8View, exactly needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard haystack.count >= needle.count else { return false }
        return haystack.withContiguousStorageIfAvailable { bytes in
            search(bytes, needle, folding: false)
        } ?? search(Array(haystack), needle, folding: false)
    }

    private static func search<C: RandomAccessCollection<UInt8>>(_ bytes: C, _ needle: [UInt8], folding: Bool) -> Bool where C.Index == Int {
        let first = needle[0]
        var start = bytes.startIndex
        let last = bytes.endIndex - needle.count
        @inline(__always) func fold(_ byte: UInt8) -> UInt8 { folding ? lower(byte) : byte }
        while start <= last {
            if fold(bytes[start]) == first {
                var matched = 1
                while matched < needle.count, fold(bytes[start + matched]) == needle[matched] { matched += 1 }
                if matched == needle.count { return true }
            }
            start += 1
        }
        return false
    }

    @inline(__always) static func lower(_ byte: UInt8) -> UInt8 { byte >= 65 && byte <= 90 ? byte + 32 : byte }
}
