import Foundation
import Postgres

/// Invitations to organizations (`member_invitations`): creating them and listing the open ones.
/// Accepting one (creating the membership under the invitation's id) belongs here too.
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
