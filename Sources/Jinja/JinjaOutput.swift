import Foundation

/// A rendered template: the text, split into runs by origin.
public struct JinjaOutput: Sendable {
    /// Maximal runs of one origin, in order.
    public var runs: [JinjaRun]
    /// All runs joined.
    public var text: String

    public init(runs: [JinjaRun], text: String) {
        self.runs = runs
        self.text = text
    }
}

/// A stretch of output that came entirely from trusted text or entirely from `.data` values.
public struct JinjaRun: Sendable, Equatable {
    public var text: String
    /// True when these characters came from a `.data` value and must not be parsed as special tokens.
    public var isData: Bool

    public init(text: String, isData: Bool) {
        self.text = text
        self.isData = isData
    }
}

/// Limits and the clock for one render.
public struct JinjaRenderOptions: Sendable {
    /// Statements, loop iterations and calls one render may execute.
    public var maxSteps: Int
    /// Bytes of output (and of any one string built) one render may produce.
    public var maxOutputBytes: Int
    /// Nesting of macro calls and filter-driven calls.
    public var maxDepth: Int
    /// What `strftime_now` reports; nil means the current time.
    public var now: Date?
    /// The zone `strftime_now` formats in; nil means the system's.
    public var timeZone: TimeZone?

    public init(maxSteps: Int = 5_000_000, maxOutputBytes: Int = 4 << 20, maxDepth: Int = 200, now: Date? = nil, timeZone: TimeZone? = nil) {
        self.maxSteps = maxSteps
        self.maxOutputBytes = maxOutputBytes
        self.maxDepth = maxDepth
        self.now = now
        self.timeZone = timeZone
    }
}
