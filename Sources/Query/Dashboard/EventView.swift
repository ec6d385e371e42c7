import EventModel
import Foundation

/// The template context of one event (pure, total over any stored payload): exceptions with
/// their frames grouped into in-app frames and runs of system frames, the message, breadcrumbs,
/// and the request, user, contexts, SDK and tags as key–value sections. Values stay text; the
/// template escapes them. Sizes are bounded: a payload is already limited at ingestion, but a
/// page shows at most `maxFrames` frames per exception and `maxCrumbs` breadcrumbs.
enum EventView {
    static let maxFrames = 250
    static let maxCrumbs = 100
    static let maxText = 2000

    static func context(_ event: EventRecord, org: String, issueID: Int64) -> [String: Any] {
        let payload = event.payload
        var context: [String: Any] = ["eventID": event.eventID, "time": Timestamp.format(event.timestamp)]
        if let release = event.release { context["release"] = release }
        if let environment = event.environment { context["environment"] = environment }
        let exceptions = payload["exception"]?["values"]?.array ?? payload["exception"]?.array ?? []
        // The most recent exception (the last of the chain) first, as Sentry shows it.
        context["exceptions"] = exceptions.reversed().prefix(20).map { exception -> [String: Any] in
            var view: [String: Any] = ["type": exception["type"]?.string ?? "Error", "groups": groups(exception["stacktrace"])]
            if let value = exception["value"]?.string {
                // A long value is cut in the heading and shown whole below it.
                view["value"] = value.count > 300 ? String(value.prefix(300)) + "…" : value
                if value.count > 300 { view["fullValue"] = value }
            }
            if let mechanism = exception["mechanism"]?["type"]?.string {
                view["mechanism"] = mechanism + (exception["mechanism"]?["handled"]?.bool == false ? " (unhandled)" : "")
            }
            if let raw = exception["raw_stacktrace"], raw["frames"]?.array != nil {
                view["raw"] = ["frames": frames(raw).map(frame)]
            }
            return view
        }
        if let message = EventJSON.message(payload) { context["message"] = message }
        let crumbs = payload["breadcrumbs"]?["values"]?.array ?? payload["breadcrumbs"]?.array ?? []
        context["hasCrumbs"] = !crumbs.isEmpty
        context["crumbs"] = crumbs.suffix(maxCrumbs).reversed().map { crumb -> [String: Any] in
            var view: [String: Any] = [
                "time": crumb["timestamp"].map(time) ?? "", "level": crumb["level"]?.string ?? "info",
                "category": crumb["category"]?.string ?? crumb["type"]?.string ?? "", "message": crumb["message"]?.string ?? "",
            ]
            if let data = crumb["data"], data.object?.isEmpty == false { view["data"] = clip(data.encodedString()) }
            return view
        }
        context["sections"] = sections(payload)
        return context
    }

    /// Frames innermost first, in-app frames shown and each run of system frames one group
    /// (closed in the page). When no frame is in-app, every frame is shown.
    static func groups(_ stacktrace: JSON?) -> [[String: Any]] {
        let all = frames(stacktrace)
        let anyInApp = all.contains { $0["in_app"]?.bool == true }
        var groups: [[String: Any]] = []
        var run: [JSON] = [], runIsApp = true
        func flush() {
            if !run.isEmpty { groups.append(["app": runIsApp, "count": run.count, "frames": run.map(frame)]) }
            run = []
        }
        for frame in all {
            let isApp = !anyInApp || frame["in_app"]?.bool == true
            if isApp != runIsApp { flush(); runIsApp = isApp }
            run.append(frame)
        }
        flush()
        return groups
    }

    /// A stack trace's frames, innermost first (Sentry stores them outermost first), bounded.
    static func frames(_ stacktrace: JSON?) -> [JSON] {
        Array((stacktrace?["frames"]?.array ?? []).suffix(maxFrames).reversed())
    }

    static func frame(_ frame: JSON) -> [String: Any] {
        var view: [String: Any] = [
            "location": frame["filename"]?.string ?? frame["module"]?.string ?? frame["abs_path"]?.string ?? "?",
            "function": frame["function"]?.string ?? "?", "inApp": frame["in_app"]?.bool == true,
        ]
        let line = frame["lineno"]?.int
        if let line { view["line"] = line }
        if let column = frame["colno"]?.int { view["column"] = column }
        var context: [[String: Any]] = []
        let before = (frame["pre_context"]?.array ?? []).suffix(5).map { $0.string ?? "" }
        let after = (frame["post_context"]?.array ?? []).prefix(5).map { $0.string ?? "" }
        if let current = frame["context_line"]?.string {
            // Line numbers only when the frame gives one in range: no arithmetic that could trap.
            func number(_ offset: Int) -> String {
                guard let line, line > 5, line < Int64(Int32.max) else { return "" }
                return String(line + Int64(offset))
            }
            for (index, text) in before.enumerated() {
                context.append(["number": number(index - before.count), "code": clip(text), "current": false])
            }
            context.append(["number": number(0), "code": clip(current), "current": true])
            for (index, text) in after.enumerated() { context.append(["number": number(index + 1), "code": clip(text), "current": false]) }
        }
        view["hasContext"] = !context.isEmpty
        view["context"] = context
        let vars = (frame["vars"]?.object ?? [:]).sorted { $0.key < $1.key }.prefix(50)
        view["hasVars"] = !vars.isEmpty
        view["vars"] = vars.map { ["key": $0.key, "value": clip(display($0.value))] }
        return view
    }

    /// The request, user, contexts, SDK and tags as titled key–value lists.
    static func sections(_ payload: [String: JSON]) -> [[String: Any]] {
        var sections: [[String: Any]] = []
        func add(_ anchor: String, _ heading: String, _ object: [String: JSON]?) {
            guard let object, !object.isEmpty else { return }
            sections.append(["anchor": anchor, "heading": heading,
                             "pairs": object.sorted { $0.key < $1.key }.prefix(100).map { ["key": $0.key, "value": clip(display($0.value))] }])
        }
        add("request", "Request", payload["request"]?.object)
        add("user", "User", payload["user"]?.object)
        for (name, value) in (payload["contexts"]?.object ?? [:]).sorted(by: { $0.key < $1.key }).prefix(30) {
            add("context-\(anchorSafe(name))", "Context: \(name)", value.object)
        }
        add("sdk", "SDK", payload["sdk"]?.object.map { sdk in sdk.filter { ["name", "version"].contains($0.key) } })
        var tags: [String: JSON] = [:]
        if let object = payload["tags"]?.object { tags = object }
        for pair in payload["tags"]?.array ?? [] {
            if let key = pair.array?.first?.string, let value = pair.array?.dropFirst().first { tags[key] = value }
        }
        add("event-tags", "Tags", tags)
        return sections
    }

    /// A JSON value as one line of text: a string as it is, anything else as compact JSON.
    static func display(_ value: JSON) -> String {
        if let text = value.string { return text }
        return value.encodedString()
    }

    static func clip(_ text: String) -> String {
        text.utf8.count <= maxText * 4 && text.count <= maxText ? text : String(text.prefix(maxText)) + "…"
    }

    /// Letters, digits and `-` of a name, for an element id.
    static func anchorSafe(_ name: String) -> String {
        String(name.unicodeScalars.prefix(40).map { ($0.properties.isAlphabetic && $0.isASCII) || ("0"..."9").contains($0) ? Character($0) : "-" })
    }

    private static func time(_ value: JSON) -> String {
        if let text = value.string { return clip(text) }
        if let seconds = value.double, seconds.isFinite, abs(seconds) < 1e11 {
            return Timestamp.format(Date(timeIntervalSince1970: seconds))
        }
        return ""
    }
}
