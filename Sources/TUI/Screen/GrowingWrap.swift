/// Word wrapping of a text that grows at its end, such as a reply being streamed: each
/// append wraps again only the last line or two, not the whole text, and gives exactly the
/// lines `TextWrapper.wrap` would.
///
/// The text is held as final lines (`stable`) and a tail that an append may still change
/// (see `TextWrapper.wrapParagraph` for where the tail starts).
public struct GrowingWrap: Sendable {
    public let width: Int
    /// Everything appended so far.
    public private(set) var text = ""
    /// Lines no append can change.
    public private(set) var stable: [String] = []
    /// The end of the text from the first line that an append may change.
    private var tail = ""
    /// Characters run through the wrapper since this was made (for tests and benchmarks).
    public private(set) var wrappedCharacters = 0

    public init(width: Int, text: String = "") {
        self.width = max(1, width)
        append(text)
    }

    /// Adds `more` at the end.
    public mutating func append(_ more: String) {
        guard !more.isEmpty else { return }
        text += more
        let pending = tail + more
        var paragraphs = pending.split(separator: "\n", omittingEmptySubsequences: false)
        let last = paragraphs.removeLast()
        for paragraph in paragraphs {
            stable += TextWrapper.wrapParagraph(paragraph, width: width).lines
        }
        let wrapped = TextWrapper.wrapParagraph(last, width: width)
        wrappedCharacters += pending.count
        let keep = wrapped.starts.firstIndex(where: { $0 >= wrapped.restart }) ?? wrapped.lines.count
        stable += wrapped.lines[..<keep]
        tail = String(last.utf8.dropFirst(wrapped.restart))!
    }

    /// All lines of the text followed by `suffix` (a streaming cursor) without keeping it.
    public func lines(suffix: String = "") -> [String] {
        stable + tailLines(suffix: suffix)
    }

    /// The lines of the tail (plus `suffix`): what changes from one append to the next.
    public func tailLines(suffix: String = "") -> [String] {
        TextWrapper.wrap(tail + suffix, width: width)
    }
}
