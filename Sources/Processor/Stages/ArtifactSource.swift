/// Where the symbolication stage reads what `sentry-cli` uploaded (the processor: the blob store
/// through the artifact tables; tests: an in-memory source). Called from a stage's `prepare`, once
/// per artifact a batch needs; answers nil for what is not there. Implementations bound what they
/// return (the blob store's per-file limit) and never throw: a missing or unreadable artifact
/// leaves the frames raw, with an error on the event, and the event goes on.
public protocol ArtifactSource: AnyObject {
    /// A file of `project`'s artifact bundles by its debug ID (`debug_meta.images[].debug_id`):
    /// the source map, or the minified source carrying that debug ID.
    func artifact(project: Int64, debugID: String, kind: ArtifactKind) -> [UInt8]?

    /// A file uploaded for `release` (and `dist`, nil for none) under `url`: an artifact bundle's
    /// `url` in its manifest, or a legacy release file's name (`~/static/app.min.js`, full URLs).
    /// The caller tries its candidates in Sentry's order.
    func releaseArtifact(project: Int64, release: String, dist: String?, url: String) -> [UInt8]?

    /// A ProGuard/R8 mapping file uploaded as a debug file, by its UUID (lower-case, hyphenated).
    func proguardMapping(project: Int64, uuid: String) -> [UInt8]?
}

/// The kinds of file an artifact bundle's manifest names (its `type`).
public enum ArtifactKind: String, Sendable, CaseIterable {
    case sourceMap = "source_map"
    case minifiedSource = "minified_source"
    case source = "source"
    case indexedRAMBundle = "indexed_ram_bundle"
}
