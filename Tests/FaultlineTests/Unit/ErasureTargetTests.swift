import EventModel
import Foundation
import Testing
@testable import Store

/// What an erasure request matches (docs/PEOPLE.md, "Erasure"): `ErasureTarget` and
/// `UserIdentities`, without a database.
@Suite struct ErasureTargetTests {
    static func event(_ text: String) throws -> [String: JSON] {
        guard case .object(let members) = try JSON.parse(Array(text.utf8)) else { throw StoreError.invalid("not an object") }
        return members
    }

    static let alice = """
        {"user": {"id": "alice-1", "email": "Alice@Example.com", "username": "alice", "ip_address": "10.1.2.3"},
         "request": {"env": {"REMOTE_ADDR": "2001:db8::1"}}, "tags": {"user": "email:carol@example.com"}}
        """

    @Test func eachKindMatchesItsFieldWithSentrysCaseRules() throws {
        let event = try Self.event(Self.alice)
        func target(_ kind: ErasureTarget.Kind, _ value: String) -> ErasureTarget { ErasureTarget(kind: kind, value: value)! }
        #expect(target(.id, "alice-1").matches(event: event))
        #expect(!target(.id, "ALICE-1").matches(event: event), "ids are exact")
        #expect(target(.email, "alice@example.com").matches(event: event), "emails in any case")
        #expect(target(.email, "ALICE@EXAMPLE.COM").matches(event: event))
        #expect(!target(.email, "alice@example.org").matches(event: event))
        #expect(target(.username, "alice").matches(event: event))
        #expect(!target(.username, "Alice").matches(event: event), "usernames are exact")
        #expect(target(.ip, "10.1.2.3").matches(event: event))
        #expect(!target(.ip, "10.1.2.30").matches(event: event))
        // The request's REMOTE_ADDR, in another text form of the same address.
        #expect(target(.ip, "2001:0db8:0000:0000:0000:0000:0000:0001").matches(event: event))
        // The `user` tag in Sentry's `kind:value` form.
        #expect(target(.email, "Carol@example.com").matches(event: event))
        #expect(!target(.id, "carol@example.com").matches(event: event), "a prefixed tag value is of its own kind")
        // A field name is not a value: asking for "alice" by id does not find the username.
        #expect(!target(.id, "alice").matches(event: event))
    }

    @Test func numericIdsBareTagsAndTheOtherTagFormsMatch() throws {
        let numeric = try Self.event(#"{"user": {"id": 42}}"#)
        #expect(ErasureTarget(kind: .id, value: "42")!.matches(event: numeric))
        let pairs = try Self.event(#"{"tags": [["sentry:user", "id:7"], ["other", "x"]]}"#)
        #expect(ErasureTarget(kind: .id, value: "7")!.matches(event: pairs))
        let bare = try Self.event(#"{"tags": {"user": "dave"}}"#)
        #expect(ErasureTarget(kind: .username, value: "dave")!.matches(event: bare))
        #expect(ErasureTarget(kind: .id, value: "dave")!.matches(event: bare))
        let lowerEnv = try Self.event(#"{"request": {"env": {"remote_addr": "::ffff:1.2.3.4"}}}"#)
        #expect(ErasureTarget(kind: .ip, value: "::ffff:1.2.3.4")!.matches(event: lowerEnv))
        // Nothing to match on: no user, no request, no tags; wrong types are ignored.
        #expect(!ErasureTarget(kind: .id, value: "42")!.matches(event: try Self.event(#"{"user": {"id": [42]}, "tags": 3}"#)))
        #expect(UserIdentities(event: try Self.event("{}")).isEmpty)
    }

    @Test func requestsForNothingOrTooMuchAreRefused() throws {
        #expect(ErasureTarget(kind: .email, value: "") == nil)
        #expect(ErasureTarget(kind: .id, value: String(repeating: "x", count: ErasureTarget.maxLength + 1)) == nil)
        #expect(throws: StoreError.self) { try ErasureTarget.one(of: [.id: "1", .email: "a@b.c"]) }
        #expect(throws: StoreError.self) { try ErasureTarget.one(of: [.id: nil]) }
        #expect(try ErasureTarget.one(of: [.id: nil, .ip: "10.0.0.1"]) == ErasureTarget(kind: .ip, value: "10.0.0.1"))
        // Text that is not an address is compared as given.
        #expect(ErasureTarget(kind: .ip, value: "not-an-ip")!.value == "not-an-ip")
    }

    @Test func theHashIsWhatTheProcessorComparesAndHidesTheIdentifier() throws {
        let event = try Self.event(Self.alice)
        let hashes = UserIdentities(event: event).hashes
        for (kind, value) in [(ErasureTarget.Kind.id, "alice-1"), (.email, "ALICE@example.com"), (.username, "alice"),
                              (.ip, "10.1.2.3"), (.ip, "2001:db8:0::1")] {
            let target = ErasureTarget(kind: kind, value: value)!
            #expect(hashes.contains(target.hash), "\(kind) \(value)")
            #expect(!target.hash.contains(value.lowercased()))
            #expect(target.hash.count == 64)
        }
        // Kinds are hashed apart: the same text as a username is another identifier.
        #expect(ErasureTarget(kind: .id, value: "alice")!.hash != ErasureTarget(kind: .username, value: "alice")!.hash)
        #expect(!hashes.contains(ErasureTarget(kind: .id, value: "bob")!.hash))
    }

    @Test func deadLettersMatchByTheirEventOrAsQuotedText() {
        let target = ErasureTarget(kind: .email, value: "alice@example.com")!
        let message = Array(#"{"client_ip":"10.9.9.9","v":1}"#.utf8) + [10] + Array(#"{"user":{"email":"ALICE@example.com"}}"#.utf8)
        #expect(target.matches(deadLetter: message))
        #expect(ErasureTarget(kind: .ip, value: "10.9.9.9")!.matches(deadLetter: message), "the client address of the metadata")
        #expect(!ErasureTarget(kind: .email, value: "bob@example.com")!.matches(deadLetter: message))
        // Not an ingest message: the value as a JSON string, email in any case.
        let broken = Array(#"garbage {"email": "Alice@Example.COM", "n": 42"#.utf8)
        #expect(target.matches(deadLetter: broken))
        #expect(!ErasureTarget(kind: .id, value: "42")!.matches(deadLetter: broken), "a bare number is not the id \"42\"")
        #expect(!target.matches(deadLetter: []))
    }

    @Test func theTextSearchFindsOverlappingPrefixesOnAdversarialInput() {
        // Many near-misses (linear time: Knuth-Morris-Pratt); a match after a long run of partial ones.
        let haystack = [UInt8](repeating: UInt8(ascii: "a"), count: 200_000)
        let needle = [UInt8](repeating: UInt8(ascii: "a"), count: 64) + [UInt8(ascii: "b")]
        #expect(!ErasureTarget.contains(haystack, needle, ignoringASCIICase: true))
        #expect(ErasureTarget.contains(haystack + needle, needle, ignoringASCIICase: false))
    }
}

extension ErasureTargetTests {
    @Test func theTextSearchAgreesWithANaiveOneOnSmallCases() {
        let alphabet: [UInt8] = [97, 98, 65]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let haystack = (0..<Int.random(in: 0...12, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
            let needle = (0..<Int.random(in: 1...4, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
            for ignoring in [false, true] {
                func fold(_ b: UInt8) -> UInt8 { ignoring && b == 65 ? 97 : b }
                let h = haystack.map(fold), n = needle.map(fold)
                let naive = h.count >= n.count && (0...(h.count - n.count)).contains { Array(h[$0..<($0 + n.count)]) == n }
                #expect(ErasureTarget.contains(haystack, needle, ignoringASCIICase: ignoring) == naive, "\(haystack) \(needle)")
            }
        }
    }
}
