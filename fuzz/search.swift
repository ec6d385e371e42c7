// libFuzzer target: the issue search parser (Sources/Store/Search, without the SQL compiler,
// which needs the Postgres module). Any text must parse or fail with a SearchError, quickly.

import Foundation

private let now = Date(timeIntervalSince1970: 1_795_316_470)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSearch(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? IssueSearch.parse(text, now: now)
    return 0
}
