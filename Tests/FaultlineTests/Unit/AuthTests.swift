@testable import EventModel
import Testing
@testable import Relay

@Suite struct AuthTests {
    @Test func parsesSentryAuthHeader() throws {
        let auth = try #require(SentryAuth.parseHeader("Sentry sentry_key=abc123, sentry_version=7, sentry_client=sentry.python/2.19.0"))
        #expect(auth == SentryAuth(publicKey: "abc123", version: "7", client: "sentry.python/2.19.0"))
        #expect(SentryAuth.parseHeader("Bearer xyz") == nil)
        #expect(SentryAuth.parseHeader("Sentry sentry_version=7") == nil)
    }

    @Test func parsesDSN() throws {
        let dsn = try #require(DSN("https://e12d836b15bb49d7bbf99e64295d995b:secret@sentry.example.com:8443/path/42"))
        #expect(dsn.publicKey == "e12d836b15bb49d7bbf99e64295d995b")
        #expect(dsn.host == "sentry.example.com")
        #expect(dsn.port == 8443)
        #expect(dsn.projectID == 42)
        #expect(DSN("http://k@h/1")?.description == "http://k@h/1")
        #expect(DSN("ftp://k@h/1") == nil)
        #expect(DSN("http://h/1") == nil)
        #expect(DSN("http://k@h/notanumber") == nil)
        #expect(DSN(baseURL: "http://127.0.0.1:9000", publicKey: "abc", projectID: 7)?.description == "http://abc@127.0.0.1:9000/7")
    }

    @Test func extractorFindsKeyInEveryPlace() throws {
        #expect(try AuthExtractor.extract(sentryAuthHeader: "Sentry sentry_key=a, sentry_version=7", authorizationHeader: nil,
                                          query: [:], envelopeDSN: nil).publicKey == "a")
        #expect(try AuthExtractor.extract(sentryAuthHeader: nil, authorizationHeader: "Sentry sentry_key=b",
                                          query: [:], envelopeDSN: nil).publicKey == "b")
        #expect(try AuthExtractor.extract(sentryAuthHeader: nil, authorizationHeader: nil,
                                          query: ["sentry_key": "c", "sentry_version": "7"], envelopeDSN: nil).publicKey == "c")
        #expect(try AuthExtractor.extract(sentryAuthHeader: nil, authorizationHeader: nil,
                                          query: [:], envelopeDSN: "http://d@localhost:9000/1").publicKey == "d")
    }

    @Test func extractorRejectsMissingAndConflictingAuth() {
        #expect(throws: RelayError.self) {
            try AuthExtractor.extract(sentryAuthHeader: nil, authorizationHeader: nil, query: [:], envelopeDSN: nil)
        }
        do {
            _ = try AuthExtractor.extract(sentryAuthHeader: "Sentry sentry_key=a", authorizationHeader: nil,
                                          query: ["sentry_key": "b"], envelopeDSN: nil)
            Issue.record("conflicting keys were accepted")
        } catch {
            #expect(error.status == .unauthorized)
            #expect(error.detail == "multiple authorization payloads detected")
        }
        do {
            _ = try AuthExtractor.extract(sentryAuthHeader: nil, authorizationHeader: nil, query: [:], envelopeDSN: nil)
        } catch {
            #expect(error.status == .unauthorized)
            #expect(error.detail == "missing authorization information")
        }
    }
}

/// The byte-wise reading of ASCII auth headers must give the fields the Character-wise one gives.
@Suite struct AuthHeaderBytesTests {
    @Test func asciiHeadersReadAsTheCharacterWiseParserReadsThem() {
        let cases = [
            "Sentry sentry_key=abc, sentry_version=7, sentry_client=sentry.python/2.19.0",
            "  sentry   sentry_key = abc ,sentry_version=7", "SENTRY SENTRY_KEY=abc", "sentry_key=abc, sentry_version=7",
            "Sentry\tsentry_key=abc", "Sentry ", "Sentry", "", "   ", "Sentry sentry_key=", "Sentry =sentry_key=x",
            "Sentry ==sentry_key==x", "Sentry sentry_key==x", "Sentry sentry_key=a=b", "Sentry ,,sentry_key=a,,", "Sentry sentry_key=a, sentry_key=b",
            "Sentry \t sentry_key\t=\t a b \t, x", "Bearer xyz", "Sentryx sentry_key=a", "sentry_ sentry_key=a",
            "Sentry sentry_key=a\r\n, sentry_client=b\r\n", "Sentry sentry_key=a, =, ==, =b, c=",
        ]
        for header in cases {
            #expect(SentryAuth.asciiHeaderFields(header) == SentryAuth.unicodeHeaderFields(header), "\(header)")
        }
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("sentry_kyvSENTRYK =,\t\r\nab7.")
        for _ in 0..<5_000 {
            let header = String((0..<Int.random(in: 0..<40, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            let prefixed = Bool.random(using: &generator) ? "Sentry " + header : header
            #expect(SentryAuth.asciiHeaderFields(prefixed) == SentryAuth.unicodeHeaderFields(prefixed), "\(prefixed)")
        }
    }

    @Test func nonASCIIHeadersKeepTheCharacterWiseReading() {
        // U+212A KELVIN SIGN lowercases to "k": the Character-wise reading finds the key.
        #expect(SentryAuth.parseHeader("Sentry sentry_\u{212A}ey=abc")?.publicKey == "abc")
        #expect(SentryAuth.parseHeader("Sentry sentry_key=abc, sentry_client=caf\u{E9}")?.client == "caf\u{E9}")
    }
}
