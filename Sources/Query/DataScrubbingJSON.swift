import Foundation
import EventModel
import Scrubbing
import Store

/// The data-scrubbing fields of Sentry's project and organization details
/// (`dataScrubber`, `dataScrubberDefaults`, `scrubIPAddresses`, `sensitiveFields`, `safeFields`,
/// `relayPiiConfig`): their JSON, and a request body's changes applied to the stored row, each
/// field validated as Sentry's serializers do (an invalid `relayPiiConfig` is a 400 naming it).
struct DataScrubbingJSON: Encodable, Sendable {
    let dataScrubber: Bool
    let dataScrubberDefaults: Bool
    let scrubIPAddresses: Bool
    let sensitiveFields: [String]
    let safeFields: [String]
    let relayPiiConfig: String?

    init(_ row: DataScrubbingRow) {
        dataScrubber = row.scrubData
        dataScrubberDefaults = row.scrubDefaults
        scrubIPAddresses = row.scrubIPAddresses
        sensitiveFields = row.sensitiveFields
        safeFields = row.safeFields
        relayPiiConfig = row.piiConfig.isEmpty ? nil : row.piiConfig
    }

    enum CodingKeys: String, CodingKey {
        case dataScrubber, dataScrubberDefaults, scrubIPAddresses, sensitiveFields, safeFields, relayPiiConfig
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(dataScrubber, forKey: .dataScrubber)
        try container.encode(dataScrubberDefaults, forKey: .dataScrubberDefaults)
        try container.encode(scrubIPAddresses, forKey: .scrubIPAddresses)
        try container.encode(sensitiveFields, forKey: .sensitiveFields)
        try container.encode(safeFields, forKey: .safeFields)
        try container.encode(relayPiiConfig, forKey: .relayPiiConfig)  // null when none, as Sentry answers
    }

    static let maxFields = 200
    static let maxFieldLength = 200
    static let maxConfigLength = 256 * 1024

    static let fieldNames = ["dataScrubber", "dataScrubberDefaults", "scrubIPAddresses", "sensitiveFields", "safeFields",
                             "relayPiiConfig"]

    /// Whether the body changes any of these fields.
    static func touches(_ body: [String: JSON]) -> Bool {
        fieldNames.contains { body[$0] != nil }
    }

    /// What the audit log keeps of a change (`org.edit`, `project.edit`): the fields set and
    /// their new values, but not the PII config's text (up to 256 KiB), only that it changed.
    static func auditData(_ body: [String: JSON]) -> JSON {
        var data: [String: JSON] = [:]
        for name in fieldNames { if let value = body[name] { data[name] = name == "relayPiiConfig" ? .string("changed") : value } }
        return .object(data)
    }

    /// `row` with the body's fields applied.
    static func apply(_ body: [String: JSON], to row: DataScrubbingRow) throws(QueryError) -> DataScrubbingRow {
        var row = row
        if let value = body["dataScrubber"] { row.scrubData = try flag(value, "dataScrubber") }
        if let value = body["dataScrubberDefaults"] { row.scrubDefaults = try flag(value, "dataScrubberDefaults") }
        if let value = body["scrubIPAddresses"] { row.scrubIPAddresses = try flag(value, "scrubIPAddresses") }
        if let value = body["sensitiveFields"] { row.sensitiveFields = try fields(value, "sensitiveFields") }
        if let value = body["safeFields"] { row.safeFields = try fields(value, "safeFields") }
        if let value = body["relayPiiConfig"] {
            switch value {
            case .null: row.piiConfig = ""
            case .string(let text):
                guard text.utf8.count <= maxConfigLength else { throw QueryError.invalid("relayPiiConfig", "Ensure this field has no more than \(maxConfigLength) characters.") }
                if text.allSatisfy(\.isWhitespace) {
                    row.piiConfig = ""
                } else {
                    do { _ = try PiiConfig.parse(text) } catch { throw QueryError.invalid("relayPiiConfig", error.message) }
                    row.piiConfig = text
                }
            default: throw QueryError.invalid("relayPiiConfig", "Not a valid string.")
            }
        }
        return row
    }

    private static func flag(_ value: JSON, _ name: String) throws(QueryError) -> Bool {
        guard let flag = value.bool else { throw QueryError.invalid(name, "Must be a valid boolean.") }
        return flag
    }

    private static func fields(_ value: JSON, _ name: String) throws(QueryError) -> [String] {
        guard case .array(let items) = value else { throw QueryError.invalid(name, "Expected a list of items but got type \"\(value.typeName)\".") }
        guard items.count <= maxFields else { throw QueryError.invalid(name, "Ensure this field has no more than \(maxFields) elements.") }
        var result: [String] = []
        for item in items {
            guard let text = item.string else { throw QueryError.invalid(name, "Not a valid string.") }
            guard text.count <= maxFieldLength else { throw QueryError.invalid(name, "Ensure this field has no more than \(maxFieldLength) characters.") }
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if !trimmed.isEmpty { result.append(trimmed) }
        }
        return result
    }
}

/// A details response: the object's own fields, then the data-scrubbing ones.
struct WithDataScrubbing<Base: Encodable & Sendable>: Encodable, Sendable {
    let base: Base
    let scrubbing: DataScrubbingJSON

    func encode(to encoder: any Encoder) throws {
        try base.encode(to: encoder)
        try scrubbing.encode(to: encoder)
    }
}

extension JSON {
    var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "bool"
        case .int, .double: return "int"
        case .string: return "str"
        case .array: return "list"
        case .object: return "dict"
        }
    }
}
