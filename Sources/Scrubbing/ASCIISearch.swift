/// Case-insensitive ASCII substring search on UTF-8 bytes: the scrubber runs it on every key and
/// string of every event, where Foundation's locale-aware `range(of:options:)` was most of the
/// processor's CPU time.
enum ASCIISearch {
    /// `needle` must be lower-case ASCII.
    static func contains(_ haystack: String.UTF8View, lowercased needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        let count = haystack.count
        guard count >= needle.count else { return false }
        return haystack.withContiguousStorageIfAvailable { bytes in
            search(bytes, needle)
        } ?? search(Array(haystack), needle)
    }

    private static func search<C: RandomAccessCollection<UInt8>>(_ bytes: C, _ needle: [UInt8]) -> Bool where C.Index == Int {
        let first = needle[0]
        var start = bytes.startIndex
        let last = bytes.endIndex - needle.count
        while start <= last {
            if lower(bytes[start]) == first {
                var matched = 1
                while matched < needle.count, lower(bytes[start + matched]) == needle[matched] { matched += 1 }
                if matched == needle.count { return true }
            }
            start += 1
        }
        return false
    }

    @inline(__always) static func lower(_ byte: UInt8) -> UInt8 { byte >= 65 && byte <= 90 ? byte + 32 : byte }
}
