import EventModel
import Postgres
import Store

/// Who `assignedTo` names. A member of the issues' organization named by user id, email or
/// username is stored by email (what `assigned:me` matches) and echoed as Sentry's user actor; a
/// number that is no member's id is refused, as Sentry refuses unknown actors; any other text is
/// kept as an email-like name, as before users existed. `team:slug` names a team of the
/// organization, stored as `team:slug` (what `assigned:#slug` matches).
enum IssueAssignee {
    static func resolve(_ name: String, projectIDs: [Int64], _ db: PGConnection) throws -> (String, JSON) {
        let organizations = Set(try AdminStore(db).organizationIDs(projectIDs: projectIDs).values)
        if organizations.count == 1, let organization = organizations.first,
           let member = try UserRepository(db).member(organizationID: organization, actor: name) {
            let user = member.user
            return (user.email, .object(["type": "user", "id": .string(String(user.id)),
                                         "name": .string(user.name.isEmpty ? user.email : user.name), "email": .string(user.email)]))
        }
        if name.hasPrefix("team:") {
            let slug = String(name.dropFirst(5)).lowercased()
            guard organizations.count == 1, let organization = organizations.first,
                  let team = try TeamRepository(db).team(organizationID: organization, slug: slug) else {
                throw QueryError.invalid("assignedTo", "Unknown actor input")
            }
            return ("team:" + team.slug, .object(["type": "team", "id": .string(String(team.id)), "name": .string(team.slug)]))
        }
        if !name.isEmpty, name.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) { throw QueryError.invalid("assignedTo", "Unknown actor input") }
        return (name, .object(["type": "user", "id": .string(name), "name": .string(name), "email": .string(name)]))
    }
}
