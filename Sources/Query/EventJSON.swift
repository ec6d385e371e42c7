import EventModel
import Foundation

/// Stored events in Sentry's API shape: `entries` (exception, threads, stacktrace, message,
/// breadcrumbs, request) with frames in camelCase, tags as `[{key, value}]`, the ids as strings, and
/// the stored `_meta` laid out as Sentry's API lays it out (`EventMetaJSON`).
enum EventJSON {
    static func full(_ event: EventRecord, previous: String? = nil, next: String? = nil) -> JSON {
        var json = summary(event)
        let payload = event.payload
        let entries = entries(payload)
        json["entries"] = .array(entries)
        json["contexts"] = payload["contexts"] ?? .object([:])
        json["sdk"] = payload["sdk"] ?? .null
        json["release"] = event.release.map { JSON.object(["version": .string($0), "shortVersion": .string($0)]) } ?? .null
        json["dist"] = payload["dist"] ?? .null
        json["fingerprints"] = payload["hashes"] ?? .array([])
        json["culprit"] = payload["culprit"] ?? .string("")
        // A payload that no longer parses (written around Faultline) still renders from the columns.
        json["errors"] = event.payloadReadable ? .array([])
            : .array([.object(["type": "invalid_data", "message": "The stored event payload could not be read."])])
        json["size"] = .int(Int64(event.size))
        json["packages"] = payload["modules"] ?? .object([:])
        json["extra"] = payload["extra"] ?? .object([:])
        json["previousEventID"] = previous.map(JSON.string) ?? .null
        json["nextEventID"] = next.map(JSON.string) ?? .null
        json["_meta"] = EventMetaJSON.api(payload, entryTypes: entries.map { $0["type"]?.string ?? "" },
                                          tagKeys: tagPairs(payload["tags"]).map(\.0))
        return .object(json)
    }

    static func summary(_ event: EventRecord) -> [String: JSON] {
        let payload = event.payload
        let tags = tagPairs(payload["tags"]).map { key, value in JSON.object(["key": .string(key), "value": value]) }
        return [
            "id": .string(event.eventID),
            "eventID": .string(event.eventID),
            "groupID": .string(String(event.issueID)),
            "projectID": .string(String(event.projectID)),
            "title": .string(event.title),
            "message": .string(message(payload) ?? ""),
            "type": .string(payload["exception"] == nil ? "default" : "error"),
            "platform": event.platform.map(JSON.string) ?? .null,
            "dateCreated": .string(Timestamp.format(event.timestamp)),
            "dateReceived": .string(Timestamp.format(event.received)),
            "tags": .array(tags),
            "user": payload["user"] ?? .null,
            "location": payload["culprit"] ?? .null,
            "metadata": metadata(payload),
            "environment": event.environment.map(JSON.string) ?? .null,
            "trace": event.traceID.map(JSON.string) ?? .null,
        ]
    }

    /// Tags as stored (an object or `[[key, value], …]`), sorted by key.
    static func tagPairs(_ tags: JSON?) -> [(String, JSON)] {
        pairs(tags).sorted { $0.0 < $1.0 }
    }

    /// Sentry's two forms of a string map (tags, headers): an object, or `[[key, value], …]`;
    /// anything else is empty.
    static func pairs(_ json: JSON?) -> [(String, JSON)] {
        json?.object.map { Array($0) } ?? (json?.array ?? []).compactMap { pair in
            guard let items = pair.array, items.count == 2, let key = items[0].string else { return nil }
            return (key, items[1])
        }
    }

    static func message(_ payload: [String: JSON]) -> String? {
        if let entry = payload["logentry"] { return entry["formatted"]?.string ?? entry["message"]?.string }
        return payload["message"]?.string ?? payload["message"]?["formatted"]?.string
    }

    static func metadata(_ payload: [String: JSON]) -> JSON {
        guard let last = (payload["exception"]?["values"]?.array ?? payload["exception"]?.array)?.last else {
            return .object(["title": payload["title"] ?? .null])
        }
        return .object(["type": last["type"] ?? .null, "value": last["value"] ?? .null, "title": payload["title"] ?? .null])
    }

    static func entries(_ payload: [String: JSON]) -> [JSON] {
        var entries: [JSON] = []
        if let values = payload["exception"]?["values"]?.array ?? payload["exception"]?.array {
            let converted = values.map(exception)
            let system = values.contains { value in
                (value["stacktrace"]?["frames"]?.array ?? []).contains { $0["in_app"]?.bool != true }
            }
            entries.append(entry("exception", ["values": .array(converted), "hasSystemFrames": .bool(system), "excOmitted": .null]))
        }
        if let threads = payload["threads"]?["values"]?.array ?? payload["threads"]?.array {
            entries.append(entry("threads", ["values": .array(threads.map(thread))]))
        }
        if let stacktrace = payload["stacktrace"] {
            entries.append(entry("stacktrace", stacktraceJSON(stacktrace).object ?? [:]))
        }
        if let text = message(payload) {
            entries.append(entry("message", ["formatted": .string(text), "message": payload["logentry"]?["message"] ?? .string(text),
                                             "params": payload["logentry"]?["params"] ?? .null]))
        }
        if let crumbs = payload["breadcrumbs"]?["values"]?.array ?? payload["breadcrumbs"]?.array {
            entries.append(entry("breadcrumbs", ["values": .array(crumbs.map(breadcrumb))]))
        }
        if case .object(let request)? = payload["request"] {
            var data = request
            if let query = request["query_string"] { data["query"] = query; data["query_string"] = nil }
            if let cookies = request["cookies"] { data["cookies"] = cookies }
            data["inferredContentType"] = request["headers"].flatMap(contentType) ?? .null
            entries.append(entry("request", data))
        }
        return entries
    }

    static func entry(_ type: String, _ data: [String: JSON]) -> JSON {
        .object(["type": .string(type), "data": .object(data)])
    }

    static func exception(_ value: JSON) -> JSON {
        .object([
            "type": value["type"] ?? .null, "value": value["value"] ?? .null, "module": value["module"] ?? .null,
            "mechanism": value["mechanism"] ?? .null, "threadId": value["thread_id"] ?? .null,
            "stacktrace": value["stacktrace"].map(stacktraceJSON) ?? .null,
            // The minified/obfuscated original the symbolication stage kept (docs/SYMBOLICATION.md).
            "rawStacktrace": value["raw_stacktrace"].map(stacktraceJSON) ?? .null,
        ])
    }

    static func thread(_ value: JSON) -> JSON {
        .object([
            "id": value["id"] ?? .null, "name": value["name"] ?? .null, "crashed": value["crashed"] ?? .bool(false),
            "current": value["current"] ?? .bool(false), "stacktrace": value["stacktrace"].map(stacktraceJSON) ?? .null,
            "rawStacktrace": value["raw_stacktrace"].map(stacktraceJSON) ?? .null,
        ])
    }

    static func stacktraceJSON(_ value: JSON) -> JSON {
        .object([
            "frames": .array((value["frames"]?.array ?? []).map(frame)),
            "framesOmitted": value["frames_omitted"] ?? .null, "registers": value["registers"] ?? .null,
            "hasSystemFrames": .bool((value["frames"]?.array ?? []).contains { $0["in_app"]?.bool != true }),
        ])
    }

    /// Sentry's API names frame fields in camelCase and folds the context lines into `[[line, text]]`.
    static func frame(_ value: JSON) -> JSON {
        let renamed = ["abs_path": "absPath", "in_app": "inApp", "lineno": "lineNo", "colno": "colNo",
                       "raw_function": "rawFunction", "instruction_addr": "instructionAddr", "symbol_addr": "symbolAddr",
                       "image_addr": "imageAddr"]
        var result: [String: JSON] = [:]
        for (key, member) in value.object ?? [:] where !["pre_context", "context_line", "post_context"].contains(key) {
            result[renamed[key] ?? key] = member
        }
        var context: [JSON] = []
        if let line = value["lineno"]?.int {
            // A stored line number may be anything up to Int64's bounds: the neighbours' numbers
            // saturate there instead of trapping.
            let before = value["pre_context"]?.array ?? []
            for (offset, text) in before.enumerated() {
                context.append([.int(Saturating.add(line, -Int64(before.count - offset))), text])
            }
            if let current = value["context_line"] { context.append([.int(line), current]) }
            for (offset, text) in (value["post_context"]?.array ?? []).enumerated() {
                context.append([.int(Saturating.add(line, Saturating.add(1, Int64(offset)))), text])
            }
        }
        result["context"] = .array(context)
        result["inApp"] = result["inApp"] ?? .bool(false)
        return .object(result)
    }

    static func breadcrumb(_ value: JSON) -> JSON {
        var result = value.object ?? [:]
        // Unix seconds become Sentry's date string; a number no date can hold (`1e300`) is
        // returned as stored.
        if let seconds = value["timestamp"]?.double, Timestamp.formattable.contains(seconds) {
            result["timestamp"] = .string(Timestamp.format(Date(timeIntervalSince1970: seconds)))
        }
        result["type"] = result["type"] ?? .string("default")
        result["event_id"] = nil
        return .object(result)
    }

    static func contentType(_ headers: JSON) -> JSON? {
        pairs(headers).first { $0.0.lowercased() == "content-type" }?.1
    }
}
