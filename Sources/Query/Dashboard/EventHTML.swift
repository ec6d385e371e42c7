import EventModel

/// The dashboard's view of an event: exceptions with their frames, the message, the last 30
/// breadcrumbs. Pure, and total over any stored payload: every value is escaped text, and a
/// value of the wrong type is shown as absent.
enum EventHTML {
    static func render(_ event: EventRecord) -> String {
        var html = "<h3>Latest event <span class=\"muted\">\(HTML.escape(event.eventID)) · \(HTML.escape(Timestamp.format(event.timestamp)))</span></h3>"
        let exceptions = event.payload["exception"]?["values"]?.array ?? event.payload["exception"]?.array ?? []
        for exception in exceptions.reversed() {
            html += "<p><b>\(HTML.escape(exception["type"]?.string ?? "Error"))</b>: \(HTML.escape(exception["value"]?.string ?? ""))</p>"
            html += frames(exception["stacktrace"])
            // Symbolicated: the minified/obfuscated frames as they arrived, one click away.
            if let raw = exception["raw_stacktrace"], raw["frames"]?.array != nil {
                html += "<details><summary class=\"muted\">Raw stack trace (as sent, before symbolication)</summary>\(frames(raw))</details>"
            }
        }
        if let message = EventJSON.message(event.payload), exceptions.isEmpty { html += "<p>\(HTML.escape(message))</p>" }
        let crumbs = event.payload["breadcrumbs"]?["values"]?.array ?? event.payload["breadcrumbs"]?.array ?? []
        if !crumbs.isEmpty {
            html += "<h3>Breadcrumbs</h3><table><tr><th>Category</th><th>Message</th><th>Level</th></tr>"
            for crumb in crumbs.suffix(30) {
                html += "<tr><td>\(HTML.escape(crumb["category"]?.string ?? ""))</td><td>\(HTML.escape(crumb["message"]?.string ?? ""))</td><td>\(HTML.escape(crumb["level"]?.string ?? ""))</td></tr>"
            }
            html += "</table>"
        }
        return html
    }

    /// A stack trace's frames, innermost first.
    static func frames(_ stacktrace: JSON?) -> String {
        var html = ""
        for frame in (stacktrace?["frames"]?.array ?? []).reversed() {
            let location = frame["filename"]?.string ?? frame["module"]?.string ?? frame["abs_path"]?.string ?? "?"
            let line = frame["lineno"]?.int.map { ":\($0)" } ?? ""
            let column = frame["colno"]?.int.map { ":\($0)" } ?? ""
            let context = frame["context_line"]?.string.map { "<div class=\"ctx\">\(HTML.escape($0))</div>" } ?? ""
            html += "<div class=\"frame\(frame["in_app"]?.bool == true ? " app" : "")\">\(HTML.escape(location))\(line)\(column) in <b>\(HTML.escape(frame["function"]?.string ?? "?"))</b>\(context)</div>"
        }
        return html
    }
}
