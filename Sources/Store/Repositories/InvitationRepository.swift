import Foundation
import Postgres

/// Invitations to organizations (`member_invitations`): creating, listing, changing and
/// withdrawing them, and accepting one (the membership is created under the invitation's id).
public struct InvitationRepository {
    let db: PGConnection

    public init(_ db: PGConnection) { self.db = db }

    static let columns = """
        id, organization_id, email, role, array_to_string(team_slugs, ' ') AS team_slugs,
        invited_by_user_id, created_at, expires_at, accepted_at
        """

    /// Invites `email` to the organization; returns the invitation and the link's token, which is
    /// stored only hashed and so is shown once. An address with an open invitation or already a
    /// member is refused.
    public func create(organizationID: Int64, email: String, role: Role, teamSlugs: [String] = [],
                       invitedByUserID: Int64?, lifetime: TimeInterval = Invitation.defaultLifetime) throws -> (Invitation, token: String) {
        let email = email.trimmingCharacters(in: .whitespaces)
        if let problem = UserRepository.emailProblem(email) { throw StoreError.invalid(problem) }
        let lifetime = min(max(lifetime, 60), 365 * 24 * 3600)
        if try db.query("""
            SELECT 1 FROM organization_members m JOIN users u ON u.id = m.user_id
            WHERE m.organization_id = $1 AND lower(u.email) = lower($2)
            """, [organizationID, email]).first != nil {
            throw StoreError.conflict("\(email) is already a member")
        }
        let token = Secrets.sessionSecret()
        let rows = try db.query("""
            INSERT INTO member_invitations (organization_id, email, role, team_slugs, token_hash, invited_by_user_id, expires_at)
            VALUES ($1, $2, $3, COALESCE(string_to_array(NULLIF($4, ''), ' '), '{}'), $5, $6, now() + make_interval(secs => $7))
            ON CONFLICT DO NOTHING
            RETURNING \(Self.columns)
            """, [organizationID, email, role.rawValue, teamSlugs.joined(separator: " "),
                  Secrets.hash(token: token), invitedByUserID, Double(lifetime)])
        guard let row = rows.first else { throw StoreError.conflict("\(email) already has an open invitation") }
        return (try Self.invitation(row), token)
    }

    /// The organization's invitations not yet accepted (expired ones included: the members API
    /// shows them as `expired`).
    public func pending(organizationID: Int64) throws -> [Invitation] {
        try db.query("""
            SELECT \(Self.columns) FROM member_invitations
            WHERE organization_id = $1 AND accepted_at IS NULL ORDER BY id
            """, [organizationID]).rows.map(Self.invitation)
    }

    /// One pending invitation of the organization (expired ones included), by its member id.
    public func pending(organizationID: Int64, id: Int64) throws -> Invitation? {
        try db.query("""
            SELECT \(Self.columns) FROM member_invitations
            WHERE organization_id = $1 AND id = $2 AND accepted_at IS NULL
            """, [organizationID, id]).first.map(Self.invitation)
    }

    /// The invitation a link's token names, accepted or expired ones included (the page tells
    /// which); nil for an unknown token.
    public func invitation(token: String) throws -> Invitation? {
        try db.query("SELECT \(Self.columns) FROM member_invitations WHERE token_hash = $1",
                     [Secrets.hash(token: token)]).first.map(Self.invitation)
    }

    /// Accepts the open invitation for `userID`, whose address must be the invited one: the user
    /// becomes a member under the invitation's id with its role, and joins those of its teams
    /// that still exist. Nil when the link is used, expired or unknown, or the address differs
    /// (the link is consumed first, so of two submissions one wins). A user who became a member
    /// meanwhile keeps their membership; the invitation is used up all the same.
    public func accept(token: String, userID: Int64) throws -> Invitation? {
        guard let row = try db.query("""
            UPDATE member_invitations i SET accepted_at = now(), accepted_user_id = $2
            FROM users u
            WHERE i.token_hash = $1 AND i.accepted_at IS NULL AND i.expires_at > now()
              AND u.id = $2 AND u.is_active AND lower(u.email) = lower(i.email)
            RETURNING i.id, i.organization_id, i.email, i.role, array_to_string(i.team_slugs, ' ') AS team_slugs,
                      i.invited_by_user_id, i.created_at, i.expires_at, i.accepted_at
            """, [Secrets.hash(token: token), userID]).first else { return nil }
        let invitation = try Self.invitation(row)
        try db.query("""
            INSERT INTO organization_members (id, organization_id, user_id, role) VALUES ($1, $2, $3, $4)
            ON CONFLICT (organization_id, user_id) DO NOTHING
            """, [invitation.id, invitation.organizationID, userID, invitation.role.rawValue])
        try db.query("""
            INSERT INTO team_members (team_id, user_id)
            SELECT t.id, $3 FROM teams t WHERE t.organization_id = $1 AND t.slug = ANY(string_to_array(NULLIF($2, ''), ' '))
            ON CONFLICT DO NOTHING
            """, [invitation.organizationID, invitation.teamSlugs.joined(separator: " "), userID])
        return invitation
    }

    /// Changes a pending invitation's role and, when given, its teams.
    public func update(organizationID: Int64, id: Int64, role: Role, teamSlugs: [String]?) throws {
        let rows = try db.query("""
            UPDATE member_invitations SET role = $3,
                team_slugs = CASE WHEN $4::text IS NULL THEN team_slugs ELSE COALESCE(string_to_array(NULLIF($4, ''), ' '), '{}') END
            WHERE organization_id = $1 AND id = $2 AND accepted_at IS NULL
            """, [organizationID, id, role.rawValue, teamSlugs?.joined(separator: " ")])
        if rows.affected == 0 { throw StoreError.notFound("no pending invitation \(id)") }
    }

    /// Withdraws a pending invitation: its link stops working.
    public func delete(organizationID: Int64, id: Int64) throws {
        let rows = try db.query("DELETE FROM member_invitations WHERE organization_id = $1 AND id = $2 AND accepted_at IS NULL",
                                [organizationID, id])
        if rows.affected == 0 { throw StoreError.notFound("no pending invitation \(id)") }
    }

    static func invitation(_ row: PGRow) throws -> Invitation {
        guard let role = Role(rawValue: try row.string("role")) else {
            throw StoreError(.inconsistent, "invitation with unknown role")
        }
        return Invitation(id: try row.int("id"), organizationID: try row.int("organization_id"), email: try row.string("email"),
                          role: role, teamSlugs: try row.string("team_slugs").split(separator: " ").map(String.init),
                          invitedByUserID: try row.optionalInt("invited_by_user_id"), createdAt: try row.date("created_at"),
                          expiresAt: try row.date("expires_at"), acceptedAt: try row.optionalDate("accepted_at"))
    }
}
