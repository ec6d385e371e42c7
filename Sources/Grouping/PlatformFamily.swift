/// Sentry's behaviour families: rules and cleanups are written per family, not per platform.
enum PlatformFamily {
    static func of(_ platform: String?) -> String {
        switch platform {
        case "objc", "cocoa", "swift", "native", "c": return "native"
        case "javascript", "node": return "javascript"
        default: return "other"
        }
    }
}
