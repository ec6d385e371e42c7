import ArgumentParser
import Foundation
import Store

/// `faultline admin erase-user`: a privacy request, from the command line.
extension AdminCommand {
    struct EraseUser: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "erase-user",
            abstract: "Delete everything stored about one end user of an organization's apps (their events, issue users, dead letters).",
            discussion: """
                Give exactly one identifier. The user's events are deleted and the issues they counted in recounted; \
                events of the user still on their way are dropped when processed. Rerun to finish an interrupted \
                erasure. The audit log keeps the identifier's SHA-256, never the identifier. docs/PEOPLE.md, "Erasure".
                """)
        @OptionGroup var options: ServiceOptions
        @Argument(help: "Organization slug.") var organization: String
        @Option(help: "The user's id (exact).") var id: String?
        @Option(help: "The user's email (any case).") var email: String?
        @Option(help: "The user's username (exact).") var username: String?
        @Option(help: "An IP address: the user's ip_address and the request's REMOTE_ADDR.") var ip: String?
        @Flag(help: "Count what would be erased; change nothing.") var dryRun = false

        func run() async throws {
            try await CommandRunner.run {
                let target = try ErasureTarget.one(of: [.id: id, .email: email, .username: username, .ip: ip])
                let report = try AdminCommand.withConnection(options) { db, _ in
                    guard let org = try AdminStore(db).organization(slug: organization) else {
                        throw StoreError.notFound("no organization \(organization)")
                    }
                    return try UserErasure(db).run(organizationID: org.id, target: target, actor: .commandLine, dryRun: dryRun)
                }
                print(report.summary)
            }
        }
    }
}
