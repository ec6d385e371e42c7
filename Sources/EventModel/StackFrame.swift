/// The fields of a stack frame that grouping and display use.
public struct StackFrame: Sendable, Equatable {
    public var function: String?
    public var module: String?
    public var filename: String?
    public var absPath: String?
    public var lineno: Int64?
    public var contextLine: String?
    public var inApp: Bool?

    public init(function: String? = nil, module: String? = nil, filename: String? = nil, absPath: String? = nil,
                lineno: Int64? = nil, contextLine: String? = nil, inApp: Bool? = nil) {
        self.function = function
        self.module = module
        self.filename = filename
        self.absPath = absPath
        self.lineno = lineno
        self.contextLine = contextLine
        self.inApp = inApp
    }

    init(_ json: JSON) {
        function = json["function"]?.string
        module = json["module"]?.string
        filename = json["filename"]?.string
        absPath = json["abs_path"]?.string
        lineno = json["lineno"]?.int
        contextLine = json["context_line"]?.string
        inApp = json["in_app"]?.bool
    }
}
