import EventModel
import Foundation
import Testing
@testable import Alerting

@Suite struct AlertRuleTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func facts(new: Bool = false, regressed: Bool = false, escalated: Bool = false, level: String = "error",
               environment: String? = "production", tags: [String: String] = [:], age: TimeInterval = 60,
               timesSeen: Int64 = 1) -> IssueFacts {
        IssueFacts(issueID: 1, projectID: 1, isNew: new, regressed: regressed, escalated: escalated, level: level,
                   environment: environment, release: "app@1.0", tags: tags,
                   attributes: ["type": ["ValueError"], "platform": ["python"], "message": ["ValueError: boom"]],
                   firstSeen: now.addingTimeInterval(-age), timesSeen: timesSeen)
    }

    func rule(_ body: JSON) throws -> IssueAlertRule { try RuleCodec.decode(body) }

    static let webhookAction: JSON = ["id": .string(RuleIDs.notifyService), "service": "webhooks"]

    @Test func newIssueRuleFiresOnlyForNewIssues() throws {
        let rule = try rule(["name": "new", "conditions": [["id": .string(RuleIDs.firstSeen)]], "actions": [Self.webhookAction]])
        #expect(RuleEvaluator.fires(rule, facts(new: true), now: now, counts: { _ in .init(events: 0, users: 0) }))
        #expect(!RuleEvaluator.fires(rule, facts(), now: now, counts: { _ in .init(events: 0, users: 0) }))
    }

    @Test func actionMatchAllAnyNone() throws {
        let conditions: JSON = [["id": .string(RuleIDs.firstSeen)], ["id": .string(RuleIDs.regression)]]
        func fires(_ match: String, _ facts: IssueFacts) throws -> Bool {
            let rule = try rule(["name": "r", "actionMatch": .string(match), "conditions": conditions, "actions": [Self.webhookAction]])
            return RuleEvaluator.fires(rule, facts, now: now, counts: { _ in .init(events: 0, users: 0) })
        }
        #expect(try fires("any", facts(regressed: true)))
        #expect(try !fires("all", facts(regressed: true)))
        #expect(try fires("all", facts(new: true, regressed: true)))
        #expect(try fires("none", facts()))
        #expect(try !fires("none", facts(new: true)))
    }

    @Test func frequencyConditionsAreAboveTheValueAndAskEachIntervalOnce() throws {
        let rule = try rule(["name": "busy", "actionMatch": "all", "conditions": [
            ["id": .string(RuleIDs.eventFrequency), "value": "10", "interval": "1h"],
            ["id": .string(RuleIDs.userFrequency), "value": 2, "interval": "1h", "comparisonType": "count"],
        ], "actions": [Self.webhookAction]])
        var asked: [Int64] = []
        #expect(RuleEvaluator.fires(rule, facts(), now: now, counts: { asked.append($0); return .init(events: 11, users: 3) }))
        #expect(asked == [60])
        #expect(!RuleEvaluator.fires(rule, facts(), now: now, counts: { _ in .init(events: 10, users: 3) }))
        #expect(!RuleEvaluator.fires(rule, facts(), now: now, counts: { _ in .init(events: 11, users: 2) }))
    }

    @Test func filters() throws {
        func passes(_ filter: JSON, _ facts: IssueFacts, match: String = "all") throws -> Bool {
            let rule = try rule(["name": "f", "filterMatch": .string(match), "conditions": [["id": .string(RuleIDs.everyEvent)]],
                                 "filters": [filter], "actions": [Self.webhookAction]])
            return RuleEvaluator.fires(rule, facts, now: now, counts: { _ in .init(events: 0, users: 0) })
        }
        let fatalOnly: JSON = ["id": .string(RuleIDs.levelFilter), "match": "gte", "level": "50"]
        #expect(try passes(fatalOnly, facts(level: "fatal")))
        #expect(try !passes(fatalOnly, facts(level: "error")))
        let tag: JSON = ["id": .string(RuleIDs.taggedFilter), "key": "browser", "match": "sw", "value": "Fire"]
        #expect(try passes(tag, facts(tags: ["browser": "firefox 120"])))
        #expect(try !passes(tag, facts(tags: ["browser": "chrome"])))
        #expect(try !passes(tag, facts()))
        let type: JSON = ["id": .string(RuleIDs.attributeFilter), "attribute": "type", "match": "eq", "value": "valueerror"]
        #expect(try passes(type, facts()))
        let notSet: JSON = ["id": .string(RuleIDs.attributeFilter), "attribute": "logger", "match": "ns"]
        #expect(try passes(notSet, facts()))
        let young: JSON = ["id": .string(RuleIDs.ageFilter), "comparison_type": "newer", "value": 1, "time": "hour"]
        #expect(try passes(young, facts(age: 60)))
        #expect(try !passes(young, facts(age: 7_200)))
        let seen: JSON = ["id": .string(RuleIDs.occurrencesFilter), "value": 100]
        #expect(try passes(seen, facts(timesSeen: 100)))
        #expect(try !passes(seen, facts(timesSeen: 99)))
        let unassigned: JSON = ["id": .string(RuleIDs.assignedFilter), "targetType": "Unassigned"]
        #expect(try passes(unassigned, facts()))
        #expect(try !passes(unassigned, facts(), match: "none"))
    }

    @Test func environmentLimitsTheRule() throws {
        let rule = try rule(["name": "prod", "environment": "production", "conditions": [["id": .string(RuleIDs.everyEvent)]],
                             "actions": [Self.webhookAction]])
        #expect(RuleEvaluator.fires(rule, facts(environment: "production"), now: now, counts: { _ in .init(events: 0, users: 0) }))
        #expect(!RuleEvaluator.fires(rule, facts(environment: "staging"), now: now, counts: { _ in .init(events: 0, users: 0) }))
    }

    @Test func frequencyLimitIsPerInterval() {
        #expect(RuleEvaluator.isDue(lastFired: nil, now: now, frequencyMinutes: 30))
        #expect(!RuleEvaluator.isDue(lastFired: now.addingTimeInterval(-29 * 60), now: now, frequencyMinutes: 30))
        #expect(RuleEvaluator.isDue(lastFired: now.addingTimeInterval(-30 * 60), now: now, frequencyMinutes: 30))
    }

    @Test func codecRoundTripsAndRefusesHostileInput() throws {
        let body: JSON = [
            "name": "All of it", "actionMatch": "any", "filterMatch": "all", "frequency": 60, "environment": "production",
            "conditions": [["id": .string(RuleIDs.firstSeen)], ["id": .string(RuleIDs.eventFrequency), "value": 100, "interval": "1d"]],
            "filters": [["id": .string(RuleIDs.levelFilter), "match": "eq", "level": "40"]],
            "actions": [Self.webhookAction, ["id": .string(RuleIDs.chat), "url": "https://chat.example/hook", "format": "discord"],
                        ["id": .string(RuleIDs.notifySentryApp), "sentryAppInstallationUuid": "7c9a2c3e-0000-4000-8000-000000000001"]],
        ]
        let rule = try RuleCodec.decode(body)
        #expect(rule.frequencyMinutes == 60)
        #expect(rule.actions.count == 3)
        #expect(try RuleCodec.decode(RuleCodec.encode(rule)) == rule)

        func refused(_ body: JSON) -> String? {
            do { _ = try RuleCodec.decode(body); return nil } catch { return error.field }
        }
        #expect(refused(["name": "x", "conditions": [], "actions": []]) == "actions")
        #expect(refused(["conditions": [], "actions": [Self.webhookAction]]) == "name")
        #expect(refused(["name": "x", "frequency": 1, "actions": [Self.webhookAction]]) == "frequency")
        #expect(refused(["name": "x", "frequency": "99999999999999999999999", "actions": [Self.webhookAction]]) == "frequency")
        #expect(refused(["name": "x", "conditions": [["id": "sentry.rules.conditions.nope"]], "actions": [Self.webhookAction]]) == "conditions")
        #expect(refused(["name": "x", "actions": [["id": .string(RuleIDs.chat), "url": "file:///etc/passwd"]]]) == "actions")
        #expect(refused(["name": "x", "actions": .array(Array(repeating: Self.webhookAction, count: 51))]) == "actions")
        #expect(refused(["name": "x", "conditions": [["id": .string(RuleIDs.eventFrequency), "value": 1, "interval": "2h"]],
                         "actions": [Self.webhookAction]]) == "conditions")
        #expect(refused(.array([])) == "detail")
    }

    @Test func textMatchOperators() {
        #expect(TextMatch.equal.matches(["Prod"], "prod"))
        #expect(TextMatch.notEqual.matches([], "prod"))
        #expect(TextMatch.isIn.matches(["b"], "a, b ,c"))
        #expect(TextMatch.notIn.matches(["d"], "a,b,c"))
        #expect(TextMatch.endsWith.matches(["error.js"], ".JS"))
        #expect(TextMatch.notContains.matches(["abc"], "x"))
    }

    @Test func deliveryBacksOffThenDies() {
        let policy = DeliveryPolicy(base: 1, cap: 600, maxAttempts: 20)
        #expect(policy.retryDelay(afterAttempts: 1) == 1)
        #expect(policy.retryDelay(afterAttempts: 5) == 16)
        #expect(policy.retryDelay(afterAttempts: 15) == 600)
        #expect(policy.retryDelay(afterAttempts: 20) == nil)
        #expect(policy.retryDelay(afterAttempts: Int.max) == nil)
        #expect(OutboxPartition.of(projectID: -7, partitions: 4) == 1)
        #expect(OutboxPartition.of(projectID: 9, partitions: 0) == 0)
    }

    static let subject = AlertSubject(
        organizationSlug: "acme", projectSlug: "web", projectName: "Web", issueID: 42, shortID: "WEB-1", title: "ValueError: boom",
        culprit: "app in f", level: "error", status: "unresolved", timesSeen: 3, userCount: 2,
        firstSeen: Date(timeIntervalSince1970: 1_700_000_000), lastSeen: Date(timeIntervalSince1970: 1_700_000_100),
        issueURL: "https://faultline.example/ui/acme/issues/42/", eventID: "abc",
        event: ["logger": "root", "tags": [["level", "error"], ["browser", "Firefox"]],
                "exception": ["values": [["type": "ValueError", "stacktrace": ["frames": [
                    ["function": "main", "filename": "app.py", "lineno": 1], ["function": "f", "filename": "app.py", "lineno": 9]]]]]]],
        ruleName: "new issues", reason: "created")

    @Test func payloadsHaveTheShapesReceiversExpect() throws {
        let webhook = Notifications.webhook(Self.subject, url: "http://127.0.0.1/hook")
        let body = try JSON.parse(webhook.body)
        #expect(body["id"]?.string == "42")
        #expect(body["project"]?.string == "web")
        #expect(body["culprit"]?.string == "app in f")
        #expect(body["level"]?.string == "error")
        #expect(body["url"]?.string == "https://faultline.example/ui/acme/issues/42/?referrer=webhooks_plugin")
        #expect(body["triggering_rules"]?.array == ["new issues"])
        #expect(body["event"]?["event_id"]?.string == "abc")

        let app = Notifications.sentryApp(Self.subject, url: "http://127.0.0.1/app", installationUUID: "u-1", secret: "s3cret", now: now)
        #expect(app.headers["Sentry-Hook-Resource"] == "event_alert")
        #expect(app.headers["Sentry-Hook-Timestamp"] == "1800000000")
        #expect(app.headers["Sentry-Hook-Signature"] == Notifications.signature(app.body, secret: "s3cret"))
        // HMAC-SHA256 of "hello" with key "key" (RFC 4231 style reference value).
        #expect(Notifications.signature(Array("hello".utf8), secret: "key") == "9307b3b915efb5171ff14d8cb55fbcc798c6c0ef1456d66ded1a6aa723a58b7b")
        let appBody = try JSON.parse(app.body)
        #expect(appBody["action"]?.string == "triggered")
        #expect(appBody["data"]?["triggered_rule"]?.string == "new issues")
        #expect(appBody["data"]?["event"]?["issue_url"]?.string == "https://faultline.example/ui/acme/issues/42/")

        let created = Notifications.sentryAppIssue(Self.subject, action: "created", url: "http://127.0.0.1/app", installationUUID: "u-1",
                                                   secret: "s3cret", now: now)
        #expect(created.headers["Sentry-Hook-Resource"] == "issue")
        #expect(created.headers["Sentry-Hook-Signature"] == Notifications.signature(created.body, secret: "s3cret"))
        let createdBody = try JSON.parse(created.body)
        #expect(createdBody["action"]?.string == "created")
        #expect(createdBody["data"]?["issue"]?["shortId"]?.string == "WEB-1")
        #expect(createdBody["data"]?["issue"]?["web_url"]?.string == "https://faultline.example/ui/acme/issues/42/")

        let slack = try JSON.parse(Notifications.chat(Self.subject, url: "http://x/", format: .slack).body)
        #expect(slack["text"]?.string?.contains("<https://faultline.example/ui/acme/issues/42/|WEB-1: ValueError: boom>") == true)
        let discord = try JSON.parse(Notifications.chat(Self.subject, url: "http://x/", format: .discord).body)
        #expect(discord["embeds"]?.array?.first?["url"]?.string == "https://faultline.example/ui/acme/issues/42/")

        #expect(Self.subject.stackHead() == ["app.py:9 in f", "app.py:1 in main"])
        #expect(Self.subject.tags.map(\.0) == ["level", "browser"])
        #expect(AlertSubject(json: Self.subject.json)?.json == Self.subject.json)
        #expect(AlertSubject(json: ["title": 1]) == nil)
    }
}
