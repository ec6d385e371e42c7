import Mustache

/// The dashboard's mustache templates, compiled into the binary as string constants (no
/// resource bundle to ship beside it), parsed once. `{{name}}` escapes for HTML: event data,
/// which is hostile, only ever goes through it; `{{{name}}}` is kept for HTML the dashboard
/// itself rendered (a page's content in the layout, a server-made SVG chart).
enum DashboardTemplates {
    static let sources: [(name: String, text: String)] = [
        ("layout", layout), ("projects", projects), ("stream", stream), ("issue", issue), ("event", event),
        ("events", events), ("frame", frame), ("members", members), ("auditLog", auditLog), ("message", message),
    ]

    /// Every template, parsed; a template that does not parse is a bug of this file (a unit test
    /// parses them all), so it stops the process the first time a page is drawn.
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        for (name, text) in sources {
            do { try library.register(text, named: name) } catch { preconditionFailure("dashboard template \(name): \(error)") }
        }
        return library
    }()

    /// The names of the templates that do not parse (a unit test expects none).
    static func unparsable() -> [String] {
        sources.filter { (try? MustacheTemplate(string: $0.text)) == nil }.map(\.name)
    }

    /// `template` rendered with `context` (dictionaries, arrays, strings, numbers, booleans).
    static func render(_ template: String, _ context: [String: Any]) -> String {
        library.render(context, withTemplate: template) ?? ""
    }
}
