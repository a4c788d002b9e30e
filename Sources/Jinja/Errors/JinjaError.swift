import SafeText

/// A template that failed to parse or render, described on one line as `<name>:<line>: problem`.
public struct JinjaError: Error, CustomStringConvertible, Sendable {
    /// `<name>:<line>: problem`, one line.
    public var description: String
    /// The message the template passed to `raise_exception`, when that is why rendering stopped.
    public var raisedMessage: String?

    /// Control characters in `description` (a template's own `raise_exception` text, names
    /// from the template) are escaped, so it stays one line and cannot drive the terminal.
    public init(description: String, raisedMessage: String? = nil) {
        self.description = SafeText.quoted(description)
        self.raisedMessage = raisedMessage
    }
}

/// An error raised inside the engine before it is tied to a template name and line.
struct Failure: Error {
    var message: String
    var raised: String? = nil
    var line: Int? = nil

    init(_ message: String, raised: String? = nil, line: Int? = nil) {
        self.message = message
        self.raised = raised
        self.line = line
    }
}
