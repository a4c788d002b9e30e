/// The help overlay (F1 or /help): keys and slash commands, scrollable when the window is
/// short.
public enum HelpOverlay {
    static let keys: [(String, String)] = [
        ("Enter", "send"),
        ("Alt-Enter, Ctrl-J", "new line"),
        ("Esc, Ctrl-C", "stop the reply"),
        ("Ctrl-C (empty)", "ask to quit"),
        ("Ctrl-D (empty)", "quit"),
        ("PgUp/PgDn, wheel", "scroll"),
        ("Home/End", "top/bottom (empty input)"),
        ("Up/Down", "history"),
        ("Ctrl-A/E", "line start/end"),
        ("Ctrl-K/U/W, Ctrl-Y", "kill, yank"),
        ("Alt-B/F", "word left/right"),
        ("Tab", "complete /commands"),
        ("F2", "expand system prompt"),
        ("Ctrl-L", "redraw"),
    ]

    /// The overlay's content lines at an inner width.
    public static func lines(width: Int) -> [StyledLine] {
        var lines: [StyledLine] = [StyledLine("Keys", .overlayTitle)]
        let keyWidth = 20
        for (key, action) in keys {
            lines.append(StyledLine([.init(pad(key, keyWidth), .overlayBorder), .init(action, .overlay)], fill: .overlay))
        }
        lines.append(StyledLine([], fill: .overlay))
        lines.append(StyledLine("Commands", .overlayTitle))
        for command in SlashCommand.all {
            let head = "/" + command.name + (command.arguments.isEmpty ? "" : " " + command.arguments)
            lines.append(StyledLine([.init(pad(head, keyWidth), .overlayBorder), .init(command.summary, .overlay)], fill: .overlay))
        }
        return lines.map { line in var l = line; l.fill = .overlay; return l }
    }

    public static func draw(scroll: Int, into buffer: inout ScreenBuffer) {
        let content = lines(width: 60)
        let box = Box.centered(height: content.count + 3, width: 74, in: buffer)
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
