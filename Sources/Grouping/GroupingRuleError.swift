/// A fingerprint or stack trace rule that cannot be parsed, with the 1-based line it is on.
public struct GroupingRuleError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var message: String

    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }

    public var description: String { "line \(line): \(message)" }
}
