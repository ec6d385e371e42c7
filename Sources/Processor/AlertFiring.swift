import Alerting
import EventModel
import Foundation
import Postgres
import Store

/// Evaluates the projects' issue alert rules for the issues a batch changed and records each
/// firing in the outbox, inside the batch's transaction: a batch that rolls back (a crash, a
/// fence) fired nothing, and one that commits fired once. Facts come from the events the batch
/// inserted (never duplicates), so a replay decides nothing again.
struct AlertFiring {
    let db: PGConnection

    /// What the batch did to its issues.
    struct Changes {
        var created = Set<Int64>()
        var regressed = Set<Int64>()
        var escalated = Set<Int64>()
    }

    /// Partitions of the outbox (`OutboxPartition`); the deliverers use the same count.
    static let partitions = 4

    func fire(inserted: [(ProcessedEvent, Int64)], changes: Changes, now: Date = Date()) throws {
        guard !inserted.isEmpty else { return }
        let projectIDs = Set(inserted.map(\.0.projectID)).sorted()
        let rules = try AlertRuleRepository(db).active(projectIDs: projectIDs).compactMap { row -> (AlertRuleRepository.Row, IssueAlertRule)? in
            // A stored definition that no longer decodes is skipped, never trusted.
            guard row.snoozedUntil.map({ $0 <= now }) ?? true, let rule = try? RuleCodec.decode(row.definition) else { return nil }
            return (row, rule)
        }
        // Integrations subscribed to `issue` hear of every new issue (`issue.created`), rules or not.
        let issueSubscribers = changes.created.isEmpty ? [:]
            : try IntegrationRepository(db).installations(projectIDs: projectIDs, subscribedTo: "issue")
        guard !rules.isEmpty || !issueSubscribers.isEmpty else { return }
        let rulesByProject = Dictionary(grouping: rules, by: \.0.projectID)

        // The latest inserted event of each issue.
        var latest: [Int64: ProcessedEvent] = [:]
        for (event, issueID) in inserted where rulesByProject[event.projectID] != nil || issueSubscribers[event.projectID] != nil {
            if let known = latest[issueID], known.timestamp > event.timestamp { continue }
            latest[issueID] = event
        }
        let issueIDs = latest.keys.sorted()
        let rows = try IssueRepository(db).alertRows(ids: issueIDs)
        var projects: [Int64: Project] = [:]
        for id in projectIDs { projects[id] = try AdminStore(db).project(id: id) }
        let webhooks = try IntegrationRepository(db).webhookURLs(projectIDs: projectIDs)

        var messages: [OutboxRepository.NewMessage] = []
        for issueID in issueIDs {
            guard let event = latest[issueID], let row = rows[issueID], let project = projects[event.projectID] else { continue }
            let facts = Self.facts(event, row, changes)
            if facts.isNew, let installations = issueSubscribers[project.id] {
                let subject = Self.subject(event, row, project, rule: "", reason: "created")
                let partition = OutboxPartition.of(projectID: project.id, partitions: Self.partitions)
                messages += installations.map {
                    OutboxRepository.NewMessage(partition: partition, projectID: project.id, issueID: issueID, ruleID: nil,
                                                channel: "sentry_app_issue", target: $0, format: "created", subject: subject.json)
                }
            }
            for (ruleRow, rule) in rulesByProject[event.projectID] ?? [] {
                var countError: (any Error)?
                let fires = RuleEvaluator.fires(rule, facts, now: now) { minutes in
                    do {
                        let counts = try EventRepository(db).windowCounts(issueID: issueID, eventMinutes: minutes, userMinutes: minutes)
                        return WindowCounts(events: counts.events, users: counts.users)
                    } catch {
                        countError = error
                        return WindowCounts(events: 0, users: 0)
                    }
                }
                if let countError { throw countError }
                guard fires, try AlertRuleRepository(db).claimFiring(projectID: project.id, ruleID: ruleRow.id, issueID: issueID, now: now,
                                                                     frequencyMinutes: rule.frequencyMinutes) else { continue }
                let subject = Self.subject(event, row, project, rule: ruleRow.name, reason: Self.reason(facts))
                messages += Self.messages(rule.actions, subject: subject, projectID: project.id, issueID: issueID, ruleID: ruleRow.id,
                                          webhookURLs: webhooks[project.id] ?? [])
            }
        }
        try OutboxRepository(db).enqueue(messages)
    }

    static func facts(_ event: ProcessedEvent, _ row: IssueRepository.AlertRow, _ changes: Changes) -> IssueFacts {
        var attributes: [String: [String]] = ["platform": [event.platform], "message": [event.grouping.title], "culprit": [row.culprit]]
        if let payload = try? JSON.parse(event.payload) {
            let exceptions = payload["exception"]?["values"]?.array ?? []
            attributes["type"] = exceptions.compactMap { $0["type"]?.string }
            attributes["value"] = exceptions.compactMap { $0["value"]?.string }
            if let logger = payload["logger"]?.string { attributes["logger"] = [logger] }
            if let message = payload["logentry"]?["formatted"]?.string ?? payload["message"]?.string { attributes["message", default: []].append(message) }
        }
        return IssueFacts(issueID: row.id, projectID: row.projectID, isNew: changes.created.contains(row.id),
                          regressed: changes.regressed.contains(row.id), escalated: changes.escalated.contains(row.id),
                          level: event.level, environment: event.environment, release: event.release, tags: event.tags,
                          attributes: attributes, firstSeen: row.firstSeen, timesSeen: row.timesSeen, assignedTo: row.assignedTo)
    }

    static func reason(_ facts: IssueFacts) -> String {
        facts.isNew ? "created" : facts.regressed ? "regressed" : facts.escalated ? "escalated" : "triggered"
    }

    static func subject(_ event: ProcessedEvent, _ row: IssueRepository.AlertRow, _ project: Project, rule: String, reason: String) -> AlertSubject {
        AlertSubject(organizationSlug: project.organizationSlug, projectSlug: project.slug, projectName: project.name, issueID: row.id,
                     shortID: IssueShortID.format(projectSlug: project.slug, number: row.shortID), title: row.title, culprit: row.culprit,
                     level: event.level, status: row.status, timesSeen: row.timesSeen, userCount: row.userCount, firstSeen: row.firstSeen,
                     lastSeen: row.lastSeen, issueURL: "/ui/\(project.organizationSlug)/issues/\(row.id)/", eventID: event.eventID,
                     event: (try? JSON.parse(event.payload)) ?? .null, ruleName: rule, reason: reason)
    }

    /// One outbox row per destination, each with its own idempotency key. Email actions are
    /// not delivered yet (no SMTP client): they record nothing.
    static func messages(_ actions: [RuleAction], subject: AlertSubject, projectID: Int64, issueID: Int64, ruleID: Int64,
                         webhookURLs: [String]) -> [OutboxRepository.NewMessage] {
        let partition = OutboxPartition.of(projectID: projectID, partitions: partitions)
        let json = subject.json
        func message(_ channel: String, _ target: String, _ format: String = "") -> OutboxRepository.NewMessage {
            OutboxRepository.NewMessage(partition: partition, projectID: projectID, issueID: issueID, ruleID: ruleID, channel: channel,
                                        target: target, format: format, subject: json)
        }
        var result: [OutboxRepository.NewMessage] = []
        var seen = Set<String>()
        for action in actions {
            switch action {
            case .service("webhooks"):
                for url in webhookURLs where seen.insert("webhooks \(url)").inserted { result.append(message("webhooks", url)) }
            case .sentryApp(let installation):
                if seen.insert("sentry_app \(installation)").inserted { result.append(message("sentry_app", installation)) }
            case .chat(let url, let format):
                if seen.insert("chat \(url)").inserted { result.append(message("chat", url, format.rawValue)) }
            case .service, .email:
                continue
            }
        }
        return result
    }
}
