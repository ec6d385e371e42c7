/// One exception of an event's (possibly chained) exception list.
public struct ExceptionValue: Sendable, Equatable {
    public var type: String?
    public var value: String?
    public var module: String?
    /// Frames oldest first, as Sentry SDKs send them (the crashing frame is last).
    public var frames: [StackFrame]

    public init(type: String?, value: String?, module: String? = nil, frames: [StackFrame] = []) {
        self.type = type
        self.value = value
        self.module = module
        self.frames = frames
    }

    init(_ json: JSON) {
        type = json["type"]?.string
        value = json["value"]?.string
        module = json["module"]?.string
        frames = json["stacktrace"]?["frames"]?.array?.map(StackFrame.init) ?? []
    }
}
