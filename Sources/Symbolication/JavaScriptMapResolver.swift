/// Finds the source map for a minified JavaScript file in Sentry's order: the debug ID the event
/// names for the file (`debug_meta.images` of type `sourcemap`); else the file uploaded for the
/// event's release and dist under one of its URL candidates (full URL, without query string,
/// `~/path`), then the map its debug ID comment or `sourceMappingURL` names (inline, or uploaded
/// under the URL candidates of that reference resolved against the file's URL).
/// Pure over its three lookups, which the stage backs with `ArtifactSource` and the cache.
public struct JavaScriptMapResolver {
    /// A parsed source map by debug ID; nil when none was uploaded.
    public var mapByDebugID: (String) -> Result<SourceMap, SourceMapError>?
    /// The release's minified file uploaded under a URL; nil when none (or no release).
    public var minifiedFile: (String) -> MinifiedFile?
    /// The release's source map uploaded under a URL; nil when none.
    public var mapByURL: (String) -> Result<SourceMap, SourceMapError>?
    public var hasRelease: Bool

    public init(hasRelease: Bool,
                mapByDebugID: @escaping (String) -> Result<SourceMap, SourceMapError>?,
                minifiedFile: @escaping (String) -> MinifiedFile?,
                mapByURL: @escaping (String) -> Result<SourceMap, SourceMapError>?) {
        self.hasRelease = hasRelease
        self.mapByDebugID = mapByDebugID
        self.minifiedFile = minifiedFile
        self.mapByURL = mapByURL
    }

    public func resolve(absPath: String, debugID: String?) -> JavaScriptMapResolution {
        if let debugID, let found = mapByDebugID(debugID) {
            return resolution(found, url: absPath + ".map", resolvedWith: "debug-id")
        }
        guard hasRelease else { return .failed([.noSource(url: absPath)]) }
        guard let minified = SourceURL.candidates(absPath).firstNonNil(minifiedFile) else {
            return .failed([.noSource(url: absPath)])
        }
        if let embeddedID = minified.debugID, let found = mapByDebugID(embeddedID) {
            let url = minified.sourceMappingURL.map { SourceURL.join(absPath, $0) } ?? absPath + ".map"
            return resolution(found, url: url, resolvedWith: "debug-id")
        }
        if let inline = minified.inlineMap { return resolution(inline, url: absPath, resolvedWith: "release") }
        // A file without a map reference is served as it is: nothing to resolve, nothing wrong.
        guard let reference = minified.sourceMappingURL else { return .failed([]) }
        let mapURL = SourceURL.join(absPath, reference)
        guard let found = SourceURL.candidates(mapURL).firstNonNil(mapByURL) else {
            return .failed([.noSource(url: mapURL)])
        }
        return resolution(found, url: mapURL, resolvedWith: "release")
    }

    private func resolution(_ found: Result<SourceMap, SourceMapError>, url: String, resolvedWith: String) -> JavaScriptMapResolution {
        switch found {
        case .success(let map): return .resolved(ResolvedSourceMap(map: map, url: url, resolvedWith: resolvedWith))
        case .failure: return .failed([.invalidSource(url: url)])
        }
    }
}

/// A minified file's source map as found, or why there is none.
public enum JavaScriptMapResolution: Sendable {
    case resolved(ResolvedSourceMap)
    case failed([SymbolicationError])
}

public struct ResolvedSourceMap: Sendable {
    public var map: SourceMap
    /// The map's URL as `data.sourcemap` shows it; sources resolve against it.
    public var url: String
    /// `data.resolved_with`: `debug-id` or `release`.
    public var resolvedWith: String
}
