import EventModel

/// The JavaScript part of an event's symbolication: which minified files its frames need
/// (`requests`, for the stage's `prepare`), and rewriting the frames with what was found (`apply`).
public enum JavaScriptEventSymbolicator {
    /// The minified file a frame points at, with the debug ID the event names for it.
    public struct Request: Hashable, Sendable {
        public var absPath: String
        public var debugID: String?
        public var release: String?
        public var dist: String?
    }

    /// At most this many frames per stack trace are symbolicated (Sentry's SDKs send 50–100);
    /// the rest stay raw, so a hostile event cannot make a batch arbitrarily slow.
    public static let frameLimit = 250

    public static func isJavaScript(_ event: [String: JSON]) -> Bool {
        let platform = event["platform"]?.string
        return platform == "javascript" || platform == "node"
    }

    /// The files an event's frames need, in frame order.
    public static func requests(_ event: [String: JSON]) -> [Request] {
        guard isJavaScript(event) else { return [] }
        let debugIDs = debugIDsByFile(event)
        let (release, dist) = releaseAndDist(event)
        var result: [Request] = []
        var seen = Set<Request>()
        var copy = event
        StackTraces.rewrite(&copy) { stacktrace in
            for frame in StackTraces.frames(stacktrace).prefix(frameLimit) {
                guard let object = frame.object, let absPath = candidatePath(object) else { continue }
                let request = Request(absPath: absPath, debugID: debugIDs[absPath], release: release, dist: dist)
                if seen.insert(request).inserted { result.append(request) }
            }
            return false
        }
        return result
    }

    /// Rewrites the event's frames with `resolutions` (what `prepare` found per request);
    /// requests missing from it (not fetched in time) leave their frames raw.
    public static func apply(_ event: inout [String: JSON], _ resolutions: [Request: JavaScriptMapResolution]) {
        guard isJavaScript(event) else { return }
        let debugIDs = debugIDsByFile(event)
        let (release, dist) = releaseAndDist(event)
        var errors: [SymbolicationError] = []
        StackTraces.rewrite(&event) { stacktrace in
            guard case .array(var frames)? = stacktrace["frames"] else { return false }
            var changed = false
            // Frames are oldest first: the frame before this one is its caller.
            var callerToken: String?
            for index in frames.indices.prefix(frameLimit) {
                guard case .object(var frame) = frames[index], let absPath = candidatePath(frame) else { callerToken = nil; continue }
                switch resolutions[Request(absPath: absPath, debugID: debugIDs[absPath], release: release, dist: dist)] {
                case .resolved(let resolved)?:
                    let nextCaller = JavaScriptFrameSymbolicator.tokenName(frame, resolved)
                    errors += JavaScriptFrameSymbolicator.symbolicate(&frame, absPath: absPath, with: resolved, callerTokenName: callerToken)
                    callerToken = nextCaller
                    frames[index] = .object(frame)
                    changed = true
                case .failed(let failures)?:
                    errors += failures
                    callerToken = nil
                case nil:
                    callerToken = nil
                }
            }
            if changed { stacktrace["frames"] = .array(frames) }
            return changed
        }
        SymbolicationError.append(errors, to: &event)
    }

    static func releaseAndDist(_ event: [String: JSON]) -> (String?, String?) {
        let release = event["release"]?.string.flatMap { $0.isEmpty ? nil : $0 }
        let dist = event["dist"]?.string.flatMap { $0.isEmpty ? nil : $0 }
        return (release, release == nil ? nil : dist)
    }

    /// `debug_meta.images` of type `sourcemap`: the minified file's URL (`code_file`) to its debug ID.
    static func debugIDsByFile(_ event: [String: JSON]) -> [String: String] {
        var result: [String: String] = [:]
        for image in StackTraces.images(event) where image["type"]?.string == "sourcemap" {
            if let file = image["code_file"]?.string, let id = image["debug_id"]?.string { result[file] = id.lowercased() }
        }
        return result
    }

    /// The frame's minified file, if it has a position and a path a file can be uploaded under
    /// (not `<anonymous>`, `[native code]`, `native`).
    static func candidatePath(_ frame: [String: JSON]) -> String? {
        guard JavaScriptFrameSymbolicator.position(frame) != nil, frame["data"]?["symbolicated"]?.bool != true,
              let path = frame["abs_path"]?.string ?? frame["filename"]?.string,
              !path.isEmpty, path.utf8.count <= 4096, path != "native", !path.hasPrefix("<"), !path.hasPrefix("[") else { return nil }
        return path
    }
}
