/// The one error type of the artifact parsers: what is wrong with an uploaded file, in words an
/// uploader can act on (sentry-cli prints `detail`).
public struct ArtifactError: Error, Equatable, CustomStringConvertible, Sendable {
    public enum Kind: Sendable, Equatable {
        /// The file is malformed (not a ZIP, bad manifest, CRC mismatch, truncated).
        case malformed
        /// The file or one of its entries is larger than allowed.
        case tooLarge
        /// An entry's name is unsafe (absolute, `..`, NUL).
        case unsafePath
    }

    public let kind: Kind
    public let description: String

    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}
