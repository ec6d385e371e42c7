import Foundation
import Logging

/// The two small files beside the segments. `id` names the spool: 16 random bytes written once,
/// which the relay sends with every forwarded message so processors can tell a replayed message
/// from a new one. `released` holds the last watermark given to `release` (decimal), so a restart
/// replays from there rather than from the oldest segment; it is written without a sync, since a
/// stale value only means replaying more (processors drop what they already have).
enum SpoolMarks {
    static let identityFileName = "id"
    static let releasedFileName = "released"

    /// The spool's id, created on first use. A damaged id file is replaced (logged): messages
    /// replayed after that are no longer recognised as seen, which can only count them twice.
    static func identity(directory: String, logger: Logger) throws -> [UInt8] {
        let path = directory + "/" + identityFileName
        if let bytes = read(path, limit: 64) {
            if bytes.count == 16 { return bytes }
            logger.error("spool: \(path) is damaged (\(bytes.count) bytes, expected 16); giving the spool a new id")
        }
        var generator = SystemRandomNumberGenerator()
        let id = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        try writeReplacing(path, id, sync: true)
        return id
    }

    /// The released watermark recorded last, or nil (none, or unreadable: replay everything).
    static func released(directory: String) -> UInt64? {
        guard let bytes = read(directory + "/" + releasedFileName, limit: 32),
              let text = String(bytes: bytes, encoding: .utf8) else { return nil }
        return UInt64(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    static func recordReleased(directory: String, _ watermark: UInt64) throws {
        try writeReplacing(directory + "/" + releasedFileName, Array("\(watermark)\n".utf8), sync: true)
    }

    /// At most `limit` bytes of a small file, or nil when it is missing, larger or unreadable.
    private static func read(_ path: String, limit: Int) -> [UInt8]? {
        guard let file = try? SpoolFile.openForReading(path), let size = try? file.size, size <= limit else { return nil }
        var bytes = [UInt8](repeating: 0, count: size)
        let count = bytes.withUnsafeMutableBytes { (try? file.read(into: $0, at: 0)) ?? -1 }
        guard count == size else { return nil }
        return bytes
    }

    /// Writes a temporary file and renames it over `path`, so a crash leaves the old or the new.
    private static func writeReplacing(_ path: String, _ bytes: [UInt8], sync: Bool) throws {
        let temporary = path + ".tmp"
        try? SpoolFile.remove(temporary)
        let file = try SpoolFile.create(temporary)
        try bytes.withUnsafeBytes { try file.write($0, at: 0) }
        if sync { try file.syncData() }
        file.close()
        try SpoolFile.rename(temporary, to: path)
        if sync { try SpoolFile.syncDirectory(String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])) }
    }
}
