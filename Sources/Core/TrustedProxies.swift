import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The proxies whose `X-Forwarded-For` the relay believes (`FAULTLINE_TRUSTED_PROXIES`:
/// comma-separated IPs and CIDRs, empty by default). Anyone else could write any address there,
/// so without a trusted peer the client is the peer itself.
public struct TrustedProxies: Sendable, Equatable {
    struct Network: Sendable, Equatable {
        let address: [UInt8]
        let prefix: Int

        func contains(_ other: [UInt8]) -> Bool {
            guard other.count == address.count else { return false }
            var remaining = prefix
            for (mine, theirs) in zip(address, other) where remaining > 0 {
                let bits = min(8, remaining)
                let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
                if mine & mask != theirs & mask { return false }
                remaining -= bits
            }
            return true
        }
    }

    let networks: [Network]

    public static let none = TrustedProxies(networks: [])

    init(networks: [Network]) { self.networks = networks }

    /// Parses `10.0.0.1, 192.168.0.0/16, fd00::/8`.
    public init(_ text: String) throws(ConfigError) {
        var networks: [Network] = []
        for entry in text.split(separator: ",") {
            let trimmed = entry.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            let parts = trimmed.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            guard let address = Self.bytes(String(parts[0])) else {
                throw ConfigError("FAULTLINE_TRUSTED_PROXIES: \(trimmed) is not an IP address or CIDR")
            }
            var prefix = address.count * 8
            if parts.count == 2 {
                guard let bits = Int(parts[1]), bits >= 0, bits <= prefix else {
                    throw ConfigError("FAULTLINE_TRUSTED_PROXIES: \(trimmed) has a bad prefix length")
                }
                prefix = bits
            }
            networks.append(Network(address: address, prefix: prefix))
        }
        self.networks = networks
    }

    public var isEmpty: Bool { networks.isEmpty }

    public func contains(_ ip: String) -> Bool {
        guard let address = Self.bytes(ip) else { return false }
        return networks.contains { $0.contains(address) }
    }

    /// The client's address: the peer, unless the peer is a trusted proxy; then the
    /// `X-Forwarded-For` chain is walked from the right past trusted proxies, and the first
    /// address that is not one is the client. An entry that is not an IP address ends the walk
    /// at the last address known good.
    public func clientIP(peer: String?, forwardedFor: String?) -> String? {
        guard let peer, let forwardedFor, contains(peer) else { return peer }
        var client = peer
        for entry in forwardedFor.split(separator: ",").reversed() {
            let candidate = entry.trimmingCharacters(in: .whitespaces)
            guard Self.bytes(candidate) != nil else { return client }
            client = candidate
            if !contains(candidate) { return candidate }
        }
        return client
    }

    /// The address's bytes (4 for IPv4, 16 for IPv6; IPv4-mapped IPv6 as IPv4), nil when it is none.
    static func bytes(_ text: String) -> [UInt8]? {
        guard !text.isEmpty, text.utf8.count <= 64 else { return nil }
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF { return Array(bytes[12...]) }
        return bytes
    }
}
