import Crypto
import EventModel
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What a privacy request names: one end user of the SDKs (not a Faultline user) by one of
/// the identifiers Sentry's `user` interface carries. Pure: which stored event, incoming event
/// or dead letter is theirs is decided here, and unit-tested.
///
/// Matching rules (as Sentry's user fields are compared by its search):
/// - `id`: exact, case-sensitive (an opaque id; a number matches its decimal text);
/// - `email`: case-insensitive (ASCII/Unicode lowercase of both sides), otherwise exact;
/// - `username`: exact, case-sensitive;
/// - `ip`: the same address, whatever its text form (`::1` is `0:0:0:0:0:0:0:1`), in
///   `user.ip_address` and in the request's `env.REMOTE_ADDR` (what the SDKs and `{{auto}}` put
///   there); text that is not an address is compared exactly.
/// The `user` and `sentry:user` tags match too: a value `id:…`, `email:…`, `username:…` or
/// `ip:…` (Sentry's `sentry:user` form) by its kind, a bare value by the requested kind.
public struct ErasureTarget: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case id, email, username, ip
    }

    public let kind: Kind
    /// The identifier as it is compared (lowercased email, canonical address). Never stored.
    public let value: String

    /// Nil when the value is empty or longer than Sentry keeps a user field (a request for
    /// text no event can hold).
    public init?(kind: Kind, value: String) {
        guard !value.isEmpty, value.utf8.count <= Self.maxLength else { return nil }
        self.kind = kind
        self.value = Self.normalize(kind, value)
    }

    /// Sentry trims user fields far below this; the bound keeps a request's work small.
    public static let maxLength = 8192

    static func normalize(_ kind: Kind, _ value: String) -> String {
        switch kind {
        case .id, .username: return value
        case .email: return value.lowercased()
        case .ip: return canonicalAddress(value) ?? value
        }
    }

    /// What is stored instead of the identifier (the tombstone, the audit log): SHA-256 of the
    /// kind and the normalized value, hex. It lets a later event be recognized without keeping
    /// the identifier in clear; it does not resist a guess (hashing a candidate email and
    /// comparing), which only confirms what the guesser already knows.
    public var hash: String { Self.hash(kind, value) }

    static func hash(_ kind: Kind, _ normalized: String) -> String {
        let digest = SHA256.hash(data: Array("faultline-erasure\u{0}\(kind.rawValue)\u{0}\(normalized)".utf8))
        return digest.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }

    /// Whether the event (its JSON object, as stored or as the processor holds it) is about
    /// this user.
    public func matches(event: [String: JSON]) -> Bool {
        UserIdentities(event: event).contains(self)
    }

    /// The text searched for in a dead letter that is not a readable ingest message: the value
    /// as a JSON string, quotes included, so `42` does not match every number 42.
    public var quotedNeedle: [UInt8] { Array(JSON.string(value).encodedString().utf8) }

    /// Whether a dead letter's raw bytes are about this user: a readable ingest message by its
    /// event and the client address of its metadata, anything else by `quotedNeedle`
    /// (case-insensitively for an email).
    public func matches(deadLetter bytes: [UInt8]) -> Bool {
        if let newline = bytes.firstIndex(of: UInt8(ascii: "\n")),
           case .object(let metadata)? = try? JSON.parse(Array(bytes[..<newline])),
           case .object(let event)? = try? JSON.parse(Array(bytes[(newline + 1)...])) {
            if kind == .ip, let client = metadata["client_ip"]?.string, Self.normalize(.ip, client) == value { return true }
            return matches(event: event)
        }
        return Self.contains(bytes, quotedNeedle, ignoringASCIICase: kind == .email)
    }

    /// Whether `needle` occurs in `haystack`: Knuth-Morris-Pratt, so time is linear in both
    /// whatever the bytes (a dead letter is hostile input).
    static func contains(_ haystack: [UInt8], _ needle: [UInt8], ignoringASCIICase: Bool) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        func fold(_ byte: UInt8) -> UInt8 { ignoringASCIICase && byte >= 65 && byte <= 90 ? byte + 32 : byte }
        let pattern = needle.map(fold)
        // failure[i]: the length of the longest proper border of pattern[0...i].
        var failure = [Int](repeating: 0, count: pattern.count)
        var border = 0
        for index in 1..<pattern.count {
            while border > 0 && pattern[index] != pattern[border] { border = failure[border - 1] }
            if pattern[index] == pattern[border] { border += 1 }
            failure[index] = border
        }
        var matched = 0
        for byte in haystack {
            let folded = fold(byte)
            while matched > 0 && folded != pattern[matched] { matched = failure[matched - 1] }
            if folded == pattern[matched] { matched += 1 }
            if matched == pattern.count { return true }
        }
        return false
    }

    /// The canonical text of an IPv4 or IPv6 address; nil for anything else.
    static func canonicalAddress(_ text: String) -> String? {
        guard text.utf8.count <= 64 else { return nil }
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            var buffer = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
            guard inet_ntop(AF_INET, &v4, &buffer, socklen_t(buffer.count)) != nil else { return nil }
            return String(cString: buffer)
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            guard inet_ntop(AF_INET6, &v6, &buffer, socklen_t(buffer.count)) != nil else { return nil }
            return String(cString: buffer)
        }
        return nil
    }
}

/// Every identifier of an end user one event carries, normalized as `ErasureTarget` compares
/// them: what the processor checks against the organization's erasures before it stores an event.
public struct UserIdentities: Sendable, Equatable {
    public var ids: Set<String> = []
    public var emails: Set<String> = []
    public var usernames: Set<String> = []
    public var addresses: Set<String> = []

    public init() {}

    public init(event: [String: JSON]) {
        if case .object(let user)? = event["user"] {
            if let id = user["id"], let text = id.string ?? id.int.map(String.init) { add(.id, text) }
            if let email = user["email"]?.string { add(.email, email) }
            if let username = user["username"]?.string { add(.username, username) }
            if let address = user["ip_address"]?.string { add(.ip, address) }
        }
        if let address = Self.remoteAddress(event["request"]) { add(.ip, address) }
        for (key, value) in Self.tags(event["tags"]) where key == "user" || key == "sentry:user" {
            addTag(value)
        }
    }

    public var isEmpty: Bool { ids.isEmpty && emails.isEmpty && usernames.isEmpty && addresses.isEmpty }

    public func contains(_ target: ErasureTarget) -> Bool {
        switch target.kind {
        case .id: return ids.contains(target.value)
        case .email: return emails.contains(target.value)
        case .username: return usernames.contains(target.value)
        case .ip: return addresses.contains(target.value)
        }
    }

    /// The hashes of every identifier (as `ErasureTarget.hash`), to compare with stored erasures.
    public var hashes: Set<String> {
        var result = Set<String>()
        for id in ids { result.insert(ErasureTarget.hash(.id, id)) }
        for email in emails { result.insert(ErasureTarget.hash(.email, email)) }
        for username in usernames { result.insert(ErasureTarget.hash(.username, username)) }
        for address in addresses { result.insert(ErasureTarget.hash(.ip, address)) }
        return result
    }

    private mutating func add(_ kind: ErasureTarget.Kind, _ raw: String) {
        guard let target = ErasureTarget(kind: kind, value: raw) else { return }
        switch kind {
        case .id: ids.insert(target.value)
        case .email: emails.insert(target.value)
        case .username: usernames.insert(target.value)
        case .ip: addresses.insert(target.value)
        }
    }

    /// `id:…`, `email:…`, `username:…`, `ip:…` by their kind; a bare value could be any of them.
    private mutating func addTag(_ value: String) {
        for kind in ErasureTarget.Kind.allCases where value.hasPrefix("\(kind.rawValue):") {
            add(kind, String(value.dropFirst(kind.rawValue.count + 1)))
            return
        }
        for kind in ErasureTarget.Kind.allCases { add(kind, value) }
    }

    /// `request.env.REMOTE_ADDR`, whose key SDKs spell in either case.
    private static func remoteAddress(_ request: JSON?) -> String? {
        guard case .object(let env)? = request?["env"] else { return nil }
        return env.first { $0.key.uppercased() == "REMOTE_ADDR" }?.value.string
    }

    /// Tags in the object form (as stored) or the list-of-pairs form (as SDKs may send).
    private static func tags(_ value: JSON?) -> [(String, String)] {
        switch value {
        case .object(let members)?:
            return members.compactMap { key, value in value.string.map { (key, $0) } }
        case .array(let pairs)?:
            return pairs.compactMap { pair in
                guard let items = pair.array, items.count == 2, let key = items[0].string, let value = items[1].string else { return nil }
                return (key, value)
            }
        default:
            return []
        }
    }
}

extension ErasureTarget {
    /// The one identifier a request gives (the command's options, the API's fields).
    public static func one(of given: [Kind: String?]) throws(StoreError) -> ErasureTarget {
        let present = given.compactMap { kind, value in value.map { (kind, $0) } }
        guard present.count == 1, let (kind, value) = present.first else {
            throw StoreError.invalid("give exactly one of id, email, username, ip")
        }
        guard let target = ErasureTarget(kind: kind, value: value) else {
            throw StoreError.invalid("the \(kind.rawValue) is empty or longer than \(maxLength) bytes")
        }
        return target
    }
}
