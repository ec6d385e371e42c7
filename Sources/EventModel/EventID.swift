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

    /// A 32-hex id as a dashed UUID (`8-4-4-4-12`); anything else unchanged.
    public static func hyphenated(_ id: String) -> String {
        guard id.utf8.count == 32 else { return id }
        let c = Array(id)
        guard c.count == 32 else { return id }
        return String(c[0..<8]) + "-" + String(c[8..<12]) + "-" + String(c[12..<16]) + "-" + String(c[16..<20]) + "-" + String(c[20..<32])
    }
}
