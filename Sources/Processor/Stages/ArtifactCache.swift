import Foundation
import Symbolication

/// Parsed artifacts of one processor worker (each reads through its own connection): source maps, minified files' comments and
/// ProGuard mappings, read through an `ArtifactSource` and kept in a byte-bounded LRU, so a hot
/// release's map is fetched and parsed once per process, not once per event or batch. An
/// artifact found missing is remembered for `missingTTL` only: uploads often land after the
/// first events of a deploy. An artifact whose parsed form exceeds the whole budget serves the
/// batch that read it and is then remembered as too large for `tooLargeTTL`, so it is not read
/// and parsed again for every batch that names it (its frames stay raw meanwhile).
public final class ArtifactCache: @unchecked Sendable {
    enum Entry {
        case sourceMap(Result<SourceMap, SourceMapError>)
        case minified(MinifiedFile)
        case proguard(ProguardRemapper)
        case missing(until: ContinuousClock.Instant)
        case tooLarge(until: ContinuousClock.Instant)
    }

    /// What one processor worker's cache may hold (`ProcessorTopics`).
    public static let workerCapacityBytes = 128 << 20

    public let source: any ArtifactSource
    private let lru: ByteBoundedLRU<String, Entry>
    private let lock = NSLock()
    private let missingTTL: Duration
    private let tooLargeTTL: Duration
    private let capacityBytes: Int

    /// `capacityBytes`: what parsed artifacts may hold in memory, by their own estimate.
    public init(source: any ArtifactSource, capacityBytes: Int = 256 << 20, missingTTL: Duration = .seconds(30),
                tooLargeTTL: Duration = .seconds(600)) {
        self.source = source
        lru = ByteBoundedLRU(capacity: capacityBytes)
        self.capacityBytes = capacityBytes
        self.missingTTL = missingTTL
        self.tooLargeTTL = tooLargeTTL
    }

    public var cachedBytes: Int { lock.withLock { lru.bytes } }

    func sourceMap(project: Int64, debugID: String) -> Result<SourceMap, SourceMapError>? {
        cached("\(project)\u{0}d\u{0}\(debugID)") { source.artifact(project: project, debugID: debugID, kind: .sourceMap).map(Self.parseMap) }
            .flatMap { if case .sourceMap(let map) = $0 { return map } else { return nil } }
    }

    func sourceMap(project: Int64, release: String, dist: String?, url: String) -> Result<SourceMap, SourceMapError>? {
        cached("\(project)\u{0}r\u{0}\(release)\u{0}\(dist ?? "")\u{0}\(url)\u{0}map") {
            source.releaseArtifact(project: project, release: release, dist: dist, url: url).map(Self.parseMap)
        }.flatMap { if case .sourceMap(let map) = $0 { return map } else { return nil } }
    }

    func minifiedFile(project: Int64, release: String, dist: String?, url: String) -> MinifiedFile? {
        cached("\(project)\u{0}r\u{0}\(release)\u{0}\(dist ?? "")\u{0}\(url)\u{0}min") {
            source.releaseArtifact(project: project, release: release, dist: dist, url: url).map { .minified(MinifiedFile($0)) }
        }.flatMap { if case .minified(let file) = $0 { return file } else { return nil } }
    }

    func proguard(project: Int64, uuid: String) -> ProguardRemapper? {
        cached("\(project)\u{0}p\u{0}\(uuid)") {
            source.proguardMapping(project: project, uuid: uuid).map { .proguard(ProguardRemapper(ProguardMapping.parse($0))) }
        }.flatMap { if case .proguard(let remapper) = $0 { return remapper } else { return nil } }
    }

    private static func parseMap(_ bytes: [UInt8]) -> Entry {
        .sourceMap(Result { () throws(SourceMapError) in try SourceMapParser.parse(bytes) })
    }

    /// The entry under `key`, loading it with `load` (outside the lock: a fetch may be slow).
    private func cached(_ key: String, _ load: () -> Entry?) -> Entry? {
        let now = ContinuousClock.now
        if let entry = lock.withLock({ lru.value(key) }) {
            switch entry {
            case .missing(let until), .tooLarge(let until):
                if now < until { return nil }
            default:
                return entry
            }
        }
        guard let loaded = load() else {
            lock.withLock { lru.insert(key, .missing(until: now + missingTTL), bytes: key.utf8.count + 64) }
            return nil
        }
        let size = key.utf8.count + Self.size(loaded)
        if size > capacityBytes {
            lock.withLock { lru.insert(key, .tooLarge(until: now + tooLargeTTL), bytes: key.utf8.count + 64) }
        } else {
            lock.withLock { lru.insert(key, loaded, bytes: size) }
        }
        return loaded
    }

    private static func size(_ entry: Entry) -> Int {
        switch entry {
        case .sourceMap(.success(let map)): return map.approximateBytes
        case .sourceMap(.failure): return 256
        case .minified(let file): return file.approximateBytes
        case .proguard(let remapper): return remapper.mapping.approximateBytes
        case .missing, .tooLarge: return 64
        }
    }
}
