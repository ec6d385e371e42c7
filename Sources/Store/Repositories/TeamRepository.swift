import Foundation
import Postgres

/// Teams, their members and the projects they own (`teams`, `team_members`, `project_teams`).
public struct TeamRepository {
    let db: PGConnection

    public init(_ db: PGConnection) { self.db = db }

    public func create(organizationID: Int64, slug: String, name: String? = nil) throws -> Team {
        try AdminStore.validate(slug: slug)
        guard let id = try db.query("""
            INSERT INTO teams (organization_id, slug, name) VALUES ($1, $2, $3)
            ON CONFLICT (organization_id, slug) DO NOTHING RETURNING id
            """, [organizationID, slug, name ?? slug]).first?.int("id") else {
            throw StoreError.conflict("team \(slug) already exists")
        }
        guard let team = try teams(organizationID: organizationID).first(where: { $0.id == id }) else {
            throw StoreError(.inconsistent, "team \(id) vanished")
        }
        return team
    }

    /// The organization's teams by slug, or those owning `projectID`.
    public func teams(organizationID: Int64, projectID: Int64? = nil) throws -> [Team] {
        try db.query("""
            SELECT t.id, t.organization_id, t.slug, t.name, t.created_at,
                   (SELECT count(*) FROM team_members m WHERE m.team_id = t.id) AS member_count,
                   COALESCE((SELECT array_to_string(array_agg(p.project_id ORDER BY p.project_id), ' ')
                             FROM project_teams p WHERE p.team_id = t.id), '') AS project_ids
            FROM teams t
            WHERE t.organization_id = $1
              AND ($2::bigint IS NULL OR EXISTS (SELECT 1 FROM project_teams p WHERE p.team_id = t.id AND p.project_id = $2))
            ORDER BY t.slug
            """, [organizationID, projectID]).rows.map { row in
            Team(id: try row.int("id"), organizationID: try row.int("organization_id"), slug: try row.string("slug"),
                 name: try row.string("name"), createdAt: try row.date("created_at"), memberCount: try row.int("member_count"),
                 projectIDs: try row.string("project_ids").split(separator: " ").compactMap { Int64($0) })
        }
    }

    public func team(organizationID: Int64, slug: String) throws -> Team? {
        try teams(organizationID: organizationID).first { $0.slug == slug }
    }

    /// Adds a member of the team's organization to the team.
    public func addMember(teamID: Int64, userID: Int64) throws {
        let rows = try db.query("""
            INSERT INTO team_members (team_id, user_id)
            SELECT t.id, m.user_id FROM teams t JOIN organization_members m ON m.organization_id = t.organization_id
            WHERE t.id = $1 AND m.user_id = $2
            ON CONFLICT DO NOTHING
            """, [teamID, userID])
        if rows.affected == 0, try db.query("SELECT 1 FROM team_members WHERE team_id = $1 AND user_id = $2", [teamID, userID]).first == nil {
            throw StoreError.invalid("user \(userID) is not a member of the team's organization")
        }
    }

    /// Makes the team an owner of a project of its organization.
    public func addProject(teamID: Int64, projectID: Int64) throws {
        let rows = try db.query("""
            INSERT INTO project_teams (project_id, team_id)
            SELECT p.id, t.id FROM teams t JOIN projects p ON p.organization_id = t.organization_id
            WHERE t.id = $1 AND p.id = $2
            ON CONFLICT DO NOTHING
            """, [teamID, projectID])
        if rows.affected == 0, try db.query("SELECT 1 FROM project_teams WHERE team_id = $1 AND project_id = $2", [teamID, projectID]).first == nil {
            throw StoreError.invalid("project \(projectID) is not in the team's organization")
        }
    }

    /// Renames the team (slug and name); a slug taken by another team is a conflict.
    public func update(teamID: Int64, slug: String, name: String) throws {
        try AdminStore.validate(slug: slug)
        let rows = try db.query("""
            UPDATE teams t SET slug = $2, name = $3 WHERE t.id = $1
              AND NOT EXISTS (SELECT 1 FROM teams o WHERE o.organization_id = t.organization_id AND o.slug = $2 AND o.id <> t.id)
            """, [teamID, slug, name])
        if rows.affected == 0 { throw StoreError.conflict("A team with this slug already exists.") }
    }

    /// Deletes the team; its memberships and project ownerships go with it (ON DELETE CASCADE).
    public func delete(teamID: Int64) throws {
        if try db.query("DELETE FROM teams WHERE id = $1", [teamID]).affected == 0 { throw StoreError.notFound("no team \(teamID)") }
    }

    /// Takes the user out of the team; false when they were not in it.
    @discardableResult
    public func removeMember(teamID: Int64, userID: Int64) throws -> Bool {
        try db.query("DELETE FROM team_members WHERE team_id = $1 AND user_id = $2", [teamID, userID]).affected > 0
    }

    /// The team no longer owns the project; false when it did not.
    @discardableResult
    public func removeProject(teamID: Int64, projectID: Int64) throws -> Bool {
        try db.query("DELETE FROM project_teams WHERE team_id = $1 AND project_id = $2", [teamID, projectID]).affected > 0
    }

    /// Whether the user is in the team.
    public func isMember(teamID: Int64, userID: Int64) throws -> Bool {
        try db.query("SELECT 1 FROM team_members WHERE team_id = $1 AND user_id = $2", [teamID, userID]).first != nil
    }

    /// Ids of the team's users.
    public func memberUserIDs(teamID: Int64) throws -> [Int64] {
        try db.query("SELECT user_id FROM team_members WHERE team_id = $1 ORDER BY user_id", [teamID]).rows.map { try $0.int("user_id") }
    }

    /// Each member's team slugs in the organization, by user id (one query for the members list).
    public func teamSlugsByUser(organizationID: Int64) throws -> [Int64: [String]] {
        var result: [Int64: [String]] = [:]
        for row in try db.query("""
            SELECT m.user_id, t.slug FROM teams t JOIN team_members m ON m.team_id = t.id
            WHERE t.organization_id = $1 ORDER BY t.slug
            """, [organizationID]).rows {
            result[try row.int("user_id"), default: []].append(try row.string("slug"))
        }
        return result
    }

    /// Slugs of the user's teams in the organization.
    public func teamSlugs(userID: Int64, organizationID: Int64) throws -> [String] {
        try db.query("""
            SELECT t.slug FROM teams t JOIN team_members m ON m.team_id = t.id
            WHERE m.user_id = $1 AND t.organization_id = $2 ORDER BY t.slug
            """, [userID, organizationID]).rows.map { try $0.string("slug") }
    }

    /// Removing a member from the organization removes them from its teams (same transaction).
    public func removeFromTeams(userID: Int64, organizationID: Int64) throws {
        try db.query("""
            DELETE FROM team_members m USING teams t WHERE m.team_id = t.id AND t.organization_id = $2 AND m.user_id = $1
            """, [userID, organizationID])
    }
}
