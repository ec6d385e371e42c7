import ArgumentParser
import Core
import EventModel
import Foundation
import Grouping
import Postgres
import Quotas
import Scrubbing
import RelayConfig
import Store

struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Manage organizations, projects, DSN keys, API tokens and users.",
        subcommands: [CreateOrg.self, CreateProject.self, CreateKey.self, CreateToken.self, SetKey.self, Import.self,
                      RevokeToken.self, CreateUser.self, ResetPassword.self, SetRole.self, RemoveMember.self, Invite.self, CreateTeam.self, AddToTeam.self, EraseUser.self, SetLimit.self, SetFilters.self, SetScrubbing.self, SetGrouping.self, Retention.self, List.self, Bootstrap.self,
                      ListRules.self, AddRule.self, RemoveRule.self, SetWebhooks.self])

    static func withStore<T>(_ options: ServiceOptions, _ body: (AdminStore, FaultlineConfig) throws -> T) throws -> T {
        try withConnection(options) { connection, config in try body(AdminStore(connection), config) }
    }

    static func withConnection<T>(_ options: ServiceOptions, _ body: (PGConnection, FaultlineConfig) throws -> T) throws -> T {
        let config = try options.config()
        let connection = try Runtime.connect(config)
        defer { connection.close() }
        return try body(connection, config)
    }

    /// Records a change made from the command line in the organization's audit log.
    static func audit(_ db: PGConnection, organization: String, _ event: AuditEvent) throws {
        guard let org = try AdminStore(db).organization(slug: organization) else { throw StoreError.notFound("no organization \(organization)") }
        try AuditLogRepository(db).record(organizationID: org.id, .commandLine, event)
    }

        static func dsn(_ key: ProjectKey, _ config: FaultlineConfig) -> String {
        DSN(baseURL: config.baseURL(defaultPort: 9000), publicKey: key.publicKey, projectID: key.projectID)?.description ?? key.publicKey
    }

    struct CreateOrg: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create-org", abstract: "Create an organization.")
        @OptionGroup var options: ServiceOptions
        @Argument(help: "Slug (a-z, 0-9, -, _).") var slug: String
        @Option(help: "Display name.") var name: String?

        func run() async throws {
            try await CommandRunner.run {
                let org = try AdminCommand.withStore(options) { store, _ in try store.createOrganization(slug: slug, name: name) }
                print("organization \(org.slug) id=\(org.id)")
            }
        }
    }

    struct CreateProject: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create-project", abstract: "Create a project in an organization.")
        @OptionGroup var options: ServiceOptions
        @Argument var organization: String
        @Argument var slug: String
        @Option var name: String?
        @Option var platform: String?

        func run() async throws {
            try await CommandRunner.run {
                let project = try AdminCommand.withStore(options) { store, _ in
                    try store.createProject(organization: organization, slug: slug, name: name, platform: platform)
                }
                print("project \(project.organizationSlug)/\(project.slug) id=\(project.id)")
            }
        }
    }

    struct CreateKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create-key", abstract: "Create a DSN key and print its DSN.")
        @OptionGroup var options: ServiceOptions
        @Argument var organization: String
        @Argument var project: String
        @Option var label: String = "Default"

        func run() async throws {
            try await CommandRunner.run {
                let dsn = try AdminCommand.withConnection(options) { db, config in
                    try db.transaction { tx -> String in
                        let key = try AdminStore(tx).createKey(organization: organization, project: project, label: label)
                        try AdminCommand.audit(tx, organization: organization, AuditEvent(
                            "projectkey.add", targetObject: key.id, data: ["public_key": .string(key.publicKey), "project": .string(project)]))
                        return AdminCommand.dsn(key, config)
                    }
                }
                print(dsn)
            }
        }
    }

    struct CreateToken: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create-token", abstract: "Create an API token; it is printed once and only its hash is kept.")
        @OptionGroup var options: ServiceOptions
        @Argument var organization: String
        @Option(help: "Comma-separated scopes (default: all).") var scopes: String?
        @Option var label: String = ""
        @Option(help: "Email of the person the token belongs to (what `assigned:me` means).") var user: String?

        func run() async throws {
            try await CommandRunner.run {
                let list = scopes.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? Scope.all
                let (token, _) = try AdminCommand.withConnection(options) { db, _ in
                    try db.transaction { tx -> (String, APIToken) in
                        let created = try AdminStore(tx).createToken(organization: organization, label: label, scopes: list, userEmail: user)
                        try AdminCommand.audit(tx, organization: organization, AuditEvent(
                            "orgauthtoken.create", targetObject: created.1.id,
                            data: ["name": .string(label), "scopes": .array(list.map(JSON.string))]))
                        return created
                    }
                }
                print(token)
            }
        }
    }

    struct SetKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-key", abstract: "Enable or disable a DSN key by its public key (relays notice within seconds).")
        @OptionGroup var options: ServiceOptions
        @Argument var publicKey: String
        @Flag(inversion: .prefixedEnableDisable) var active = true

        func run() async throws {
            try await CommandRunner.run {
                try AdminCommand.withConnection(options) { db, _ in
                    try db.transaction { tx in
                        let store = AdminStore(tx)
                        guard let key = try store.key(publicKey: publicKey), let project = try store.project(id: key.projectID) else {
                            throw StoreError.notFound("no key \(publicKey)")
                        }
                        try store.setKeyActive(publicKey: publicKey, active: active)
                        try AdminCommand.audit(tx, organization: project.organizationSlug, AuditEvent(
                            "projectkey.edit", targetObject: key.id,
                            data: ["public_key": .string(publicKey), "project": .string(project.slug), "is_active": .bool(active)]))
                    }
                }
                print("key \(publicKey) \(active ? "enabled" : "disabled")")
            }
        }
    }

    struct RevokeToken: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "revoke-token", abstract: "Revoke an API token by id.")
        @OptionGroup var options: ServiceOptions
        @Argument var id: Int64

        func run() async throws {
            try await CommandRunner.run {
                try AdminCommand.withConnection(options) { db, _ in
                    try db.transaction { tx in
                        let store = AdminStore(tx)
                        guard let token = try store.tokens().first(where: { $0.id == id }) else { throw StoreError.notFound("no token \(id)") }
                        try store.revokeToken(id: id)
                        try AdminCommand.audit(tx, organization: token.organizationSlug, AuditEvent("orgauthtoken.remove", targetObject: id))
                    }
                }
                print("token \(id) revoked")
            }
        }
    }

    struct SetLimit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-limit",
            abstract: "Limit a data category per time window, for a project or one of its DSN keys (relays apply it within seconds).")
        @OptionGroup var options: ServiceOptions
        @Argument var organization: String
        @Argument var project: String
        @Option(help: "error, transaction, attachment (bytes), session, security, default, monitor, feedback, …")
        var category: String
        @Option(help: "Window length in seconds (60 = per minute, 3600 = per hour).") var window: Int64
        @Option(help: "Most quantity per window; 0 refuses everything.") var max: Int64
        @Option(help: "Public key of the DSN key to limit; the whole project when absent.") var key: String?

        func run() async throws {
            try await CommandRunner.run {
                guard let parsed = DataCategory(rawValue: category) else {
                    throw Failure("unknown category \(category): one of \(DataCategory.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                let id = try AdminCommand.withConnection(options) { connection, _ in
                    try RelayConfigStore(connection).setRateLimit(
                        organization: organization, project: project, publicKey: key, category: parsed,
                        windowSeconds: window, maxQuantity: max)
                }
                print("limit \(id): \(max) \(category) per \(window) s on \(key.map { "key \($0)" } ?? "\(organization)/\(project)")")
            }
        }
    }

    struct SetFilters: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-filters", abstract: "Set a project's inbound filters (replaces the previous ones).")
        @OptionGroup var options: ServiceOptions
        @Argument var organization: String
        @Argument var project: String
        @Option(name: .customLong("error-message"), help: "Glob on 'Type: value' or the message; repeatable.")
        var errorMessages: [String] = []
        @Option(name: .customLong("release"), help: "Glob on the release; repeatable.") var releases: [String] = []
        @Flag(help: "Drop events from localhost.") var localhost = false
        @Flag(help: "Drop errors caused by browser extensions.") var browserExtensions = false

        func run() async throws {
            try await CommandRunner.run {
                let filters = InboundFilters(errorMessages: errorMessages, releases: releases, localhost: localhost,
                                             browserExtensions: browserExtensions)
                try AdminCommand.withConnection(options) { connection, _ in
                    try RelayConfigStore(connection).setFilters(organization: organization, project: project, filters: filters)
                }
                print("filters of \(organization)/\(project) set")
            }
        }
    }

    struct SetScrubbing: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-scrubbing",
            abstract: "Set a project's (or, without PROJECT, an organization's) server-side data scrubbing, as Sentry's settings; what is not given stays as it is (processors apply changes within seconds).",
            discussion: """
                An organization's switches require the setting of all its projects; its fields are added to theirs, and its
                PII config runs after the project's (docs/PARITY.md).
                """)
        @OptionGroup var options: ServiceOptions
        @Argument var organization: String
        @Argument var project: String?
        @Flag(inversion: .prefixedNo, help: "Scrub sensitive data (Sentry's dataScrubber).") var scrubData: Bool?
        @Flag(inversion: .prefixedNo, help: "Apply Sentry's default rules: passwords, tokens, cards, IBANs, … (dataScrubberDefaults).")
        var scrubDefaults: Bool?
        @Flag(inversion: .prefixedNo, help: "Drop client IP addresses and replace IP addresses in texts (scrubIPAddresses).")
        var scrubIPAddresses: Bool?
        @Option(name: .customLong("sensitive-field"), help: "A field name to treat as sensitive; repeatable; replaces the list.")
        var sensitiveFields: [String] = []
        @Flag(help: "Clear the sensitive fields.") var noSensitiveFields = false
        @Option(name: .customLong("safe-field"), help: "A field (key or selector) never scrubbed by the settings; repeatable; replaces the list.")
        var safeFields: [String] = []
        @Flag(help: "Clear the safe fields.") var noSafeFields = false
        @Option(help: "File of advanced data-scrubbing rules (Sentry's relayPiiConfig JSON; an empty file removes them).")
        var piiConfig: String?

        func run() async throws {
            try await CommandRunner.run {
                var config: String?
                if let path = piiConfig {
                    guard let data = FileManager.default.contents(atPath: path) else { throw Failure("cannot read \(path)") }
                    let text = String(decoding: data, as: UTF8.self)
                    do {
                        let parsed = try PiiConfig.parse(text)
                        config = parsed.isEmpty && parsed.rules.isEmpty ? "" : text.trimmingCharacters(in: .whitespacesAndNewlines)
                    } catch {
                        throw Failure("invalid PII config in \(path): \(error)")
                    }
                }
                let settings = try AdminCommand.withConnection(options) { connection, _ -> DataScrubbingRow in
                    let store = ProjectSettingsStore(connection)
                    var settings = try project.map { try store.projectScrubbing(organization: organization, project: $0) }
                        ?? store.organizationScrubbing(organization: organization)
                    if let scrubData { settings.scrubData = scrubData }
                    if let scrubDefaults { settings.scrubDefaults = scrubDefaults }
                    if let scrubIPAddresses { settings.scrubIPAddresses = scrubIPAddresses }
                    if noSensitiveFields { settings.sensitiveFields = [] }
                    if !sensitiveFields.isEmpty { settings.sensitiveFields = sensitiveFields }
                    if noSafeFields { settings.safeFields = [] }
                    if !safeFields.isEmpty { settings.safeFields = safeFields }
                    if let config { settings.piiConfig = config }
                    if let project {
                        try store.setProjectScrubbing(organization: organization, project: project, settings)
                    } else {
                        try store.setOrganizationScrubbing(organization: organization, settings)
                    }
                    return settings
                }
                let subject = project.map { "\(organization)/\($0)" } ?? "organization \(organization) (required of its projects)"
                print("scrubbing of \(subject): data \(settings.scrubData ? "on" : "off"), defaults \(settings.scrubDefaults ? "on" : "off"), "
                      + "IP addresses \(settings.scrubIPAddresses ? "scrubbed" : "kept"), \(settings.sensitiveFields.count) sensitive and "
                      + "\(settings.safeFields.count) safe fields, PII config \(settings.piiConfig.isEmpty ? "none" : "set")")
            }
        }
    }

    struct SetGrouping: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-grouping",
            abstract: "Set a project's fingerprint rules and stack trace rules (Sentry's syntax, docs/GROUPING.md); processors apply them within 10 s, `faultline reprocess` to stored events.")
        @OptionGroup var options: ServiceOptions
        @Argument var organization: String
        @Argument var project: String
        @Option(help: "File of fingerprint rules (empty file: none).") var fingerprintRules: String?
        @Option(help: "File of stack trace rules (empty file: none).") var stackTraceRules: String?

        func validate() throws {
            guard fingerprintRules != nil || stackTraceRules != nil else {
                throw ValidationError("give --fingerprint-rules FILE, --stack-trace-rules FILE, or both")
            }
        }

        func run() async throws {
            try await CommandRunner.run {
                func read(_ path: String?) throws -> String? {
                    guard let path else { return nil }
                    guard let data = FileManager.default.contents(atPath: path) else { throw Failure("cannot read \(path)") }
                    return String(decoding: data, as: UTF8.self)
                }
                let (fingerprint, stackTrace) = (try read(fingerprintRules), try read(stackTraceRules))
                do {
                    _ = try FingerprintRules.parse(fingerprint ?? "")
                } catch { throw Failure("\(fingerprintRules ?? ""): \(error)") }
                do {
                    _ = try StackTraceRules.parse(stackTrace ?? "")
                } catch { throw Failure("\(stackTraceRules ?? ""): \(error)") }
                try AdminCommand.withConnection(options) { connection, _ in
                    try ProjectSettingsStore(connection).setGroupingRules(
                        organization: organization, project: project, fingerprintRules: fingerprint, stackTraceRules: stackTrace)
                }
                print("grouping rules of \(organization)/\(project) set; run `faultline reprocess --project \(project)` to regroup stored events")
            }
        }
    }

    struct Retention: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "retention",
            abstract: "Delete events older than N days (whole day partitions), their hourly rollups, and issues not seen since.")
        @OptionGroup var options: ServiceOptions
        @Option(help: "Days of events to keep before today.") var days: Int

        func validate() throws {
            guard days >= 1 else { throw ValidationError("--days must be at least 1") }
        }

        func run() async throws {
            try await CommandRunner.run {
                let report = try AdminCommand.withConnection(options) { connection, _ in
                    try Store.Retention(connection).apply(keepDays: days)
                }
                print("retention: \(report.summary)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List organizations, projects, keys and tokens.")
        @OptionGroup var options: ServiceOptions

        func run() async throws {
            try await CommandRunner.run {
                try AdminCommand.withStore(options) { store, config in
                    for org in try store.organizations() {
                        print("organization \(org.slug) id=\(org.id)")
                        for project in try store.projects(organization: org.slug) {
                            print("  project \(project.slug) id=\(project.id)")
                            for key in try store.keys(organization: org.slug, project: project.slug) {
                                print("    key id=\(key.id) \(key.isActive ? "active" : "disabled") \(AdminCommand.dsn(key, config))")
                            }
                        }
                        for token in try store.tokens(organization: org.slug) {
                            let state = token.revokedAt == nil ? "active" : "revoked"
                            print("  token id=\(token.id) \(token.prefix)… \(state) scopes=\(token.scopes.joined(separator: ","))")
                        }
                    }
                }
            }
        }
    }

    struct Bootstrap: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bootstrap",
            abstract: "Create an organization, project, DSN key, API token and owner unless the env file exists, and write them to it.",
            discussion: "An env file written before users existed gets the owner's sign-in added, when no user exists yet.")
        @OptionGroup var options: ServiceOptions
        @Option var org: String = "acme"
        @Option var project: String = "web"
        @Option(help: "The owner's sign-in email.") var ownerEmail: String = "owner@faultline.test"
        @Option(help: """
            Where to write FAULTLINE_DSN, FAULTLINE_URL, FAULTLINE_TOKEN, FAULTLINE_ORG, FAULTLINE_PROJECT, \
            FAULTLINE_LOGIN_EMAIL, FAULTLINE_LOGIN_PASSWORD.
            """)
        var envFile: String

        func run() async throws {
            try await CommandRunner.run {
                if FileManager.default.fileExists(atPath: envFile) {
                    let existing = try String(contentsOfFile: envFile, encoding: .utf8)
                    guard !existing.contains("FAULTLINE_LOGIN_EMAIL="),
                          try AdminCommand.withConnection(options, { db, _ in try UserRepository(db).isEmpty() }) else {
                        print("keeping \(envFile)")
                        return
                    }
                    let login = try owner()
                    try (existing + (existing.hasSuffix("\n") || existing.isEmpty ? "" : "\n") + login).write(toFile: envFile, atomically: true, encoding: .utf8)
                    chmod(envFile, 0o600)
                    print("added the owner's sign-in to \(envFile)")
                    return
                }
                let lines = try AdminCommand.withStore(options) { store, config -> String in
                    if try store.organization(slug: org) == nil { _ = try store.createOrganization(slug: org) }
                    if try store.project(organization: org, slug: project) == nil {
                        _ = try store.createProject(organization: org, slug: project, platform: "python")
                    }
                    let key = try store.createKey(organization: org, project: project)
                    let (token, _) = try store.createToken(organization: org, label: "dev")
                    return """
                        FAULTLINE_DSN=\(AdminCommand.dsn(key, config))
                        FAULTLINE_URL=\(config.baseURL(defaultPort: 9000))
                        FAULTLINE_TOKEN=\(token)
                        FAULTLINE_ORG=\(org)
                        FAULTLINE_PROJECT=\(project)

                        """
                }
                var login = ""
                if try AdminCommand.withConnection(options, { db, _ in try UserRepository(db).isEmpty() }) { login = try owner() }
                try (lines + login).write(toFile: envFile, atomically: true, encoding: .utf8)
                chmod(envFile, 0o600)
                print("wrote \(envFile)")
            }
        }

        /// The owner of `org` with a generated password, as env lines.
        func owner() throws -> String {
            let (user, password) = try AdminCommand.createUser(options, email: ownerEmail, password: nil, name: "Owner",
                                                               organization: org, role: Role.owner.rawValue)
            return "FAULTLINE_LOGIN_EMAIL=\(user.email)\nFAULTLINE_LOGIN_PASSWORD=\(password ?? "")\n"
        }
    }
}
