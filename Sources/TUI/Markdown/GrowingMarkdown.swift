/// `MarkdownLayout` of a text that grows at its end (a reply being streamed): finished source
/// lines are laid out once; each append lays out again only the unfinished last line.
/// Gives exactly the lines of `MarkdownLayout.lines(of:width:)`.
public struct GrowingMarkdown: Sendable {
    public let width: Int
    /// Everything appended so far.
    public private(set) var text = ""
    /// The lines of the finished source lines.
    public private(set) var stable: [StyledLine] = []
    /// The fence state after the finished source lines.
    private var state = MarkdownLayout.State()
    /// The unfinished last source line.
    private var tail = ""
    /// Characters laid out since this was made (for tests and benchmarks).
    public private(set) var laidOutCharacters = 0

    public init(width: Int, text: String = "") {
        self.width = max(1, width)
        append(text)
    }

    /// Adds `more` at the end.
    public mutating func append(_ more: String) {
        guard !more.isEmpty else { return }
        text += more
        var sources = (tail + more).split(separator: "\n", omittingEmptySubsequences: false)
        let last = sources.removeLast()
        for source in sources {
            stable += MarkdownLayout.lines(for: source, state: &state, width: width)
            laidOutCharacters += source.count
        }
        tail = String(last)
    }

    /// The lines of the unfinished last source line followed by `suffix` (a streaming cursor).
    public func tailLines(suffix: String = "") -> [StyledLine] {
        var state = self.state
        return MarkdownLayout.lines(for: Substring(tail + suffix), state: &state, width: width)
    }

    /// Characters `tailLines` lays out.
    public var tailCharacters: Int { tail.count }
}
