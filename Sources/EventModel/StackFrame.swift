/// The fields of a stack frame that grouping and display use.
public struct StackFrame: Sendable, Equatable {
    public var function: String?
    /// The untrimmed symbol when `function` holds a trimmed one (native, C#).
    public var rawFunction: String?
    public var module: String?
    public var package: String?
    public var filename: String?
    public var absPath: String?
    public var lineno: Int64?
    public var colno: Int64?
    public var contextLine: String?
    public var inApp: Bool?
    /// The frame's own platform, when it differs from the event's.
    public var platform: String?
    /// `data.sourcemap` was set: the frame was resolved through a source map.
    public var usedSourcemap: Bool
    /// `data.category`, set by stack trace rules.
    public var category: String?

    public init(function: String? = nil, rawFunction: String? = nil, module: String? = nil, package: String? = nil,
                filename: String? = nil, absPath: String? = nil, lineno: Int64? = nil, colno: Int64? = nil,
                contextLine: String? = nil, inApp: Bool? = nil, platform: String? = nil,
                usedSourcemap: Bool = false, category: String? = nil) {
        self.function = function
        self.rawFunction = rawFunction
        self.module = module
        self.package = package
        self.filename = filename
        self.absPath = absPath
        self.lineno = lineno
        self.colno = colno
        self.contextLine = contextLine
        self.inApp = inApp
        self.platform = platform
        self.usedSourcemap = usedSourcemap
        self.category = category
    }

    public init(_ json: JSON) {
        function = json["function"]?.string
        rawFunction = json["raw_function"]?.string
        module = json["module"]?.string
        package = json["package"]?.string
        absPath = json["abs_path"]?.string
        filename = json["filename"]?.string ?? absPath.map(StackFrame.filename(fromAbsPath:))
        lineno = json["lineno"]?.int
        colno = json["colno"]?.int
        contextLine = json["context_line"]?.string
        inApp = json["in_app"]?.bool
        platform = json["platform"]?.string
        usedSourcemap = json["data"]?["sourcemap"].map { !$0.isNull } ?? false
        category = json["data"]?["category"]?.string
    }

    /// Relay fills a missing `filename` from `abs_path`: a URL's path, else the path itself.
    static func filename(fromAbsPath absPath: String) -> String {
        guard let scheme = absPath.range(of: "://") else { return absPath }
        let afterHost = absPath[scheme.upperBound...]
        guard let slash = afterHost.firstIndex(of: "/") else { return absPath }
        var path = afterHost[slash...]
        if let cut = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = path[..<cut] }
        return path.isEmpty || path == "/" ? absPath : String(path)
    }
}
