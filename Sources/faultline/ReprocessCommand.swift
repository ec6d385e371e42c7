import ArgumentParser
import Foundation
import Grouping
import Processor
import Store

struct ReprocessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reprocess",
        abstract: "Re-group a project's stored events with its current grouping rules, re-deriving its issues and rollups while ingestion goes on.")

    @OptionGroup var options: ServiceOptions
    @Option(help: "The project's slug.") var project: String
    @Option(help: "The organization's slug (needed when the project slug exists in several).") var org: String?
    @Option(help: "Events per transaction.") var chunkSize = 1000

    /// Processors re-read grouping rules every 10 s; events they grouped with the old rules are
    /// all stored by then, so reprocessing starts after this much time since the rules changed.
    static let settleSeconds: TimeInterval = 15

    func run() async throws {
        try await CommandRunner.run {
            try AdminCommand.withConnection(options) { connection, _ in
                let store = ProjectSettingsStore(connection)
                let projectID = try store.projectID(organization: org, project: project)
                let settings = try store.settings(projectIDs: [projectID])[projectID].map(ProjectProcessingSettings.init) ?? .default
                if let changed = settings.groupingRulesUpdatedAt, Date().timeIntervalSince(changed) < Self.settleSeconds {
                    let wait = Self.settleSeconds - Date().timeIntervalSince(changed)
                    FileHandle.standardError.write(Data("reprocess: rules changed \(Int(Self.settleSeconds - wait)) s ago; waiting \(Int(wait.rounded(.up))) s for processors to pick them up\n".utf8))
                    Thread.sleep(forTimeInterval: wait)
                }
                let config = try ProjectGrouping.config(settings)
                let started = Date()
                let result = try Reprocessor(connection, projectID: projectID, chunkSize: chunkSize) { Grouper.group($0, config: config) }
                    .run { progress in
                        FileHandle.standardError.write(Data("reprocess: \(progress.done)/\(progress.total) events, \(progress.moved) moved\n".utf8))
                    }
                print("reprocessed \(result.done) events of \(project) in \(String(format: "%.1f", Date().timeIntervalSince(started))) s: "
                      + "\(result.moved) moved, \(result.issuesCreated) issues created, \(result.issuesDeleted) emptied issues deleted")
            }
        }
    }
}
