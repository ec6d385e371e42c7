import EventModel
import Testing
@testable import Scrubbing

@Suite struct ScrubberTests {
    func scrub(_ text: String, _ settings: ScrubbingSettings = .default) throws -> JSON {
        guard case .object(let event) = try JSON.parse(text) else { throw TestSetupError("not an object") }
        return .object(Scrubber(settings).scrub(event))
    }

    @Test func sensitiveKeysAreFilteredEverywhere() throws {
        let event = try scrub("""
            {"event_id":"e","extra":{"password":"hunter2","db_passwd":"x","API_KEY":"k","nested":{"refresh_token":"t"},"safe":"ok"},
             "request":{"headers":[["Authorization","Bearer abc"],["Cookie","sessionid=1"],["Accept","*/*"]],
                        "cookies":{"sessionid":"s"},"data":{"credentials":{"user":"a"}}},
             "breadcrumbs":{"values":[{"data":{"secret":"s3"}}]}}
            """)
        #expect(event["extra"]?["password"] == "[Filtered]")
        #expect(event["extra"]?["db_passwd"] == "[Filtered]")
        #expect(event["extra"]?["API_KEY"] == "[Filtered]")
        #expect(event["extra"]?["nested"]?["refresh_token"] == "[Filtered]")
        #expect(event["extra"]?["safe"] == "ok")
        #expect(event["request"]?["headers"] == [["Authorization", "[Filtered]"], ["Cookie", "[Filtered]"], ["Accept", "*/*"]])
        #expect(event["request"]?["cookies"] == ["sessionid": "[Filtered]"])
        // An object under a sensitive key is removed, as sentry-relay does (`@password:filter`, "x").
        #expect(event["request"]?["data"]?["credentials"] == .null)
        #expect(event["breadcrumbs"]?["values"]?.array?.first?["data"]?["secret"] == "[Filtered]")
        #expect(event["event_id"] == "e")
    }

    @Test func secretsInsideTextAreFiltered() throws {
        let event = try scrub("""
            {"message":"charge 4242 4242 4242 4242 failed, order 12345","extra":{"iban":"pay to DE89370400440532013000 now",
             "header":"Authorization: Bearer eyJhbGciOi.x.y","luhn_invalid":"4242 4242 4242 4241","imei":"356938035643809"}}
            """)
        // The message is masked with Sentry's texts; elsewhere secrets are filtered.
        #expect(event["message"] == "charge [creditcard] failed, order 12345")
        #expect(event["extra"]?["iban"] == "pay to [Filtered] now")
        // Names a secret (`auth`): filtered whole, as Sentry's `@password` rule does.
        #expect(event["extra"]?["header"] == "[Filtered]")
        // Cards by their shape, as sentry-relay finds them: no checksum, a brand prefix.
        #expect(event["extra"]?["luhn_invalid"] == "[Filtered]")
        #expect(event["extra"]?["imei"] == "356938035643809")
    }

    @Test func projectsCanTurnScrubbingOffOrDropIPs() throws {
        let text = #"{"extra":{"password":"p"},"user":{"ip_address":"203.0.113.9","id":"1"},"request":{"env":{"REMOTE_ADDR":"203.0.113.9"}}}"#
        let off = try scrub(text, ScrubbingSettings(scrubData: false))
        #expect(off["extra"]?["password"] == "p")
        #expect(off["user"]?["ip_address"] == "203.0.113.9")
        let noIP = try scrub(text, ScrubbingSettings(scrubIPAddresses: true, sensitiveFields: ["id"]))
        #expect(noIP["user"]?["ip_address"] == nil)
        #expect(noIP["request"]?["env"]?["REMOTE_ADDR"] == nil)
        #expect(noIP["user"]?["id"] == "[Filtered]")
    }

    /// Each case was checked against `sentry-relay` 0.10.1 (bench/parity), Sentry's own scrubber.
    @Test func textsAreScrubbedAsSentryDoes() throws {
        let event = try scrub(#"""
            {"extra":{"ssn":"ssn 078-05-1120 on file","not_ssn":"1234-12-1234","url":"https://bob:hunter2@example.com/x",
             "pem":"-----BEGIN RSA PRIVATE KEY-----\nMIIabc\n-----END RSA PRIVATE KEY-----","bearer":"x Bearer abc y",
             "query":"https://example.com/cb?token=abc&page=2","sentence":"my password is hunter2","plain":"my token",
             "email":"contact alice@example.com","form":"note=wire%20to%20DE89370400440532013000&page=2",
             "encoded_bearer":"h=Bearer%20abc","api":"step x-api-key=k1"},
             "logentry":{"formatted":"mail alice@example.com. card 4111111111111111 ssn 078-05-1120 iban DE89370400440532013000 Authorization: Bearer tok","message":"x"},
             "request":{"headers":[["User-Agent","Mozilla password"],["Referer","http://x/?token=zzz"],["X-Api-Key","k"],["Accept","*/*"]]},
             "exception":{"values":[{"value":"password=1","stacktrace":{"frames":[{"filename":"secret.py","vars":{"n":"auth"}}]}}]}}
            """#)
        #expect(event["extra"]?["ssn"] == "ssn [Filtered] on file")
        #expect(event["extra"]?["not_ssn"] == "1234-12-1234")
        #expect(event["extra"]?["url"] == "https://bob:[Filtered]@example.com/x")
        #expect(event["extra"]?["pem"] == "-----BEGIN RSA PRIVATE KEY-----\n[Filtered]\n-----END RSA PRIVATE KEY-----")
        #expect(event["extra"]?["bearer"] == "x [Filtered] y")
        #expect(event["extra"]?["query"] == "[Filtered]")
        #expect(event["extra"]?["sentence"] == "[Filtered]")
        #expect(event["extra"]?["plain"] == "my token")
        // Sentry masks e-mail addresses in the formatted message only.
        #expect(event["extra"]?["email"] == "contact alice@example.com")
        #expect(event["extra"]?["form"] == "[Filtered]")
        #expect(event["extra"]?["encoded_bearer"] == "[Filtered]")
        #expect(event["extra"]?["api"] == "[Filtered]")
        #expect(event["logentry"]?["formatted"]
            == "mail [email]. card [creditcard] ssn [us-ssn] iban [iban] Authorization: Bearer [token]")
        #expect(event["request"]?["headers"]
            == [["User-Agent", "Mozilla password"], ["Referer", "[Filtered]"], ["X-Api-Key", "[Filtered]"], ["Accept", "*/*"]])
        // Sentry keeps exception values and file names.
        #expect(event["exception"]?["values"]?.array?.first?["value"] == "password=1")
        let frame = event["exception"]?["values"]?.array?.first?["stacktrace"]?["frames"]?.array?.first
        #expect(frame?["filename"] == "secret.py")
        #expect(frame?["vars"]?["n"] == "[Filtered]")
    }

    /// Sentry keeps `session`, `cookie` and `csrf` keys and tags; it filters session and CSRF cookies by name.
    @Test func cookiesByNameAndTagsKept() throws {
        let event = try scrub(#"""
            {"extra":{"session":"s","cookie":"c"},"tags":{"password":"x"},
             "request":{"cookies":[["SESSION","1"],["my_session","2"],["csrftoken","3"],["theme","dark"]]}}
            """#)
        #expect(event["extra"] == ["session": "s", "cookie": "c"])
        #expect(event["tags"] == ["password": "x"])
        #expect(event["request"]?["cookies"] == [["SESSION", "[Filtered]"], ["my_session", "2"], ["csrftoken", "[Filtered]"], ["theme", "dark"]])
    }

    /// Texts built to make a naive scanner go back and forth: each scanner reads forward, so these
    /// finish and leave the text as it was (or filtered where a secret is).
    @Test func hostileTextsAreScannedOnce() throws {
        let count = 200_000
        var edits: [TextChanges.Edit] = []
        let schemes = String(repeating: "://a:b", count: count / 6)
        #expect(TextScanners.replaceURLPasswords(schemes, edits: &edits) == schemes)
        let ats = String(repeating: "a@", count: count / 2)
        #expect(TextScanners.replaceEmails(ats, edits: &edits) == ats)
        let pems = String(repeating: "-----BEGIN PRIVATE KEY-----", count: count / 27)
        #expect(TextScanners.replacePEMBodies(pems, edits: &edits) == pems)
        let dashes = String(repeating: "123-45-", count: count / 7)
        #expect(TextScanners.replaceSSNs(dashes, with: "[us-ssn]", edits: &edits) == dashes)
        let equals = String(repeating: "a=", count: count / 2)
        #expect(Scrubber(.default).isSensitiveText(equals) == false)
        #expect(edits.isEmpty)
        let percents = String(repeating: "%zz%", count: count / 4)
        #expect(PercentDecoding.decode(percents) == percents)
        #expect(PercentDecoding.decode("a%2") == "a%2")
    }
}
