import EventModel
import Testing
@testable import Scrubbing

/// All of Sentry's data-scrubbing settings, project and organization, as `EventScrubber` applies
/// them (the reference for each case: `pii_strip_event(convert_datascrubbing_config(settings))`,
/// compared over the corpus by bench/parity/settings_cases.py).
@Suite struct ScrubbingSettingsTests {
    static let event = #"""
        {"extra":{"password":"hunter2","order_id":"o-1","note":"card 4111 1111 1111 1111","safe":{"password":"p2"}},
         "user":{"ip_address":"10.1.2.3","email":"a@b.com"},
         "request":{"env":{"REMOTE_ADDR":"10.1.2.3"},"data":{"comment":"from 192.168.0.1"}}}
        """#

    func scrub(_ settings: ScrubbingSettings) throws -> (JSON, JSON?) {
        guard case .object(var members) = try JSON.parse(Self.event) else { throw TestSetupError("not an object") }
        var meta = EventMeta()
        EventScrubber(settings).scrub(&members, meta: &meta)
        return (.object(members), meta.json())
    }

    @Test func defaultsScrubAsBefore() throws {
        let (event, _) = try scrub(.default)
        #expect(event["extra"]?["password"] == "[Filtered]")
        #expect(event["extra"]?["note"] == "card [Filtered]")
        #expect(event["user"]?["ip_address"] == "10.1.2.3")
    }

    @Test func safeFieldsAreLeftAloneButTheirMembersAreNot() throws {
        let (event, _) = try scrub(ScrubbingSettings(safeFields: ["password", "note"]))
        #expect(event["extra"]?["password"] == "hunter2")
        #expect(event["extra"]?["note"] == "card 4111 1111 1111 1111")
        #expect(event["extra"]?["safe"]?["password"] == "p2")
    }

    @Test func sensitiveFieldsWithoutTheDefaults() throws {
        let (event, meta) = try scrub(ScrubbingSettings(scrubDefaults: false, sensitiveFields: ["order_id"]))
        #expect(event["extra"]?["order_id"] == "[Filtered]")
        #expect(event["extra"]?["password"] == "hunter2")  // the defaults are off
        #expect(event["extra"]?["note"] == "card 4111 1111 1111 1111")
        #expect(meta?["extra"]?["order_id"]?[""] == ["rem": [["strip-fields", "s", 0, 10]], "len": 3])
    }

    @Test func scrubDataOffScrubsNothing() throws {
        let (event, meta) = try scrub(ScrubbingSettings(scrubData: false, sensitiveFields: ["order_id"]))
        #expect(event == (try JSON.parse(Self.event)))
        #expect(meta == nil)
    }

    @Test func ipAddressesAreRemovedAndReplaced() throws {
        let (event, meta) = try scrub(ScrubbingSettings(scrubData: false, scrubIPAddresses: true))
        #expect(event["user"]?["ip_address"] == .null)
        #expect(event["request"]?["env"]?["REMOTE_ADDR"] == .null)
        #expect(event["request"]?["data"]?["comment"] == "from [ip]")
        #expect(meta?["request"]?["data"]?["comment"]?[""] == ["rem": [["@ip:replace", "s", 5, 9]], "len": 16])
    }

    @Test func organizationSettingsForceAndExtendTheProjects() {
        let project = ScrubbingSettings(scrubData: false, scrubDefaults: false, sensitiveFields: ["a"], safeFields: ["s"], piiConfigs: ["{}"])
        let organization = ScrubbingSettings(scrubData: true, scrubDefaults: false, scrubIPAddresses: true, sensitiveFields: ["b"],
                                             safeFields: [], piiConfigs: [#"{"applications":{"$string":["@email"]}}"#])
        let merged = ScrubbingSettings.merged(project: project, organization: organization)
        #expect(merged.scrubData)
        #expect(merged.scrubDefaults == false)
        #expect(merged.scrubIPAddresses)
        #expect(merged.sensitiveFields == ["b", "a"])
        #expect(merged.safeFields == ["s"])
        #expect(merged.piiConfigs == ["{}", #"{"applications":{"$string":["@email"]}}"#])
        #expect(ScrubbingSettings.merged(project: .default, organization: .organizationDefault) == .default)
    }

    @Test func advancedRulesRunBeforeTheSettings() throws {
        let config = #"{"rules":{"ids":{"type":"pattern","pattern":"o-\\d+","redaction":{"method":"replace","text":"[order]"}}},"applications":{"extra.order_id":["ids"]}}"#
        let (event, meta) = try scrub(ScrubbingSettings(piiConfigs: [config]))
        #expect(event["extra"]?["order_id"] == "[order]")
        #expect(event["extra"]?["password"] == "[Filtered]")
        #expect(meta?["extra"]?["order_id"]?[""] == ["rem": [["ids", "s", 0, 7]], "len": 3])
    }

    /// The defaults do not search again what an advanced rule redacted (`[auth]`, `Bearer [token]`,
    /// a `[key]` under `token`), as sentry-relay 0.10.1 does when the configs run one after another
    /// on one event (its answers: `pii_strip_event` of the advanced config, then of
    /// `convert_datascrubbing_config`, each given the `_meta` before it).
    @Test func defaultsLeaveWhatAdvancedRulesRedacted() throws {
        let config = #"{"rules":{"keys":{"type":"redact_pair","keyPattern":"^token$","redaction":{"method":"replace","text":"[key]"}}},"applications":{"$string":["@urlauth","@bearer"],"extra.**":["keys"]}}"#
        guard case .object(var event) = try JSON.parse(#"{"extra":{"u":"https://bob:pw@example.com/x","b":"Bearer abc123","token":"t1","p":"x","password":"hunter2","pw":"password Bearer abc"}}"#) else {
            throw TestSetupError("not an object")
        }
        var meta = EventMeta()
        EventScrubber(ScrubbingSettings(piiConfigs: [config])).scrub(&event, meta: &meta)
        #expect(event["extra"] == ["u": "https://[auth]@example.com/x", "b": "Bearer [token]", "token": "[key]", "p": "x", "password": "[Filtered]",
                                  "pw": "[Filtered]"])
        #expect(meta.json()?["extra"] == [
            "u": ["": ["rem": [["@urlauth", "s", 8, 14]], "len": 28]], "b": ["": ["rem": [["@bearer", "s", 0, 14]], "len": 13]],
            "token": ["": ["rem": [["keys", "s", 0, 5]], "len": 2]], "password": ["": ["rem": [["@password:filter", "s", 0, 10]], "len": 7]],
            // Filtered whole by a default rule: the advanced rule's remark goes with the text it redacted.
            "pw": ["": ["rem": [["@password:filter", "s", 0, 10]], "len": 19]],
        ])
    }

    /// A default rule's replacement over an advanced rule's redaction takes its place in `_meta`;
    /// the other remarks stay (sentry-relay 0.10.1's answer for the same configs).
    @Test func aDefaultReplacementOverAnAdvancedRedactionTakesItsPlace() throws {
        let config = #"{"applications":{"$string":["@pemkey","@bearer"]}}"#
        guard case .object(var event) = try JSON.parse(#"{"extra":{"k":"Bearer abc then -----BEGIN PRIVATE KEY-----\nMIIabc\n-----END PRIVATE KEY-----"}}"#) else {
            throw TestSetupError("not an object")
        }
        var meta = EventMeta()
        EventScrubber(ScrubbingSettings(piiConfigs: [config])).scrub(&event, meta: &meta)
        #expect(event["extra"]?["k"] == "Bearer [token] then -----BEGIN PRIVATE KEY-----\n[Filtered]\n-----END PRIVATE KEY-----")
        #expect(meta.json()?["extra"]?["k"] == ["": ["rem": [["@bearer", "s", 0, 14], ["@pemkey:filter", "s", 48, 58]], "len": 76]])
    }

    /// Sentry's password rule runs before the project's sensitive fields: a text it filters under
    /// such a field is its remark; any other is `strip-fields`'.
    @Test func thePasswordRuleRemarksBeforeSensitiveFields() throws {
        guard case .object(var event) = try JSON.parse(#"{"extra":{"note":"nothing secret","my_note":"plain"}}"#) else {
            throw TestSetupError("not an object")
        }
        var meta = EventMeta()
        EventScrubber(ScrubbingSettings(sensitiveFields: ["note"])).scrub(&event, meta: &meta)
        #expect(meta.json()?["extra"] == ["note": ["": ["rem": [["@password:filter", "s", 0, 10]], "len": 14]],
                                          "my_note": ["": ["rem": [["strip-fields", "s", 0, 10]], "len": 5]]])
    }

    /// A stored config that no longer parses is skipped and reported; the defaults still scrub.
    @Test func anInvalidStoredConfigFallsBackToTheDefaults() throws {
        let scrubber = EventScrubber(ScrubbingSettings(piiConfigs: [#"{"rules":{"a":{"type":"pattern","pattern":"(?=x)"}}}"#, "not json"]))
        #expect(scrubber.problems.count == 2)
        guard case .object(var members) = try JSON.parse(Self.event) else { throw TestSetupError("not an object") }
        var meta = EventMeta()
        scrubber.scrub(&members, meta: &meta)
        #expect(members["extra"]?["password"] == "[Filtered]")
    }

    @Test func conversionQuotesSafeFieldsThatAreNotSelectors() {
        let selector = DataScrubbingConversion.selector(safeFields: ["foo.bar", "a b", "it's", "$string", "x-y", "-q"])
        #expect(selector.hasSuffix(#" && !foo.bar && !'a b' && !'it''s' && !$string && !x-y && !'-q'"#))
        let config = DataScrubbingConversion.piiConfig(ScrubbingSettings(scrubDefaults: false, sensitiveFields: ["foo", "Bar.baz"]))
        #expect(config?.rules["strip-fields"] == PiiRule(.redactPair(keyPattern: #"foo|Bar\.baz"#), redaction: .replace("[Filtered]")))
        #expect(DataScrubbingConversion.piiConfig(ScrubbingSettings(scrubData: false)) == nil)
        #expect(DataScrubbingConversion.piiConfig(.default) == nil)
    }
}
