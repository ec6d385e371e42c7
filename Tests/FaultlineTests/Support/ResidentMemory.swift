import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The test process's resident set size, from /proc/self/status (Linux), in megabytes.
enum ResidentMemory {
    static func megabytes() -> Int {
        trimMalloc()
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else { return 0 }
        return kilobytes / 1024
    }

    /// glibc keeps freed memory mapped; `malloc_trim` gives it back, so only live memory counts.
    /// (Swift's Glibc module does not import malloc.h; the symbol is looked up instead.)
    private static func trimMalloc() {
        #if canImport(Glibc)
        typealias MallocTrim = @convention(c) (Int) -> Int32
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") {
            _ = unsafeBitCast(symbol, to: MallocTrim.self)(0)
        }
        #endif
    }

    /// Growth since `before`. Other suites run in the same process in parallel, and their
    /// transient buffers (RelayTests holds a 300 MB bomb for a moment) count too; so growth over
    /// `bound` is measured again for a few seconds before it is believed.
    static func growth(since before: Int, bound: Int) async -> Int {
        var growth = megabytes() - before
        for _ in 0..<10 where growth >= bound {
            try? await Task.sleep(for: .milliseconds(500))
            growth = min(growth, megabytes() - before)
        }
        return growth
    }
}
