import Foundation

/// Sentry event ids: 32 lowercase hex digits (a UUID without dashes).
public enum EventID {
    public static func generate() -> String {
        UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    }

    /// Accepts the 32-hex form or a dashed UUID; returns the 32-hex form, or nil.
    public static func normalize(_ text: String) -> String? {
        let hex = text.replacingOccurrences(of: "-", with: "").lowercased()
        guard hex.utf8.count == 32, hex.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }) else {
            return nil
        }
        return hex
    }
}
