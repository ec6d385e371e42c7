/// A project's inbound filters: events matching one are dropped by the relay with a `filtered`
/// outcome whose reason names the filter, as Sentry's relay names them.
///
/// The glob patterns are compiled once, when the filters are made or decoded (so once per
/// cached project config, not per event), and bounded then: at most `maxPatterns` of each kind,
/// each at most `maxPatternLength` characters; longer ones are dropped.
public struct InboundFilters: Sendable, Equatable, Codable {
    public static let maxPatterns = 100
    public static let maxPatternLength = 1_024

    public var errorMessages: [String] { didSet { errorMessagePatterns = Self.compile(errorMessages) } }
    public var releases: [String] { didSet { releasePatterns = Self.compile(releases) } }
    private var errorMessagePatterns: [GlobPattern]
    private var releasePatterns: [GlobPattern]
    public var localhost: Bool
    public var browserExtensions: Bool

    enum CodingKeys: String, CodingKey {
        case errorMessages = "error_messages"
        case releases
        case localhost
        case browserExtensions = "browser_extensions"
    }

    public init(errorMessages: [String] = [], releases: [String] = [], localhost: Bool = false, browserExtensions: Bool = false) {
        self.errorMessages = errorMessages
        self.releases = releases
        errorMessagePatterns = Self.compile(errorMessages)
        releasePatterns = Self.compile(releases)
        self.localhost = localhost
        self.browserExtensions = browserExtensions
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        errorMessages = try container.decodeIfPresent([String].self, forKey: .errorMessages) ?? []
        releases = try container.decodeIfPresent([String].self, forKey: .releases) ?? []
        localhost = try container.decodeIfPresent(Bool.self, forKey: .localhost) ?? false
        browserExtensions = try container.decodeIfPresent(Bool.self, forKey: .browserExtensions) ?? false
        errorMessagePatterns = Self.compile(errorMessages)
        releasePatterns = Self.compile(releases)
    }

    /// The patterns that are used: the first `maxPatterns` of those short enough.
    static func compile(_ patterns: [String]) -> [GlobPattern] {
        patterns.lazy.filter { $0.utf8.count <= maxPatternLength }.prefix(maxPatterns).map(GlobPattern.init)
    }

    /// How many patterns of each kind are in use, for tests.
    var compiledCounts: (errorMessages: Int, releases: Int) { (errorMessagePatterns.count, releasePatterns.count) }

    public var isEmpty: Bool { errorMessages.isEmpty && releases.isEmpty && !localhost && !browserExtensions }

    /// The facts of an event the filters look at.
    public struct Subject: Sendable {
        public var messages: [String]
        public var release: String?
        public var userIP: String?
        public var requestURL: String?
        public var frameURLs: [String]

        public init(messages: [String], release: String?, userIP: String?, requestURL: String?, frameURLs: [String]) {
            self.messages = messages
            self.release = release
            self.userIP = userIP
            self.requestURL = requestURL
            self.frameURLs = frameURLs
        }
    }

    /// The reason of the first filter that drops the event, or nil to keep it.
    public func reason(for subject: Subject) -> String? {
        if localhost && Self.isLocal(subject) { return "localhost" }
        if browserExtensions && Self.isBrowserExtension(subject) { return "browser-extensions" }
        if let release = subject.release, releasePatterns.contains(where: { $0.matches(release) }) {
            return "release-version"
        }
        if subject.messages.contains(where: { message in errorMessagePatterns.contains { $0.matches(message) } }) {
            return "error-message"
        }
        return nil
    }

    static func isLocal(_ subject: Subject) -> Bool {
        if let ip = subject.userIP, ip == "127.0.0.1" || ip == "::1" { return true }
        guard let url = subject.requestURL?.lowercased() else { return false }
        let host = url.split(separator: "/", omittingEmptySubsequences: true).dropFirst().first.map {
            String($0.split(separator: ":").first ?? "")
        } ?? ""
        return host == "localhost" || host == "127.0.0.1" || host.hasSuffix(".localhost")
    }

    static let extensionSchemes = ["chrome-extension://", "moz-extension://", "safari-extension://",
                                   "safari-web-extension://", "ms-browser-extension://"]
    static let extensionMessages = ["top.GLOBALS", "originalCreateNotification", "canvas.contentDocument",
                                    "MyApp_RemoveAllHighlights", "atomicFindClose", "conduitPage",
                                    "Can't find variable: ZiteReader", "jigsaw is not defined",
                                    "ComboSearch is not defined", "plugin.setSuspendState is not a function"]

    static func isBrowserExtension(_ subject: Subject) -> Bool {
        if subject.frameURLs.contains(where: { url in extensionSchemes.contains { url.lowercased().hasPrefix($0) } }) {
            return true
        }
        return subject.messages.contains { message in extensionMessages.contains { message.contains($0) } }
    }
}
