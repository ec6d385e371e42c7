import ArgumentParser
import Core
import EventModel
import Foundation
import Postgres
import Store

/// `faultline admin create-user` and `reset-password`: people who sign in to the dashboard.
extension AdminCommand {
    struct CreateUser: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create-user",
            abstract: "Create a user who signs in to the dashboard, optionally a member of an organization.",
            discussion: "Without --password a password is generated and printed once. Only its bcrypt hash is stored.")
        @OptionGroup var options: ServiceOptions
        @Argument(help: "Email address (the sign-in name).") var email: String
        @Option(help: "Password (at least 8 characters, at most 72 bytes). Default: a generated one, printed.") var password: String?
        @Option(help: "Name shown in the dashboard.") var name: String = ""
        @Option(help: "Organization slug to add the user to.") var org: String?
        @Option(help: "Role in --org: member, admin, manager or owner.") var role: String = "member"

        func run() async throws {
            try await CommandRunner.run {
                let (user, generated) = try AdminCommand.createUser(options, email: email, password: password, name: name,
                                                                    organization: org, role: role)
                print("user \(user.email) id=\(user.id)\(org.map { " \(role) of \($0)" } ?? "")")
                if let generated { print("password: \(generated)") }
            }
        }
    }

    struct ResetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-password",
            abstract: "Print a one-time link (valid one hour) where the user sets a new password.",
            discussion: "Setting the password through the link signs the user out everywhere. (Mailed once Faultline sends mail.)")
        @OptionGroup var options: ServiceOptions
        @Argument var email: String
        @Option(help: "How long the link is valid, in minutes.") var minutes: Int = 60

        func run() async throws {
            try await CommandRunner.run {
                guard (1...10_080).contains(minutes) else { throw StoreError.invalid("--minutes must be 1-10080") }
                let link = try AdminCommand.withConnection(options) { db, config -> String in
                    guard let user = try UserRepository(db).user(email: email) else { throw StoreError.notFound("no user \(email)") }
                    let token = try SessionRepository(db).createReset(userID: user.id, validFor: TimeInterval(minutes) * 60)
                    return "\(config.baseURL(defaultPort: 9000))/ui/reset/\(token)"
                }
                print(link)
            }
        }
    }

    struct SetRole: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-role", abstract: "Add a user to an organization with a role, or change their role there.")
        @OptionGroup var options: ServiceOptions
        @Argument var organization: String
        @Argument var email: String
        @Argument(help: "member, admin, manager or owner.") var role: String

        func run() async throws {
            try await CommandRunner.run {
                guard let role = Role(rawValue: role) else {
                    throw StoreError.invalid("role must be one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                try AdminCommand.withConnection(options) { db, _ in
                    try db.transaction { tx in
                        let (user, org) = try AdminCommand.userAndOrganization(tx, email: email, organization: organization)
                        let wasMember = try UserRepository(tx).memberships(userID: user.id).contains { $0.organizationID == org.id }
                        let id = try UserRepository(tx).setMembership(userID: user.id, organizationID: org.id, role: role)
                        try AuditLogRepository(tx).record(organizationID: org.id, .commandLine, AuditEvent(
                            wasMember ? "member.edit" : "member.add", targetObject: id, targetUserID: user.id,
                            data: ["email": .string(user.email), "role": .string(role.rawValue)]))
                    }
                }
                print("\(email) is \(role.rawValue) of \(organization)")
            }
        }
    }

    struct RemoveMember: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove-member",
            abstract: "Remove a user from an organization: their sessions and personal tokens lose access there at once.")
        @OptionGroup var options: ServiceOptions
        @Argument var organization: String
        @Argument var email: String

        func run() async throws {
            try await CommandRunner.run {
                try AdminCommand.withConnection(options) { db, _ in
                    try db.transaction { tx in
                        let (user, org) = try AdminCommand.userAndOrganization(tx, email: email, organization: organization)
                        try UserRepository(tx).removeMembership(userID: user.id, organizationID: org.id)
                        try AuditLogRepository(tx).record(organizationID: org.id, .commandLine, AuditEvent(
                            "member.remove", targetUserID: user.id, data: ["email": .string(user.email)]))
                    }
                }
                print("\(email) removed from \(organization)")
            }
        }
    }

    struct Invite: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "invite",
            abstract: "Invite an email address to an organization; prints the one-time link where they join.",
            discussion: "The invitee sets a password on the link's page (or accepts while signed in) and becomes a member with "
                + "the role and teams. The link expires after --days. (Mailed once Faultline sends mail.)")
        @OptionGroup var options: ServiceOptions
        @Argument var organization: String
        @Argument var email: String
        @Option(help: "member, admin, manager or owner.") var role: String = "member"
        @Option(help: "A team slug to join on acceptance (repeatable).") var team: [String] = []
        @Option(help: "How long the link is valid, in days.") var days: Int = 30

        func run() async throws {
            try await CommandRunner.run {
                guard let role = Role(rawValue: role) else {
                    throw StoreError.invalid("role must be one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                guard (1...365).contains(days) else { throw StoreError.invalid("--days must be 1-365") }
                let link = try AdminCommand.withConnection(options) { db, config -> String in
                    try db.transaction { tx -> String in
                        guard let org = try AdminStore(tx).organization(slug: organization) else {
                            throw StoreError.notFound("no organization \(organization)")
                        }
                        for slug in team where try TeamRepository(tx).team(organizationID: org.id, slug: slug) == nil {
                            throw StoreError.notFound("no team \(organization)/\(slug)")
                        }
                        let (invitation, token) = try InvitationRepository(tx).create(
                            organizationID: org.id, email: email, role: role, teamSlugs: Array(Set(team)).sorted(),
                            invitedByUserID: nil, lifetime: TimeInterval(days) * 86_400)
                        try AuditLogRepository(tx).record(organizationID: org.id, .commandLine, AuditEvent(
                            "member.invite", targetObject: invitation.id,
                            data: ["email": .string(invitation.email), "role": .string(role.rawValue),
                                   "teams": .array(invitation.teamSlugs.map(JSON.string))]))
                        let link = InvitationMail.link(baseURL: config.baseURL(defaultPort: 9000), token: token)
                        InvitationMail.send(invitation, organization: org.name, link: link)
                        return link
                    }
                }
                print(link)
            }
        }
    }

    struct CreateTeam: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create-team", abstract: "Create a team in an organization.")
        @OptionGroup var options: ServiceOptions
        @Argument var organization: String
        @Argument(help: "Slug (a-z, 0-9, -, _).") var slug: String
        @Option var name: String?

        func run() async throws {
            try await CommandRunner.run {
                let team = try AdminCommand.withConnection(options) { db, _ in
                    try db.transaction { tx -> Team in
                        guard let org = try AdminStore(tx).organization(slug: organization) else {
                            throw StoreError.notFound("no organization \(organization)")
                        }
                        let team = try TeamRepository(tx).create(organizationID: org.id, slug: slug, name: name)
                        try AuditLogRepository(tx).record(organizationID: org.id, .commandLine, AuditEvent(
                            "team.create", targetObject: team.id, data: ["slug": .string(slug)]))
                        return team
                    }
                }
                print("team \(organization)/\(team.slug) id=\(team.id)")
            }
        }
    }

    struct AddToTeam: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-to-team", abstract: "Add a member (by email) or a project (--project) to a team.")
        @OptionGroup var options: ServiceOptions
        @Argument var organization: String
        @Argument var team: String
        @Option(help: "A member's email.") var member: String?
        @Option(help: "A project slug: the team owns it.") var project: String?

        func run() async throws {
            try await CommandRunner.run {
                guard (member == nil) != (project == nil) else { throw StoreError.invalid("give one of --member or --project") }
                try AdminCommand.withConnection(options) { db, _ in
                    guard let org = try AdminStore(db).organization(slug: organization),
                          let found = try TeamRepository(db).team(organizationID: org.id, slug: team) else {
                        throw StoreError.notFound("no team \(organization)/\(team)")
                    }
                    if let member {
                        let (user, _) = try AdminCommand.userAndOrganization(db, email: member, organization: organization)
                        try TeamRepository(db).addMember(teamID: found.id, userID: user.id)
                    }
                    if let project {
                        guard let owned = try AdminStore(db).project(organization: organization, slug: project) else {
                            throw StoreError.notFound("no project \(organization)/\(project)")
                        }
                        try TeamRepository(db).addProject(teamID: found.id, projectID: owned.id)
                    }
                }
                print("added \(member ?? project ?? "") to \(organization)/\(team)")
            }
        }
    }

    static func userAndOrganization(_ db: PGConnection, email: String, organization: String) throws -> (User, Organization) {
        guard let user = try UserRepository(db).user(email: email) else { throw StoreError.notFound("no user \(email)") }
        guard let org = try AdminStore(db).organization(slug: organization) else {
            throw StoreError.notFound("no organization \(organization)")
        }
        return (user, org)
    }

    /// Creates the user (and membership) in one transaction; returns the generated password, if any.
    static func createUser(_ options: ServiceOptions, email: String, password: String?, name: String,
                           organization: String?, role roleName: String) throws -> (User, String?) {
        guard let role = Role(rawValue: roleName) else {
            throw StoreError.invalid("role must be one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let generated = password == nil ? Secrets.password() : nil
        let chosen = password ?? generated ?? ""
        if let problem = PasswordPolicy.problem(chosen) { throw StoreError.invalid(problem) }
        let hash = Passwords.hash(chosen)
        let user = try withConnection(options) { db, _ in
            try db.transaction { tx -> User in
                let user = try UserRepository(tx).create(email: email, name: name, passwordHash: hash)
                if let organization {
                    guard let org = try AdminStore(tx).organization(slug: organization) else {
                        throw StoreError.notFound("no organization \(organization)")
                    }
                    let id = try UserRepository(tx).setMembership(userID: user.id, organizationID: org.id, role: role)
                    try AuditLogRepository(tx).record(organizationID: org.id, .commandLine, AuditEvent(
                        "member.add", targetObject: id, targetUserID: user.id,
                        data: ["email": .string(user.email), "role": .string(role.rawValue)]))
                }
                return user
            }
        }
        return (user, generated)
    }
}
