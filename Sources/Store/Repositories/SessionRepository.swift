import Foundation
import Postgres

/// Dashboard sessions and password reset links (`user_sessions`, `password_resets`). Both are
/// random secrets handed out once; only their SHA-256 is stored.
public struct SessionRepository {
    let db: PGConnection

    public init(_ db: PGConnection) { self.db = db }

    /// A new session for the user; returns its secret (the cookie's value).
    public func create(userID: Int64, lifetime: SessionLifetime = .standard, now: Date = Date()) throws -> String {
        let secret = Secrets.sessionSecret()
        try db.query("""
            INSERT INTO user_sessions (id_hash, user_id, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $3, $4)
            """, [Secrets.hash(token: secret), userID, now, lifetime.expiry(from: now)])
        return secret
    }

    /// The active user of a live session, recording this use when due; an expired session is
    /// deleted and nil returned.
    public func user(session secret: String, lifetime: SessionLifetime = .standard, now: Date = Date()) throws -> User? {
        let hash = Secrets.hash(token: secret)
        guard let row = try db.query("""
            SELECT \(UserRepository.userColumns), s.expires_at, s.last_seen_at
            FROM user_sessions s JOIN users u ON u.id = s.user_id
            WHERE s.id_hash = $1 AND u.is_active
            """, [hash]).first else { return nil }
        switch lifetime.verdict(expiresAt: try row.date("expires_at"), lastSeenAt: try row.date("last_seen_at"), now: now) {
        case .expired:
            try db.query("DELETE FROM user_sessions WHERE id_hash = $1", [hash])
            return nil
        case .valid(let touch):
            if touch { try db.query("UPDATE user_sessions SET last_seen_at = $2 WHERE id_hash = $1", [hash, now]) }
            return try UserRepository.user(row)
        }
    }

    /// Ends one session (sign-out).
    public func revoke(session secret: String) throws {
        try db.query("DELETE FROM user_sessions WHERE id_hash = $1", [Secrets.hash(token: secret)])
    }

    /// Ends every session of the user (password change and reset).
    @discardableResult
    public func revokeAll(userID: Int64) throws -> Int {
        try db.query("DELETE FROM user_sessions WHERE user_id = $1", [userID]).affected
    }

    public func count(userID: Int64) throws -> Int64 {
        try db.query("SELECT count(*) AS n FROM user_sessions WHERE user_id = $1", [userID]).first?.int("n") ?? 0
    }

    /// Deletes sessions past their absolute expiry or idle too long (housekeeping).
    @discardableResult
    public func deleteExpired(lifetime: SessionLifetime = .standard, now: Date = Date()) throws -> Int {
        try db.query("DELETE FROM user_sessions WHERE expires_at <= $1 OR last_seen_at <= $2",
                     [now, now.addingTimeInterval(-lifetime.idle)]).affected
    }

    // MARK: Password reset links

    /// A one-time reset token for the user, valid for `validFor` seconds.
    public func createReset(userID: Int64, validFor: TimeInterval = 3600, now: Date = Date()) throws -> String {
        let secret = Secrets.sessionSecret()
        try db.query("INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
                     [Secrets.hash(token: secret), userID, now, now.addingTimeInterval(validFor)])
        return secret
    }

    /// The active user a reset token is for, while it is unused and unexpired.
    public func resetUser(token: String, now: Date = Date()) throws -> User? {
        try db.query("""
            SELECT \(UserRepository.userColumns) FROM password_resets r JOIN users u ON u.id = r.user_id
            WHERE r.token_hash = $1 AND r.used_at IS NULL AND r.expires_at > $2 AND u.is_active
            """, [Secrets.hash(token: token), now]).first.map(UserRepository.user)
    }

    /// Deletes reset links used or expired more than a day ago (housekeeping).
    @discardableResult
    public func deleteExpiredResets(now: Date = Date()) throws -> Int {
        try db.query("DELETE FROM password_resets WHERE expires_at <= $1 OR used_at <= $1",
                     [now.addingTimeInterval(-86_400)]).affected
    }

    /// Marks the token used; false when it was already used or expired (so two concurrent
    /// submissions set the password once).
    public func consumeReset(token: String, now: Date = Date()) throws -> Bool {
        try db.query("""
            UPDATE password_resets SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2
            """, [Secrets.hash(token: token), now]).affected == 1
    }
}
