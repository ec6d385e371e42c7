import EventModel
import Foundation

/// A release as Sentry's `ReleaseSerializer` writes it (what sentry-cli parses: `version`,
/// `dateCreated`, `newGroups`, `projects[].slug/name`, …). Absent values are written as `null`,
/// as Sentry does.
struct ReleaseJSON: Encodable, Sendable {
    struct Project: Encodable, Sendable {
        let id: Int64
        let slug: String
        let name: String
        let newGroups: Int64
        let platform: String?
        let platforms: [String]
        let hasHealthData = false

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(slug, forKey: .slug)
            try c.encode(name, forKey: .name)
            try c.encode(newGroups, forKey: .newGroups)
            try c.encode(platform, forKey: .platform)
            try c.encode(platforms, forKey: .platforms)
            try c.encode(hasHealthData, forKey: .hasHealthData)
        }

        enum CodingKeys: String, CodingKey { case id, slug, name, newGroups, platform, platforms, hasHealthData }
    }

    let id: Int64
    let version: String
    let status: String
    let ref: String?
    let url: String?
    let data: JSON
    let dateCreated: Date
    let dateReleased: Date?
    let firstEvent: Date?
    let lastEvent: Date?
    let newGroups: Int64
    let deployCount: Int64
    let lastDeploy: DeployJSON?
    let projects: [Project]
    var commitCount = 0
    /// The newest commit (`set-commits`), as Sentry's commit serializer writes it.
    var lastCommit: JSON?
    var authors: [JSON] = []

    enum CodingKeys: String, CodingKey {
        case id, version, shortVersion, status, versionInfo, ref, url, data, dateCreated, dateReleased, firstEvent,
             lastEvent, newGroups, owner, commitCount, lastCommit, deployCount, lastDeploy, authors, projects,
             currentProjectMeta, userAgent
    }

    func encode(to encoder: any Encoder) throws {
        let info = VersionInfo(version)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(version, forKey: .version)
        try c.encode(info.description, forKey: .shortVersion)
        try c.encode(status, forKey: .status)
        try c.encode(info, forKey: .versionInfo)
        try c.encode(ref, forKey: .ref)
        try c.encode(url, forKey: .url)
        try c.encode(data, forKey: .data)
        try c.encode(Timestamp.format(dateCreated), forKey: .dateCreated)
        try c.encode(dateReleased.map(Timestamp.format), forKey: .dateReleased)
        try c.encode(firstEvent.map(Timestamp.format), forKey: .firstEvent)
        try c.encode(lastEvent.map(Timestamp.format), forKey: .lastEvent)
        try c.encode(newGroups, forKey: .newGroups)
        try c.encode(String?.none, forKey: .owner)
        try c.encode(commitCount, forKey: .commitCount)
        try c.encode(lastCommit, forKey: .lastCommit)
        try c.encode(deployCount, forKey: .deployCount)
        try c.encode(lastDeploy, forKey: .lastDeploy)
        try c.encode(authors, forKey: .authors)
        try c.encode(projects, forKey: .projects)
        try c.encode([String: String](), forKey: .currentProjectMeta)
        try c.encode(String?.none, forKey: .userAgent)
    }
}

/// A deploy as Sentry writes it: `id` is a string, `dateFinished` is always set (sentry-cli's
/// `deploys list` panics without it).
struct DeployJSON: Encodable, Sendable {
    let id: Int64
    let environment: String
    let name: String?
    let url: String?
    let dateStarted: Date?
    let dateFinished: Date

    enum CodingKeys: String, CodingKey { case id, environment, name, url, dateStarted, dateFinished }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(String(id), forKey: .id)
        try c.encode(environment, forKey: .environment)
        try c.encode(name, forKey: .name)
        try c.encode(url, forKey: .url)
        try c.encode(dateStarted.map(Timestamp.format), forKey: .dateStarted)
        try c.encode(Timestamp.format(dateFinished), forKey: .dateFinished)
    }
}

/// Sentry's `versionInfo` of a release version (its release parser, simplified):
/// `package@version+build`, the version read as semver when it is one, a bare commit hash
/// shortened to 12 characters. `description` is also the release's `shortVersion`.
struct VersionInfo: Encodable, Equatable, Sendable {
    struct Semver: Equatable, Sendable {
        let major, minor, patch, revision: Int
        let pre, buildCode: String?
        let components: Int
    }

    struct Version: Encodable, Equatable, Sendable {
        let raw: String
        /// Semver components, when the version is one.
        var semver: Semver?

        enum CodingKeys: String, CodingKey { case raw, major, minor, patch, revision, pre, buildCode, components }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(raw, forKey: .raw)
            guard let semver else { return }
            try c.encode(semver.major, forKey: .major)
            try c.encode(semver.minor, forKey: .minor)
            try c.encode(semver.patch, forKey: .patch)
            try c.encode(semver.revision, forKey: .revision)
            try c.encode(semver.pre, forKey: .pre)
            try c.encode(semver.buildCode, forKey: .buildCode)
            try c.encode(semver.components, forKey: .components)
        }
    }

    let package: String?
    let version: Version
    let description: String
    let buildHash: String?

    enum CodingKeys: String, CodingKey { case package, version, description, buildHash }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(package, forKey: .package)
        try c.encode(version, forKey: .version)
        try c.encode(description, forKey: .description)
        try c.encode(buildHash, forKey: .buildHash)
    }

    init(_ text: String) {
        var package: String?
        var rest = Substring(text)
        if let at = text.firstIndex(of: "@"), at != text.startIndex, text.index(after: at) != text.endIndex {
            package = String(text[..<at])
            rest = text[text.index(after: at)...]
        }
        self.package = package
        if let semver = Self.semver(rest) {
            version = Version(raw: String(rest), semver: semver)
            if let build = semver.buildCode {
                description = "\(rest.prefix { $0 != "+" }) (\(build))"
            } else {
                description = String(rest)
            }
            buildHash = nil
        } else if Self.isHash(rest) {
            version = Version(raw: String(rest))
            description = String(rest.prefix(12))
            buildHash = String(rest)
        } else {
            version = Version(raw: String(rest))
            description = String(rest)
            buildHash = nil
        }
    }

    /// `1`, `1.2`, `1.2.3` or `1.2.3.4`, with an optional `-pre` and `+build`.
    static func semver(_ text: Substring) -> Semver? {
        var core = text
        var buildCode: String?
        if let plus = core.firstIndex(of: "+") {
            buildCode = String(core[core.index(after: plus)...])
            core = core[..<plus]
            if buildCode!.isEmpty { return nil }
        }
        var pre: String?
        if let dash = core.firstIndex(of: "-") {
            pre = String(core[core.index(after: dash)...])
            core = core[..<dash]
            if pre!.isEmpty { return nil }
        }
        let parts = core.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...4).contains(parts.count),
              parts.allSatisfy({ !$0.isEmpty && $0.count <= 9 && $0.allSatisfy(\.isASCIIDigit) }) else { return nil }
        let numbers = parts.map { Int($0)! } + Array(repeating: 0, count: 4 - parts.count)
        return Semver(major: numbers[0], minor: numbers[1], patch: numbers[2], revision: numbers[3], pre: pre,
                      buildCode: buildCode, components: parts.count)
    }

    static func isHash(_ text: Substring) -> Bool {
        (text.count == 40 || text.count == 64) && text.allSatisfy(\.isHexDigit)
    }
}

private extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
