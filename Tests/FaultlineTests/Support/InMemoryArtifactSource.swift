import Processor

/// An `ArtifactSource` over dictionaries, for the symbolication tests (the processor's own reads
/// the blob store); counts its reads so tests can check each artifact is fetched once.
final class InMemoryArtifactSource: ArtifactSource {
    var byDebugID: [String: [UInt8]] = [:]
    /// Keyed by "release\u{0}dist\u{0}url".
    var releaseFiles: [String: [UInt8]] = [:]
    var mappings: [String: [UInt8]] = [:]
    private(set) var reads = 0

    func artifact(project: Int64, debugID: String, kind: ArtifactKind) -> [UInt8]? {
        reads += 1
        return kind == .sourceMap ? byDebugID[debugID.lowercased()] : nil
    }

    func releaseArtifact(project: Int64, release: String, dist: String?, url: String) -> [UInt8]? {
        reads += 1
        return releaseFiles["\(release)\u{0}\(dist ?? "")\u{0}\(url)"]
    }

    func proguardMapping(project: Int64, uuid: String) -> [UInt8]? {
        reads += 1
        return mappings[uuid]
    }

    func addReleaseFile(release: String, dist: String? = nil, url: String, _ bytes: [UInt8]) {
        releaseFiles["\(release)\u{0}\(dist ?? "")\u{0}\(url)"] = bytes
    }
}
