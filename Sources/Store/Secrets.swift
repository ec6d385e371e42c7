import Crypto
import Foundation

/// Random credentials and the hash under which secrets are stored.
public enum Secrets {
    /// A DSN public key: 32 lowercase hex digits, as Sentry issues them.
    public static func publicKey() -> String { hex(random(16)) }

    /// An API token: `flt_` and 64 hex digits. Shown once; only its hash is kept.
    public static func apiToken() -> String { "flt_" + hex(random(32)) }

    /// A dashboard session id or a password reset token: 64 hex digits (256 random bits).
    /// Only its hash is stored.
    public static func sessionSecret() -> String { hex(random(32)) }

    /// A generated password: 20 characters of a-z, A-Z and 2-9 (about 119 bits).
    public static func password() -> String {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<20).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }

    public static func hash(token: String) -> String {
        hex(Array(SHA256.hash(data: Array(token.utf8))))
    }

    static func random(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }
}
