/// The scrollable conversation: role labels, wrapped messages, markers for system-prompt
/// changes, interrupted replies and evicted turns.
public enum ConversationView {
    static let indent = 2
    static let streamingCursor = "▍"

    /// Lays out every entry at `width`. `streaming` adds a cursor after the last reply.
    public static func lines(for entries: [TranscriptEntry], width: Int, streaming: Bool) -> [StyledLine] {
        guard width > 0 else { return [] }
        var lines: [StyledLine] = []
        let pad = width > indent + 4 ? indent : 0
        let textWidth = max(1, width - pad)
        let padding = String(repeating: " ", count: pad)
        for (index, entry) in entries.enumerated() {
            if index > 0 { lines.append(StyledLine()) }
            let isLast = index == entries.count - 1
            let body = TerminalSafeText.sanitize(entry.text)
            switch entry.kind {
            case .user, .assistant:
                let isUser = entry.kind == .user
                var label = isUser ? "You" : "Assistant"
                if entry.evicted { label += " · evicted from context" }
                let labelRole: StyleRole = entry.evicted ? .evicted : (isUser ? .userLabel : .assistantLabel)
                let textRole: StyleRole = entry.evicted ? .evicted : (isUser ? .userText : .assistantText)
                lines.append(StyledLine(label, labelRole))
                var text = body
                let showCursor = streaming && isLast && !isUser
                if showCursor { text += streamingCursor }
                if text.isEmpty { text = " " }
                for wrapped in TextWrapper.wrap(text, width: textWidth) {
                    lines.append(StyledLine([.init(padding + wrapped, textRole)]))
                }
                if entry.interrupted {
                    lines.append(StyledLine([.init(padding + "⏹ interrupted", .interrupted)]))
                }
            case .systemPrompt:
                let text = "⚙ system prompt: " + body
                for wrapped in TextWrapper.wrap(text, width: width) {
                    lines.append(StyledLine(wrapped, .systemNote))
                }
            case .notice:
                for wrapped in TextWrapper.wrap(body, width: textWidth) {
                    lines.append(StyledLine([.init(padding + wrapped, .notice)]))
                }
            case .error:
                for wrapped in TextWrapper.wrap("✗ " + body, width: width) {
                    lines.append(StyledLine(wrapped, .error))
                }
            }
        }
        return lines
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
