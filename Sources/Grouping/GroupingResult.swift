/// What grouping derives from one event: the hashes that name its issue (primary first),
/// and how the issue is titled.
public struct GroupingResult: Sendable, Equatable, Codable {
    public var hashes: [String]
    public var title: String
    public var culprit: String
    /// `error` for exceptions, `default` for messages, as Sentry's issue types.
    public var type: String
    /// Exception type and value (or message) shown in issue lists.
    public var metadataType: String?
    public var metadataValue: String?

    public init(hashes: [String], title: String, culprit: String, type: String,
                metadataType: String? = nil, metadataValue: String? = nil) {
        self.hashes = hashes
        self.title = title
        self.culprit = culprit
        self.type = type
        self.metadataType = metadataType
        self.metadataValue = metadataValue
    }

    enum CodingKeys: String, CodingKey { case hashes, title, culprit, type, metadataType, metadataValue }
}
