import ArgumentParser
import Foundation
import SentryImport

/// `faultline admin import`: copies organizations, teams, projects (same ids and slugs), DSN keys
/// (same public and secret parts, rate limits), inbound filters and members (as pending
/// invitations) from another Sentry — self-hosted, SaaS or Faultline — so SDKs and sentry-cli
/// keep working once DNS points here. docs/IMPORT.md says what is and is not carried over.
extension AdminCommand {
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Import organizations, teams, projects, DSN keys, filters and members from another Sentry.",
            discussion: """
                The token needs org:read, project:read and project:write (to see key secrets), team:read and member:read.
                Rerunning skips what was imported; rows taken by something else are refused, never merged.
                """)
        @OptionGroup var options: ServiceOptions
        @Option(help: "The source's address, e.g. https://sentry.example.com (without /api/0).") var from: String
        @Option(help: "An API token of the source (default: $SENTRY_AUTH_TOKEN).") var token: String?
        @Option(help: "Import only this organization (its slug in the source).") var org: String?
        @Flag(help: "Read the source and check everything, but write nothing.") var dryRun = false

        func run() async throws {
            try await CommandRunner.run {
                guard let token = token ?? ProcessInfo.processInfo.environment["SENTRY_AUTH_TOKEN"], !token.isEmpty else {
                    throw ImportError("give --token or set SENTRY_AUTH_TOKEN")
                }
                let client = try SentryAPIClient(base: from, token: token)
                let source: [SentryOrganization]
                do {
                    source = try await SentryFetcher(client: client).fetch(only: org)
                    await client.shutdown()
                } catch {
                    await client.shutdown()
                    throw error
                }
                let plan = ImportPlan.make(source)
                let report = try AdminCommand.withConnection(options) { connection, _ in
                    try ImportApplier(connection).apply(plan, dryRun: dryRun)
                }
                print(Self.render(report, dryRun: dryRun))
                if !report.refused.isEmpty { throw ExitCode(2) }
            }
        }

        static func render(_ report: ImportReport, dryRun: Bool) -> String {
            var lines: [String] = []
            if dryRun { lines.append("dry run: nothing was written") }
            lines += report.created.map { (dryRun ? "would create " : "created ") + $0 }
            lines += report.skipped.map { "skipped (already imported) " + $0 }
            lines += report.refused.map { "refused " + $0 }
            lines += report.notCarried.map { "not carried over: " + $0 }
            if !dryRun {
                lines += report.invitations.map { "invitation token for \($0.email) (\($0.role)): \($0.token)" }
            }
            lines.append("\(report.created.count) created, \(report.skipped.count) skipped, \(report.refused.count) refused, "
                         + "\(report.notCarried.count) not carried over")
            return lines.joined(separator: "\n")
        }
    }
}
