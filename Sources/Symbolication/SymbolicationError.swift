import EventModel

/// An entry of the event's `errors` list in Sentry's terms: why a frame stayed raw.
public struct SymbolicationError: Sendable, Hashable {
    public var type: String
    public var data: [String: JSON]

    public static func noSource(url: String) -> Self { Self(type: "js_no_source", data: ["url": .string(url)]) }
    public static func invalidSource(url: String) -> Self { Self(type: "js_invalid_source", data: ["url": .string(url)]) }
    public static func missingSourceContent(source: String, sourcemap: String) -> Self {
        Self(type: "js_missing_source_content", data: ["source": .string(source), "sourcemap": .string(sourcemap)])
    }
    public static func invalidLocation(row: Int64, column: Int64, source: String) -> Self {
        Self(type: "js_invalid_sourcemap_location", data: ["row": .int(row), "column": .int(column), "source": .string(source)])
    }
    public static func fetchTimeout(url: String) -> Self { Self(type: "js_fetch_timeout", data: ["url": .string(url)]) }
    public static func proguardMissingMapping(uuid: String) -> Self {
        Self(type: "proguard_missing_mapping", data: ["mapping_uuid": .string(uuid)])
    }
    public static func proguardMissingLineno(uuid: String) -> Self {
        Self(type: "proguard_missing_lineno", data: ["mapping_uuid": .string(uuid)])
    }

    public var json: JSON {
        var object = data
        object["type"] = .string(type)
        return .object(object)
    }

    /// Appends `errors` to the event's `errors` list, each once.
    public static func append(_ errors: [SymbolicationError], to event: inout [String: JSON]) {
        guard !errors.isEmpty else { return }
        var list = event["errors"]?.array ?? []
        var seen = Set(list)
        for error in errors where seen.insert(error.json).inserted { list.append(error.json) }
        event["errors"] = .array(list)
    }
}
