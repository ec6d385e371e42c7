/// What grouping derives from one event: the hashes that name its issue (primary first),
/// and how the issue is titled.
public struct GroupingResult: Sendable, Equatable, Codable {
    /// The contributing variants' hashes, as Sentry lists them: every variant but `system` in
    /// order, then `system`. Two variants can hash alike (Sentry then lists the hash twice).
    public var hashes: [String]
    public var title: String
    public var culprit: String
    /// `error` for exceptions, `default` for messages, as Sentry's issue types.
    public var type: String
    /// Exception type and value (or message) shown in issue lists.
    public var metadataType: String?
    public var metadataValue: String?
    /// Every variant, contributing or not, with its component tree (not encoded).
    public var variants: [GroupingVariant]

    public init(hashes: [String], title: String, culprit: String, type: String,
                metadataType: String? = nil, metadataValue: String? = nil, variants: [GroupingVariant] = []) {
        self.hashes = hashes
        self.title = title
        self.culprit = culprit
        self.type = type
        self.metadataType = metadataType
        self.metadataValue = metadataValue
        self.variants = variants
    }

    enum CodingKeys: String, CodingKey { case hashes, title, culprit, type, metadataType, metadataValue }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        hashes = try container.decode([String].self, forKey: .hashes)
        title = try container.decode(String.self, forKey: .title)
        culprit = try container.decode(String.self, forKey: .culprit)
        type = try container.decode(String.self, forKey: .type)
        metadataType = try container.decodeIfPresent(String.self, forKey: .metadataType)
        metadataValue = try container.decodeIfPresent(String.self, forKey: .metadataValue)
        variants = []
    }
}
