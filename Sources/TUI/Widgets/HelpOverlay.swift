/// The help overlay (F1 or /help): keys and slash commands, scrollable when the window is
/// short.
public enum HelpOverlay {
    static let keys: [(String, String)] = [
        ("Enter / Alt-Enter, Ctrl-J", "send / new line"),
        ("Esc, Ctrl-C", "stop the reply, or ask to quit"),
        ("Ctrl-D", "quit (on an empty prompt)"),
        ("PgUp/PgDn, wheel, Home/End", "scroll (Home/End: empty input)"),
        ("Up/Down, Ctrl-P/N, Ctrl-R", "input history, search it"),
        ("Up (up-edits-last = true)", "on an empty prompt: edit your last message"),
        ("Ctrl-A/E, Alt-B/F", "line start/end, word left/right"),
        ("Ctrl-K/U/W, Ctrl-Y", "kill to end/start/word, yank"),
        ("Tab", "complete /commands and arguments"),
        ("F2, Ctrl-L, Ctrl-Z", "expand system prompt, redraw, suspend (fg)"),
        ("F3 (Alt-C), F4", "copy the last reply, mouse wheel on/off"),
        ("F5", "stored chats: open, rename (r), delete (d)"),
    ]

    /// The overlay's content: keys, then commands. Sized to fit a 30-row terminal whole.
    /// `width` is the box's inner width: where a row's two columns do not fit, the
    /// description goes under its key or command, wrapped, instead of being cut.
    public static func lines(commands: [CommandSpec], width: Int = 70) -> [StyledLine] {
        var lines: [StyledLine] = [StyledLine("Keys", .overlayTitle)]
        func row(_ head: String, _ column: Int, _ text: String) {
            if column + DisplayWidth.of(text) <= width {
                lines.append(StyledLine([.init(pad(head, column), .overlayBorder), .init(text, .overlay)]))
            } else {
                lines.append(StyledLine(head, .overlayBorder))
                for part in TextWrapper.wrap(text, width: max(1, width - 2)) { lines.append(StyledLine("  " + part, .overlay)) }
            }
        }
        for (key, action) in keys { row(key, 28, action) }
        lines.append(StyledLine("Commands", .overlayTitle))
        for command in commands {
            row("/" + command.name + (command.arguments.isEmpty ? "" : " " + command.arguments), 20, command.summary)
        }
        return lines.map { line in var l = line; l.fill = .overlay; return l }
    }

    public static func draw(scroll: Int, commands: [CommandSpec], into buffer: inout ScreenBuffer) {
        let content = lines(commands: commands, width: max(1, min(74, buffer.width) - 4))
        let box = Box.centered(height: content.count + 2, width: 74, in: buffer)
        let inner = box.draw(into: &buffer, title: "help · Esc closes")
        let top = min(max(0, scroll), max(0, content.count - inner.rows.count))
        for (offset, row) in inner.rows.enumerated() where top + offset < content.count {
            content[top + offset].draw(into: &buffer, row: row, column: inner.left, width: inner.width)
        }
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(1, width - DisplayWidth.of(text)))
    }
}
