import Foundation
import Postgres

/// Users and their organization memberships (`users`, `organization_members`).
public struct UserRepository {
    let db: PGConnection

    public init(_ db: PGConnection) { self.db = db }

    static let userColumns = "u.id, u.email, u.name, u.is_active, u.created_at"

    /// Creates a user with an already hashed password (`Passwords.hash`; hashing is slow, so it
    /// runs before a connection is taken). An address is one account whatever its case.
    public func create(email: String, name: String = "", passwordHash: String) throws -> User {
        let email = email.trimmingCharacters(in: .whitespaces)
        if let problem = Self.emailProblem(email) { throw StoreError.invalid(problem) }
        let rows = try db.query("""
            INSERT INTO users (email, name, password_hash) VALUES ($1, $2, $3)
            ON CONFLICT DO NOTHING
            RETURNING id, email, name, is_active, created_at
            """, [email, name, passwordHash])
        guard let row = rows.first else { throw StoreError.conflict("a user with email \(email) already exists") }
        return try Self.user(row)
    }

    public func user(email: String) throws -> User? {
        try db.query("SELECT \(Self.userColumns) FROM users u WHERE lower(u.email) = lower($1)", [email]).first.map(Self.user)
    }

    public func user(id: Int64) throws -> User? {
        try db.query("SELECT \(Self.userColumns) FROM users u WHERE u.id = $1", [id]).first.map(Self.user)
    }

    /// The stored password hash of an active user, for sign-in.
    public func credentials(email: String) throws -> (User, String)? {
        guard let row = try db.query("""
            SELECT \(Self.userColumns), u.password_hash FROM users u WHERE lower(u.email) = lower($1) AND u.is_active
            """, [email]).first else { return nil }
        return (try Self.user(row), try row.string("password_hash"))
    }

    public func passwordHash(userID: Int64) throws -> String? {
        try db.query("SELECT password_hash FROM users WHERE id = $1 AND is_active", [userID]).first?.string("password_hash")
    }

    /// Replaces the password; the caller revokes the user's sessions in the same transaction.
    public func setPassword(userID: Int64, passwordHash: String) throws {
        let rows = try db.query("UPDATE users SET password_hash = $2, password_changed_at = now() WHERE id = $1",
                                [userID, passwordHash])
        if rows.affected == 0 { throw StoreError.notFound("no user \(userID)") }
    }

    /// Adds the user to the organization with `role`, or changes their role there.
    @discardableResult
    public func setMembership(userID: Int64, organizationID: Int64, role: Role) throws -> Int64 {
        let rows = try db.query("""
            INSERT INTO organization_members (organization_id, user_id, role) VALUES ($1, $2, $3)
            ON CONFLICT (organization_id, user_id) DO UPDATE SET role = EXCLUDED.role
            RETURNING id
            """, [organizationID, userID, role.rawValue])
        guard let id = try rows.first?.int("id") else { throw StoreError(.inconsistent, "membership not written") }
        return id
    }

    /// Removes the membership and the user's places in the organization's teams.
    public func removeMembership(userID: Int64, organizationID: Int64) throws {
        try TeamRepository(db).removeFromTeams(userID: userID, organizationID: organizationID)
        let rows = try db.query("DELETE FROM organization_members WHERE organization_id = $1 AND user_id = $2",
                                [organizationID, userID])
        if rows.affected == 0 { throw StoreError.notFound("user \(userID) is not a member of organization \(organizationID)") }
    }

    /// How many owners the organization has (the last one may not go).
    public func ownerCount(organizationID: Int64) throws -> Int {
        Int(try db.query("SELECT count(*) AS n FROM organization_members WHERE organization_id = $1 AND role = 'owner'",
                         [organizationID]).first?.int("n") ?? 0)
    }

    /// The active user's memberships, by organization slug.
    public func memberships(userID: Int64) throws -> [Membership] {
        try db.query("""
            SELECT m.id, m.organization_id, o.slug, m.role
            FROM organization_members m JOIN organizations o ON o.id = m.organization_id
            JOIN users u ON u.id = m.user_id
            WHERE m.user_id = $1 AND u.is_active
            ORDER BY o.slug
            """, [userID]).rows.map { row in
            guard let role = Role(rawValue: try row.string("role")) else {
                throw StoreError(.inconsistent, "membership \(try row.int("id")) has an unknown role")
            }
            return Membership(id: try row.int("id"), organizationID: try row.int("organization_id"),
                              organizationSlug: try row.string("slug"), role: role)
        }
    }

    /// The organization's members with their users, by email; `memberID` selects one.
    public func members(organizationID: Int64, memberID: Int64? = nil) throws -> [Member] {
        try db.query("""
            SELECT m.id AS member_id, m.role, m.created_at AS joined_at, \(Self.userColumns)
            FROM organization_members m JOIN users u ON u.id = m.user_id
            WHERE m.organization_id = $1 AND ($2::bigint IS NULL OR m.id = $2)
            ORDER BY lower(u.email)
            """, [organizationID, memberID]).rows.map { row in
            guard let role = Role(rawValue: try row.string("role")) else {
                throw StoreError(.inconsistent, "membership \(try row.int("member_id")) has an unknown role")
            }
            return Member(id: try row.int("member_id"), role: role, user: try Self.user(row), createdAt: try row.date("joined_at"))
        }
    }

    /// The organization's active member that an actor names: a user id (`42`, `user:42` without
    /// its prefix), an email or a username (the email), as Sentry's `assignedTo` accepts them.
    public func member(organizationID: Int64, actor: String) throws -> Member? {
        let id = actor.utf8.count <= 18 ? Int64(actor) : nil
        return try db.query("""
            SELECT m.id AS member_id, m.role, m.created_at AS joined_at, \(Self.userColumns)
            FROM organization_members m JOIN users u ON u.id = m.user_id
            WHERE m.organization_id = $1 AND u.is_active AND (u.id = $2 OR lower(u.email) = lower($3))
            """, [organizationID, id, actor]).rows.compactMap { row -> Member? in
            guard let role = Role(rawValue: try row.string("role")) else { return nil }
            return Member(id: try row.int("member_id"), role: role, user: try Self.user(row), createdAt: try row.date("joined_at"))
        }.first
    }

    /// Whether any user exists (the first run of `deploy/dev.sh` creates the owner).
    public func isEmpty() throws -> Bool {
        try db.query("SELECT 1 FROM users LIMIT 1").first == nil
    }

    /// Why `email` cannot be an account's address, or nil. Deliberately loose (an `@` between
    /// two non-empty parts, no spaces or control characters, at most 254 bytes): the address is
    /// an identifier here, no mail is sent to it yet.
    public static func emailProblem(_ email: String) -> String? {
        guard email.utf8.count <= 254, let at = email.lastIndex(of: "@"),
              at != email.startIndex, email.index(after: at) != email.endIndex,
              !email.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7f })
        else { return "'\(email.prefix(64))' is not an email address" }
        return nil
    }

    static func user(_ row: PGRow) throws -> User {
        User(id: try row.int("id"), email: try row.string("email"), name: try row.string("name"),
             isActive: try row.bool("is_active"), createdAt: try row.date("created_at"))
    }
}
