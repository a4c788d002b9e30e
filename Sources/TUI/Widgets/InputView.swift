import SafeText

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
            let shown = SafeText.shown(String(character), newlines: false, tabWidth: 1)
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

    /// The visual lines of the logical line starting at `start` (`editor.characters[start]`
    /// up to the next newline), and the cursor's place in them when it is on this line.
    /// Laying out line by line gives exactly the lines of `layout`, which restarts at
    /// every newline.
    static func wrapLine(_ editor: LineEditor, from start: Int, width: Int) -> (lines: [String], end: Int, cursor: (line: Int, column: Int)?) {
        let textWidth = max(1, width - 2)
        let characters = editor.characters
        var lines: [String] = [""]
        var column = 0
        var cursor: (line: Int, column: Int)?
        var index = start
        while index < characters.count, characters[index] != "\n" {
            if index == editor.cursor { cursor = (lines.count - 1, column) }
            let shown = SafeText.shown(String(characters[index]), newlines: false, tabWidth: 1)
            let w = max(1, DisplayWidth.of(shown))
            if column + w > textWidth, column > 0 {
                lines.append("")
                column = 0
                if index == editor.cursor { cursor = (lines.count - 1, 0) }
            }
            lines[lines.count - 1] += shown
            column += w
            index += 1
        }
        if index == editor.cursor {
            if index == characters.count, column >= textWidth {
                lines.append("")
                cursor = (lines.count - 1, 0)
            } else {
                cursor = (lines.count - 1, column)
            }
        }
        return (lines, index, cursor)
    }

    /// How many visual lines the editor needs, counted only up to `limit` (the input pane
    /// never gets more rows than that), so a huge paste costs only what fits.
    public static func lineCount(_ editor: LineEditor, width: Int, limit: Int) -> Int {
        var count = 0
        var start = 0
        while count < limit {
            let line = wrapLine(editor, from: start, width: width)
            count += line.lines.count
            guard line.end < editor.characters.count else { break }
            start = line.end + 1
        }
        return min(count, limit)
    }

    /// The visual lines around the cursor: at least `rows` lines up to and including the
    /// cursor's and `rows` after it where the text has them. `first` is the index of the
    /// first of them among all the text's visual lines, when that is 0 (the prompt line).
    static func window(_ editor: LineEditor, width: Int, rows: Int) -> (lines: [String], cursor: (line: Int, column: Int), atTop: Bool) {
        let characters = editor.characters
        var start = editor.cursor
        while start > 0, characters[start - 1] != "\n" { start -= 1 }
        let current = wrapLine(editor, from: start, width: width)
        var lines = current.lines
        var cursor = current.cursor ?? (0, 0)
        // Upward, whole logical lines until the cursor has `rows` lines above it.
        var top = start
        while top > 0, cursor.line + 1 < rows {
            var previous = top - 1
            while previous > 0, characters[previous - 1] != "\n" { previous -= 1 }
            let above = wrapLine(editor, from: previous, width: width).lines
            lines = above + lines
            cursor.line += above.count
            top = previous
        }
        // Downward, until `rows` lines follow the cursor or the text ends.
        var end = current.end
        while end < characters.count, lines.count - cursor.line - 1 < rows {
            let below = wrapLine(editor, from: end + 1, width: width)
            lines += below.lines
            end = below.end
        }
        return (lines, cursor, top == 0)
    }

    /// Draws the editor into `rows`; returns where the terminal cursor goes. Only the
    /// lines near the cursor are laid out, so a 10 000-line paste draws as fast as a word.
    @discardableResult
    public static func draw(_ editor: LineEditor, placeholder: String?, into buffer: inout ScreenBuffer, rows: Range<Int>) -> (row: Int, column: Int)? {
        guard !rows.isEmpty, buffer.width > 0 else { return nil }
        let (lines, cursor, atTop) = window(editor, width: buffer.width, rows: rows.count)
        let first = max(0, min(cursor.line - rows.count + 1, lines.count - rows.count))
        for (offset, row) in rows.enumerated() {
            buffer.fill(row: row, role: .input)
            let index = first + offset
            guard index < lines.count else { continue }
            let lead = index == 0 && atTop ? prompt : continuation
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
