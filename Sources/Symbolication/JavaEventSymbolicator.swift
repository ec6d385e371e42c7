import EventModel

/// The Java/Android part of an event's symbolication: the ProGuard/R8 mappings it names
/// (`debug_meta.images` of type `proguard`, by `uuid`), and deobfuscating its frames and
/// exception class names with them.
public enum JavaEventSymbolicator {
    /// The mapping UUIDs the event names, lower-case.
    public static func mappingUUIDs(_ event: [String: JSON]) -> [String] {
        var seen = Set<String>()
        return StackTraces.images(event).compactMap { image -> String? in
            guard image["type"]?.string == "proguard", let uuid = image["uuid"]?.string, uuid.utf8.count <= 64 else { return nil }
            let lower = uuid.lowercased()
            return seen.insert(lower).inserted ? lower : nil
        }
    }

    /// Deobfuscates with `mappings` (nil: the mapping was looked for and is not there; absent:
    /// not fetched in time, frames stay raw without an error).
    public static func apply(_ event: inout [String: JSON], _ mappings: [String: ProguardRemapper?]) {
        let uuids = mappingUUIDs(event)
        guard !uuids.isEmpty else { return }
        var errors: [SymbolicationError] = []
        var remappers: [ProguardRemapper] = []
        for uuid in uuids {
            switch mappings[uuid] {
            case .some(.some(let remapper)): remappers.append(remapper)
            case .some(.none): errors.append(.proguardMissingMapping(uuid: uuid))
            case .none: break
            }
        }
        guard !remappers.isEmpty else {
            SymbolicationError.append(errors, to: &event)
            return
        }
        var missingLine = false
        StackTraces.rewrite(&event) { stacktrace in
            guard case .array(let frames)? = stacktrace["frames"] else { return false }
            var output: [JSON] = []
            var changed = false
            for (index, frame) in frames.enumerated() {
                guard index < JavaScriptEventSymbolicator.frameLimit, case .object(let object) = frame,
                      let className = object["module"]?.string, let method = object["function"]?.string else {
                    output.append(frame)
                    continue
                }
                let line = object["lineno"]?.int.flatMap { $0 > 0 && $0 < Int64(Int32.max) ? Int($0) : nil }
                guard let remapped = remappers.lazy.map({ $0.remap(className: className, method: method, line: line) })
                    .first(where: { !$0.isEmpty }) else {
                    output.append(frame)
                    continue
                }
                if line == nil { missingLine = true }
                // Frames are oldest first; the remapper answers innermost first.
                for original in remapped.reversed() {
                    var rewritten = object
                    rewritten["module"] = .string(original.className)
                    rewritten["function"] = .string(original.method)
                    if let line = original.line { rewritten["lineno"] = .int(Int64(line)) }
                    if let file = original.sourceFile {
                        rewritten["filename"] = .string(file)
                        rewritten["abs_path"] = .string(file)
                    }
                    var data = rewritten["data"]?.object ?? [:]
                    data["deobfuscated"] = .bool(true)
                    rewritten["data"] = .object(data)
                    output.append(.object(rewritten))
                }
                changed = true
            }
            if changed { stacktrace["frames"] = .array(output) }
            return changed
        }
        remapExceptionTypes(&event, remappers)
        if missingLine, let uuid = uuids.first { errors.append(.proguardMissingLineno(uuid: uuid)) }
        SymbolicationError.append(errors, to: &event)
    }

    /// `exception.values[].module` + `.type` is the obfuscated class; both are replaced.
    static func remapExceptionTypes(_ event: inout [String: JSON], _ remappers: [ProguardRemapper]) {
        guard case .object(var exception)? = event["exception"], case .array(var values)? = exception["values"] else { return }
        for index in values.indices {
            guard case .object(var value) = values[index], let type = value["type"]?.string else { continue }
            let module = value["module"]?.string
            let obfuscated = module.map { $0.isEmpty ? type : $0 + "." + type } ?? type
            guard let original = remappers.firstNonNil({ $0.remapClass(obfuscated) }) else { continue }
            if let dot = original.lastIndex(of: ".") {
                value["module"] = .string(String(original[..<dot]))
                value["type"] = .string(String(original[original.index(after: dot)...]))
            } else {
                value.removeValue(forKey: "module")
                value["type"] = .string(original)
            }
            values[index] = .object(value)
        }
        exception["values"] = .array(values)
        event["exception"] = .object(exception)
    }
}
