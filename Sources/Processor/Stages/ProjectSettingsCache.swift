import Foundation
import Grouping
import Logging
import Scrubbing
import Store

/// Projects' processing settings (scrubbing, grouping rules parsed), re-read after `ttl`. Like
/// the relay's `ProjectConfigCache`, but one per worker thread, so without locks. If the
/// database cannot say, the defaults apply (which scrub): a database hiccup must not leak data.
public final class ProjectSettingsCache: ProjectSettingsSource {
    public typealias Loader = ([Int64]) throws -> [Int64: ProjectProcessingSettings]

    private let ttl: TimeInterval
    private let now: () -> Date
    private let logger: Logger
    private let load: Loader
    private var entries: [Int64: (entry: ProjectProcessing, fetched: Date)] = [:]

    public init(ttl: TimeInterval = 10, now: @escaping () -> Date = { Date() }, logger: Logger, load: @escaping Loader) {
        self.ttl = ttl
        self.now = now
        self.logger = logger
        self.load = load
    }

    /// The processor's: read through the worker's connection.
    public convenience init(database: DatabaseSession, logger: Logger) {
        self.init(logger: logger) { ids in try database.withConnection { try ProjectSettingsStore($0).settings(projectIDs: ids).mapValues(ProjectProcessingSettings.init) } }
    }

    /// The settings of `projects`, loading those not fetched within `ttl` with one call of `load`.
    public func settings(for projects: Set<Int64>) -> [Int64: ProjectProcessing] {
        let now = now()
        let stale = projects.filter { entries[$0].map { now.timeIntervalSince($0.fetched) > ttl } ?? true }
        if !stale.isEmpty, let fresh = try? load(stale.sorted()) {
            for project in stale {
                let settings = fresh[project] ?? .default
                let processing = ProjectProcessing(scrubbing: settings.scrubbing, grouping: grouping(project, settings))
                for problem in processing.scrubber.problems {
                    // The other configs and the settings-derived rules still apply.
                    logger.error("processor: a PII config of project \(project) is invalid (\(problem)); skipped")
                }
                entries[project] = (processing, now)
            }
        }
        var result: [Int64: ProjectProcessing] = [:]
        for project in projects { if let entry = entries[project] { result[project] = entry.entry } }
        return result
    }

    private func grouping(_ project: Int64, _ settings: ProjectProcessingSettings) -> GroupingConfig {
        do {
            return try ProjectGrouping.config(settings)
        } catch {
            logger.error("processor: grouping rules of project \(project) do not parse (\(error)); grouping with the defaults")
            return .default
        }
    }
}

extension ProjectProcessingSettings {
    /// The processor's settings from the stored row.
    public init(_ row: ProjectSettingsRow) {
        self.init(scrubbing: .merged(project: ScrubbingSettings(row.scrubbing), organization: ScrubbingSettings(row.organizationScrubbing)),
                  fingerprintRules: row.fingerprintRules, stackTraceRules: row.stackTraceRules,
                  groupingRulesUpdatedAt: row.groupingRulesUpdatedAt)
    }
}

extension ScrubbingSettings {
    /// The stored settings of a project or an organization.
    public init(_ row: DataScrubbingRow) {
        self.init(scrubData: row.scrubData, scrubDefaults: row.scrubDefaults, scrubIPAddresses: row.scrubIPAddresses,
                  sensitiveFields: row.sensitiveFields, safeFields: row.safeFields, piiConfigs: row.piiConfig.isEmpty ? [] : [row.piiConfig])
    }
}
