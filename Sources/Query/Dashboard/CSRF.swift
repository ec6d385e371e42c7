import Crypto
import Foundation

/// The dashboard's CSRF token (pure): an HMAC of a secret only this browser holds in an HttpOnly
/// cookie — the session id once signed in, else a pre-session cookie for the sign-in and reset
/// forms. Every form carries it in a hidden `csrf` field; a POST whose field does not match is
/// refused. This is on top of the Origin check (`WebOrigin`): either alone stops a cross-site form.
enum CSRF {
    static let field = "csrf"
    /// The pre-session cookie, set by the public pages (sign-in, reset).
    static let cookie = "faultline_csrf"

    static func token(secret: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Array("faultline-csrf-v1".utf8), using: SymmetricKey(data: Array(secret.utf8)))
        return code.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }

    /// Whether `submitted` is the token of `secret`, compared in constant time.
    static func verify(_ submitted: String?, secret: String?) -> Bool {
        guard let submitted, let secret, !secret.isEmpty else { return false }
        let expected = Array(token(secret: secret).utf8)
        let given = Array(submitted.utf8)
        guard given.count == expected.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(given, expected) { difference |= a ^ b }
        return difference == 0
    }

    /// The hidden form field.
    static func hiddenField(_ token: String) -> String {
        "<input type=\"hidden\" name=\"\(field)\" value=\"\(HTML.escape(token))\">"
    }
}
