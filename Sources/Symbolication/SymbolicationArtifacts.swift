/// What the symbolication stage's `prepare` found for a batch, per project: each minified file's
/// source map (or why not) and each ProGuard mapping (nil: looked for, not there). `run` reads
/// only this, so it stays pure.
public struct SymbolicationArtifacts: Sendable {
    public var javascript: [Int64: [JavaScriptEventSymbolicator.Request: JavaScriptMapResolution]] = [:]
    public var proguard: [Int64: [String: ProguardRemapper?]] = [:]

    public init() {}
}
