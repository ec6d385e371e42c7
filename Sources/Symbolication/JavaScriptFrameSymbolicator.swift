import EventModel

/// Rewrites one minified JavaScript frame to its original position with Sentry's fields:
/// `abs_path`, `filename`, `module`, 1-based `lineno`/`colno`, `function`, source context,
/// `in_app`, and `data.sourcemap`/`data.resolved_with`/`data.symbolicated`.
public enum JavaScriptFrameSymbolicator {
    /// Function names that say nothing; a better one is looked for (as Sentry does).
    static let uselessNames: Set<String> = ["<anonymous>", "__webpack_require__", "__webpack_modules__"]

    /// The frame's position (1-based line and column), if it has a usable one.
    public static func position(_ frame: [String: JSON]) -> (line: Int64, column: Int64)? {
        guard let line = frame["lineno"]?.int, let column = frame["colno"]?.int, line >= 1, column >= 1,
              line <= Int64(UInt32.max), column <= Int64(UInt32.max) else { return nil }
        return (line, column)
    }

    /// The mapping's `name` at the frame's position (used for the callee's name, one frame deeper).
    public static func tokenName(_ frame: [String: JSON], _ resolved: ResolvedSourceMap) -> String? {
        guard let (line, column) = position(frame) else { return nil }
        return resolved.map.lookup(line: Int(line - 1), column: Int(column - 1))?.name
    }

    /// `callerTokenName`: the mapping name at the calling frame's position, which usually names
    /// this frame's function. Returns the errors for this frame.
    public static func symbolicate(_ frame: inout [String: JSON], absPath: String, with resolved: ResolvedSourceMap,
                                   callerTokenName: String?) -> [SymbolicationError] {
        guard let (line, column) = position(frame) else { return [] }
        guard let location = resolved.map.lookup(line: Int(line - 1), column: Int(column - 1)) else {
            return [.invalidLocation(row: line, column: column, source: absPath)]
        }
        var errors: [SymbolicationError] = []
        let base = resolved.url.hasPrefix("data:") ? absPath : resolved.url
        let resolvedPath = SourceURL.join(base, location.source)
        var filename = location.source
        var module: String?
        if resolvedPath.hasPrefix("webpack:") {
            filename = JavaScriptModule.webpackFilename(location.source)
            module = JavaScriptModule.generate(filename)
        } else if resolvedPath.hasPrefix("app:") {
            filename = String(SourceURL.split(resolvedPath).path)
            module = JavaScriptModule.generate(filename)
        } else if SourceURL.isAbsolute(resolvedPath) {
            filename = String(SourceURL.split(resolvedPath).path)
            module = JavaScriptModule.generate(resolvedPath)
        }
        frame["abs_path"] = .string(resolvedPath)
        frame["filename"] = .string(filename)
        if let module { frame["module"] = .string(module) } else { frame.removeValue(forKey: "module") }
        frame["lineno"] = .int(Int64(location.line) + 1)
        frame["colno"] = .int(Int64(location.column) + 1)
        if let inApp = JavaScriptModule.isInApp(absPath: resolvedPath, filename: filename) { frame["in_app"] = .bool(inApp) }

        let content = resolved.map.content(of: location.sourceIndex)
        if let content, let context = SourceContext.around(content, line: location.line, column: location.column) {
            frame["pre_context"] = .array(context.pre.map(JSON.string))
            frame["context_line"] = .string(context.line)
            frame["post_context"] = .array(context.post.map(JSON.string))
        } else {
            frame.removeValue(forKey: "pre_context")
            frame.removeValue(forKey: "context_line")
            frame.removeValue(forKey: "post_context")
            if content == nil { errors.append(.missingSourceContent(source: resolvedPath, sourcemap: resolved.url)) }
        }

        // The enclosing function in the original source, else the name the caller's call site
        // maps to, else what the minified frame said.
        let enclosing = content.flatMap { EnclosingFunction.name(in: $0, line: location.line, column: location.column) }
        if let name = [enclosing, callerTokenName].compactMap({ $0 }).first(where: { !uselessNames.contains($0) && !$0.isEmpty }) {
            frame["function"] = .string(name)
        }

        var data = frame["data"]?.object ?? [:]
        data["sourcemap"] = .string(resolved.url)
        data["resolved_with"] = .string(resolved.resolvedWith)
        data["symbolicated"] = .bool(true)
        frame["data"] = .object(data)
        return errors
    }
}
