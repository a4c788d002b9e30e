/// The scrollable conversation: role labels, wrapped messages, markers for system-prompt
/// changes, interrupted replies and evicted turns.
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
        let body = TerminalSafeText.sanitize(entry.text)
        switch entry.kind {
        case .user, .assistant:
            var text = body
            if showCursor { text += streamingCursor }
            if text.isEmpty { text = " " }
            let wrapped = TextWrapper.wrap(text, width: textWidth(width))
            return head(entry) + wrapped.map { bodyLine($0, entry, width: width) } + foot(entry, width: width)
        case .systemPrompt:
            return TextWrapper.wrap("⚙ system prompt: " + body, width: width).map { StyledLine($0, .systemNote) }
        case .notice:
            return TextWrapper.wrap(body, width: textWidth(width)).map { StyledLine([.init(padding(width) + $0, .notice)]) }
        case .error:
            return TextWrapper.wrap("✗ " + body, width: width).map { StyledLine($0, .error) }
        }
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

    /// Draws `lines` from `top` into `rows`, with a "more below" marker when scrolled up.
    public static func draw(_ lines: [StyledLine], top: Int, following: Bool, into buffer: inout ScreenBuffer, rows: Range<Int>) {
        for (offset, row) in rows.enumerated() {
            let index = top + offset
            if index < lines.count {
                lines[index].draw(into: &buffer, row: row)
            } else {
                buffer.fill(row: row, role: .normal)
            }
        }
        let below = lines.count - (top + rows.count)
        if !following, below > 0, let last = rows.last, buffer.width >= 12 {
            let marker = " ↓ \(below) more (End) "
            let width = DisplayWidth.of(marker)
            buffer.put(marker, row: last, column: max(0, buffer.width - width), role: .hint)
        }
    }
}
