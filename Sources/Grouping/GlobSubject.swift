import GlobEngine

/// A string prepared once for matching against many globs: lower-cased and with `\` turned into
/// `/` as the globs of its kind expect, and its bytes when it can take the byte-level fast path.
/// Stack trace rules test every frame against dozens of globs, so the preparation is done per
/// frame, not per glob.
struct GlobSubject: Sendable, Equatable {
    /// The prepared text.
    let text: String
    /// The prepared text's bytes when every character of it is a single ASCII byte; nil sends
    /// matching down the character path.
    let ascii: [UInt8]?

    init(_ value: String, lowercase: Bool = false, pathNormalize: Bool = false) {
        let prepared = GlobText.prepare(value, lowercase: lowercase, pathNormalize: pathNormalize)
        text = prepared.text
        ascii = prepared.ascii
    }
}
