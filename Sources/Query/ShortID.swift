import Store

/// Sentry's short issue ids: the project slug upper-cased and the per-project counter in
/// base 32 (digits and letters without I, L, O, U), e.g. `WEB-1`, `WEB-1A`.
enum ShortID {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    static func format(projectSlug: String, number: Int64) -> String {
        IssueShortID.format(projectSlug: projectSlug, number: number)
    }
}

extension ShortID {
    /// `WEB-1A` → ("WEB", 42); nil when it is not a short id.
    static func parse(_ text: String) -> (String, Int64)? {
        guard let dash = text.lastIndex(of: "-") else { return nil }
        let slug = text[..<dash].uppercased()
        let digits = text[text.index(after: dash)...].uppercased()
        guard !slug.isEmpty, !digits.isEmpty, digits.count <= 12 else { return nil }
        var value: Int64 = 0
        for character in digits {
            guard let digit = alphabet.firstIndex(of: character) else { return nil }
            value = value * 32 + Int64(digit)
        }
        return (slug, value)
    }
}
