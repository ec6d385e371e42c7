import EventModel

/// The `manifest.json` of an artifact bundle as `sentry-cli sourcemaps upload` writes it (a
/// symbolic source bundle): each archive path with its `url` (`~/app.min.js`), `type`
/// (`minified_source`, `source_map`, …) and `headers` (`debug-id`, `sourcemap`), and the
/// bundle's attributes (`release`, `dist`, `bundle_id`, `org`, `project`), at the top level or
/// under `attributes` depending on the writer's version.
public struct BundleManifest: Sendable, Equatable {
    public struct File: Sendable, Equatable {
        /// The entry's path in the archive.
        public let path: String
        public let url: String
        public let kind: String
        /// A valid debug ID, lower-case and hyphenated, or nil.
        public let debugID: String?
        /// The `sourcemap` header (a minified file's `sourceMappingURL`), if any.
        public let sourceMap: String?

        public init(path: String, url: String, kind: String, debugID: String?, sourceMap: String?) {
            self.path = path
            self.url = url
            self.kind = kind
            self.debugID = debugID
            self.sourceMap = sourceMap
        }
    }

    public let files: [File]
    public let release: String?
    public let dist: String?
    public let bundleID: String?

    public static let maxURLBytes = 4096

    public init(_ bytes: [UInt8]) throws(ArtifactError) {
        guard let root = try? JSON.parse(bytes), let members = root.object else {
            throw ArtifactError(.malformed, "manifest.json is not a JSON object")
        }
        let attributes = members["attributes"]?.object ?? [:]
        func attribute(_ key: String) -> String? {
            (attributes[key] ?? members[key])?.string.flatMap { $0.isEmpty ? nil : $0 }
        }
        release = attribute("release")
        dist = attribute("dist")
        bundleID = attribute("bundle_id").flatMap(DebugID.normalized)
        var files: [File] = []
        for (path, value) in (members["files"]?.object ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let info = value.object else { throw ArtifactError(.malformed, "manifest entry \(path) is not an object") }
            let url = info["url"]?.string ?? ""
            guard url.utf8.count <= Self.maxURLBytes else { throw ArtifactError(.malformed, "manifest entry \(path) has an overlong url") }
            // Header names are case-insensitive (`Sourcemap`, `debug-id`).
            var headers: [String: String] = [:]
            for (name, header) in info["headers"]?.object ?? [:] { if let text = header.string { headers[name.lowercased()] = text } }
            files.append(File(path: path, url: url, kind: info["type"]?.string ?? "",
                              debugID: headers["debug-id"].flatMap(DebugID.normalized),
                              sourceMap: headers["sourcemap"] ?? headers["x-sourcemap"]))
        }
        self.files = files
    }
}

/// Debug IDs and UUIDs as Sentry compares them: 32 hex digits, lower-case, hyphenated 8-4-4-4-12;
/// a native debug ID's age suffix (`…-1a`) is dropped.
public enum DebugID {
    public static func normalized(_ text: String) -> String? {
        var hex: [UInt8] = []
        hex.reserveCapacity(32)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "-"), UInt8(ascii: "{"), UInt8(ascii: "}"): continue
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"): hex.append(byte)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): hex.append(byte + 32)
            default: return nil
            }
            if hex.count > 40 { return nil }
        }
        guard hex.count >= 32 else { return nil }
        let digits = String(decoding: hex.prefix(32), as: UTF8.self)
        var result = ""
        for (index, character) in digits.enumerated() {
            if [8, 12, 16, 20].contains(index) { result.append("-") }
            result.append(character)
        }
        return result
    }
}
