/// Sentry's short issue ids: the project slug upper-cased and the per-project counter in
/// base 32 (digits and letters without I, L, O, U), e.g. `WEB-1`, `WEB-1A`. Here so the API and
/// notifications write them one way.
public enum IssueShortID {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    public static func format(projectSlug: String, number: Int64) -> String {
        var value = max(0, number)
        var digits: [Character] = []
        repeat {
            digits.append(alphabet[Int(value % 32)])
            value /= 32
        } while value > 0
        return projectSlug.uppercased() + "-" + String(digits.reversed())
    }
}
