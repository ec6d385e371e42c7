/// One exception of an event's (possibly chained) exception list.
public struct ExceptionValue: Sendable, Equatable {
    public var type: String?
    public var value: String?
    public var module: String?
    /// Frames oldest first, as Sentry SDKs send them (the crashing frame is last).
    public var frames: [StackFrame]
    /// Whether the exception carries a `stacktrace` at all (an empty one still counts).
    public var hasStacktrace: Bool
    /// The raw `mechanism` object (type, synthetic, exception_id, parent_id, meta…).
    public var mechanism: JSON?

    public init(type: String?, value: String?, module: String? = nil, frames: [StackFrame] = [],
                hasStacktrace: Bool? = nil, mechanism: JSON? = nil) {
        self.type = type
        self.value = value
        self.module = module
        self.frames = frames
        self.hasStacktrace = hasStacktrace ?? !frames.isEmpty
        self.mechanism = mechanism
    }

    init(_ json: JSON) {
        type = json["type"]?.string
        value = json["value"]?.string
        module = json["module"]?.string
        let stacktrace = json["stacktrace"].flatMap { $0.isNull ? nil : $0 }
        frames = stacktrace?["frames"]?.array?.filter { !$0.isNull }.map(StackFrame.init) ?? []
        hasStacktrace = stacktrace != nil
        mechanism = json["mechanism"].flatMap { $0.isNull ? nil : $0 }
    }

    public var isSynthetic: Bool { mechanism?["synthetic"]?.bool == true }
}
