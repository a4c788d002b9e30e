/// The input editor on screen: "› " then the text wrapped by display width (character
/// wrapping, so the cursor maps exactly), scrolled to keep the cursor visible.
public enum InputView {
    static let prompt = "› "
    static let continuation = "  "

    /// The visual lines and the cursor's (line, column) for `editor` at `width`.
    public static func layout(_ editor: LineEditor, width: Int) -> (lines: [String], cursor: (line: Int, column: Int)) {
        let textWidth = max(1, width - 2)
        var lines: [String] = [""]
        var column = 0
        var cursor = (line: 0, column: 0)
        for (index, character) in editor.characters.enumerated() {
            if index == editor.cursor { cursor = (lines.count - 1, column) }
            if character == "\n" {
                lines.append("")
                column = 0
                continue
            }
            let shown = TerminalSafeText.sanitize(String(character), keepNewlines: false, tabWidth: 1)
            let w = max(1, DisplayWidth.of(shown))
            if column + w > textWidth, column > 0 {
                lines.append("")
                column = 0
                if index == editor.cursor { cursor = (lines.count - 1, 0) }
            }
            lines[lines.count - 1] += shown
            column += w
        }
        if editor.cursor == editor.characters.count {
            if column >= textWidth {
                lines.append("")
                cursor = (lines.count - 1, 0)
            } else {
                cursor = (lines.count - 1, column)
            }
        }
        return (lines, cursor)
    }

    /// Draws the editor into `rows`; returns where the terminal cursor goes.
    @discardableResult
    public static func draw(_ editor: LineEditor, placeholder: String?, into buffer: inout ScreenBuffer, rows: Range<Int>) -> (row: Int, column: Int)? {
        guard !rows.isEmpty, buffer.width > 0 else { return nil }
        let (lines, cursor) = layout(editor, width: buffer.width)
        let first = max(0, min(cursor.line - rows.count + 1, lines.count - rows.count))
        for (offset, row) in rows.enumerated() {
            buffer.fill(row: row, role: .input)
            let index = first + offset
            guard index < lines.count else { continue }
            let lead = index == 0 ? prompt : continuation
            let x = buffer.put(lead, row: row, column: 0, role: .inputPrompt)
            if editor.isEmpty, index == 0, let placeholder {
                buffer.put(placeholder, row: row, column: x, role: .hint)
            } else {
                buffer.put(lines[index], row: row, column: x, role: .input)
            }
        }
        let row = rows.lowerBound + cursor.line - first
        return (row, min(buffer.width - 1, 2 + cursor.column))
    }
}
