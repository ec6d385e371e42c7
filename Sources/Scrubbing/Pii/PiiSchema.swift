/// The part of Sentry's event schema PII rules depend on: each field's value type (`$user`,
/// `$frame`, …) and whether rules may touch it (`pii`: yes, only with a selector naming it —
/// "maybe" — or never). Learned from `sentry-relay`'s answers (bench/parity/settings_cases.py).
enum PiiSchema: Sendable {
    case event, logentry, user, geo, request, exceptions, exceptionList, exception, mechanism, stacktrace, frames, frame
    case threads, threadList, thread, breadcrumbs, breadcrumbList, breadcrumb, contexts, debugMeta, images, image
    /// Free-form data (extra, vars, request data, …): everything in it is scrubbable.
    case free
    /// `[name, value]` pairs (headers, cookies, query string): values addressed by their name.
    case pairs
    /// Fields no rule touches.
    case opaque

    enum Pii: Sendable { case yes, maybe, no }

    /// The type the value itself has besides its JSON type.
    var structType: PiiValueTypes {
        switch self {
        case .event: return PiiValueTypes(.event)
        case .logentry: return PiiValueTypes(.logentry)
        case .user: return PiiValueTypes(.user)
        case .request: return PiiValueTypes(.http)
        case .exception: return PiiValueTypes(.error)
        case .stacktrace: return PiiValueTypes(.stacktrace)
        case .frame: return PiiValueTypes(.frame)
        case .thread: return PiiValueTypes(.thread)
        case .breadcrumb: return PiiValueTypes(.breadcrumb)
        default: return []
        }
    }

    /// Whether rules see the container itself (free-form data does; structures do not).
    var isFreeForm: Bool { self == .free || self == .pairs }

    static let knownContexts: Set<String> = ["os", "runtime", "device", "browser", "app", "gpu", "trace", "culture",
                                             "cloud_resource", "response", "otel", "profile", "replay", "monitor",
                                             "reprocessing", "flags", "state", "nel", "performance_score", "user_report_v2",
                                             "spring", "ota_updates", "chromium_stability_report"]

    /// The schema of the member `key` (or an element, when `key` is nil) and its PII level.
    func child(_ key: String?) -> (PiiSchema, Pii) {
        switch self {
        case .event:
            switch key ?? "" {
            case "logentry": return (.logentry, .no)
            case "user": return (.user, .no)
            case "request": return (.request, .no)
            case "exception": return (.exceptions, .no)
            case "threads": return (.threads, .no)
            case "breadcrumbs": return (.breadcrumbs, .no)
            case "stacktrace": return (.stacktrace, .no)
            case "extra": return (.free, .yes)
            case "contexts": return (.contexts, .no)
            case "debug_meta": return (.debugMeta, .no)
            case "culprit": return (.opaque, .maybe)
            default: return (.opaque, .no)
            }
        case .logentry:
            switch key ?? "" {
            // The template (`message`) is never scrubbed: sentry-relay 0.10.1 leaves it even to a
            // selector naming it (`$logentry.message`); the formatted text and params are.
            case "formatted": return (.opaque, .yes)
            case "params": return (.free, .yes)
            default: return (.opaque, .no)
            }
        case .user:
            switch key ?? "" {
            case "geo": return (.geo, .no)
            case "data": return (.free, .yes)
            default: return (.free, .yes)
            }
        case .geo: return (.opaque, .yes)
        case .request:
            switch key ?? "" {
            case "url": return (.opaque, .maybe)
            case "data", "env": return (.free, .yes)
            case "query_string", "cookies", "headers": return (.pairs, .yes)
            case "fragment": return (.opaque, .yes)
            default: return (.opaque, .no)
            }
        case .exceptions: return key == "values" ? (.exceptionList, .no) : (.opaque, .no)
        case .exceptionList: return key == nil ? (.exception, .no) : (.opaque, .no)
        case .exception:
            switch key ?? "" {
            case "value": return (.opaque, .yes)
            case "mechanism": return (.mechanism, .no)
            case "stacktrace", "raw_stacktrace": return (.stacktrace, .no)
            default: return (.opaque, .no)
            }
        case .mechanism: return key == "data" ? (.free, .yes) : (.opaque, .no)
        case .stacktrace: return key == "frames" ? (.frames, .no) : (.opaque, .no)
        case .frames: return key == nil ? (.frame, .no) : (.opaque, .no)
        case .frame:
            switch key ?? "" {
            case "vars": return (.free, .yes)
            case "abs_path", "module": return (.opaque, .maybe)
            default: return (.opaque, .no)
            }
        case .threads: return key == "values" ? (.threadList, .no) : (.opaque, .no)
        case .threadList: return key == nil ? (.thread, .no) : (.opaque, .no)
        case .thread: return key == "stacktrace" ? (.stacktrace, .no) : (.opaque, .no)
        case .breadcrumbs: return key == "values" ? (.breadcrumbList, .no) : (.opaque, .no)
        case .breadcrumbList: return key == nil ? (.breadcrumb, .no) : (.opaque, .no)
        case .breadcrumb:
            switch key ?? "" {
            case "message": return (.opaque, .yes)
            case "data": return (.free, .yes)
            default: return (.opaque, .no)
            }
        case .contexts:
            guard let key else { return (.opaque, .no) }
            return Self.knownContexts.contains(key) ? (.opaque, .no) : (.free, .yes)
        case .debugMeta: return key == "images" ? (.images, .no) : (.opaque, .no)
        case .images: return key == nil ? (.image, .no) : (.opaque, .no)
        case .image: return key == "code_file" || key == "debug_file" ? (.opaque, .maybe) : (.opaque, .no)
        case .free: return (.free, .yes)
        case .pairs: return (.free, .yes)
        case .opaque: return (.opaque, .no)
        }
    }
}
