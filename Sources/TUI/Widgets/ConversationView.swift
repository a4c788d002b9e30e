import SafeText

/// The scrollable conversation: role labels, wrapped messages (replies as Markdown), markers
/// for system-prompt changes, interrupted replies and evicted turns.
public enum ConversationView {
    static let indent = 2
    static let streamingCursor = "▍"

    /// Lays out every entry at `width`. `streaming` adds a cursor after the last reply.
    /// (`ConversationLayout` gives the same lines, re-wrapping only what changed.)
    public static func lines(for entries: [TranscriptEntry], width: Int, streaming: Bool) -> [StyledLine] {
        guard width > 0 else { return [] }
        var lines: [StyledLine] = []
        for (index, entry) in entries.enumerated() {
            if index > 0 { lines.append(StyledLine()) }
            lines += block(for: entry, width: width, showCursor: showsCursor(entries, index, streaming))
        }
        return lines
    }

    /// Whether entry `index` is the reply being streamed (it gets the cursor).
    static func showsCursor(_ entries: [TranscriptEntry], _ index: Int, _ streaming: Bool) -> Bool {
        streaming && index == entries.count - 1 && entries[index].kind == .assistant
    }

    /// One entry's lines, wrapped from scratch.
    static func block(for entry: TranscriptEntry, width: Int, showCursor: Bool) -> [StyledLine] {
        let body = SafeText.shown(entry.text, tabWidth: 4)
        switch entry.kind {
        case .user, .assistant:
            var text = body
            if showCursor { text += streamingCursor }
            if text.isEmpty { text = " " }
            if entry.kind == .assistant {
                let laidOut = MarkdownLayout.lines(of: text, width: textWidth(width))
                return head(entry) + laidOut.map { replyLine($0, entry, width: width) } + foot(entry, width: width)
            }
            let wrapped = TextWrapper.wrap(text, width: textWidth(width))
            return head(entry) + wrapped.map { bodyLine($0, entry, width: width) } + foot(entry, width: width)
        case .systemPrompt:
            return hanging("⚙ system prompt: " + body, width: width, role: .systemNote)
        case .notice:
            return TextWrapper.wrap(body, width: textWidth(width)).map { StyledLine([.init(padding(width) + $0, .notice)]) }
        case .error:
            return hanging("✗ " + body, width: width, role: .error)
        }
    }

    /// `text` wrapped with its continuation lines indented, so a long marker or error reads
    /// as one block instead of running back to column 0.
    static func hanging(_ text: String, width: Int, role: StyleRole) -> [StyledLine] {
        let pad = padding(width)
        let lines = TextWrapper.wrap(text, width: textWidth(width))
        return lines.enumerated().map { StyledLine(($0.offset == 0 ? "" : pad) + $0.element, role) }
    }

    static func padding(_ width: Int) -> String { width > indent + 4 ? String(repeating: " ", count: indent) : "" }
    static func textWidth(_ width: Int) -> Int { max(1, width - padding(width).count) }

    /// The role label of a message.
    static func head(_ entry: TranscriptEntry) -> [StyledLine] {
        let isUser = entry.kind == .user
        var label = isUser ? "You" : "Assistant"
        if entry.evicted { label += " · evicted from context" }
        let role: StyleRole = entry.evicted ? .evicted : (isUser ? .userLabel : .assistantLabel)
        return [StyledLine(label, role)]
    }

    /// One wrapped line of a message's text.
    static func bodyLine(_ text: String, _ entry: TranscriptEntry, width: Int) -> StyledLine {
        let role: StyleRole = entry.evicted ? .evicted : (entry.kind == .user ? .userText : .assistantText)
        return StyledLine([.init(padding(width) + text, role)])
    }

    /// One laid-out line of a reply's Markdown, indented; an evicted reply is greyed whole.
    static func replyLine(_ line: StyledLine, _ entry: TranscriptEntry, width: Int) -> StyledLine {
        let pad = StyledLine.Span(padding(width), entry.evicted ? .evicted : .assistantText)
        if entry.evicted { return StyledLine([pad] + line.spans.map { .init($0.text, .evicted) }) }
        return StyledLine([pad] + line.spans, fill: line.fill)
    }

    /// The "interrupted" marker under a stopped reply.
    static func foot(_ entry: TranscriptEntry, width: Int) -> [StyledLine] {
        entry.interrupted ? [StyledLine([.init(padding(width) + "⏹ interrupted", .interrupted)])] : []
    }

    /// The first line to show: `scrollTop` when scrolled, else the last screenful.
    public static func top(lineCount: Int, height: Int, scrollTop: Int?) -> Int {
        let maxTop = max(0, lineCount - height)
        guard let scrollTop else { return maxTop }
        return min(max(0, scrollTop), maxTop)
    }

    /// Draws `lines` from `top` into `rows`. Scrolled up with more below, the last row holds
    /// a "more below" marker of its own rather than covering the end of a line.
    public static func draw(_ lines: [StyledLine], top: Int, following: Bool, into buffer: inout ScreenBuffer, rows: Range<Int>) {
        let marked = !following && lines.count > top + rows.count && rows.count > 1 && buffer.width >= 12
        let textRows = marked ? rows.dropLast() : rows[...]
        for (offset, row) in textRows.enumerated() {
            let index = top + offset
            if index < lines.count {
                lines[index].draw(into: &buffer, row: row)
            } else {
                buffer.fill(row: row, role: .normal)
            }
        }
        if marked, let last = rows.last {
            let marker = " ↓ \(lines.count - (top + textRows.count)) more (End) "
            buffer.fill(row: last, role: .normal)
            buffer.put(marker, row: last, column: max(0, buffer.width - DisplayWidth.of(marker)), role: .hint)
        }
    }
}
