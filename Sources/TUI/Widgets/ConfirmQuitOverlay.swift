/// Asked on Ctrl-C at an empty, idle prompt, so a stray Ctrl-C never ends the chat.
public enum ConfirmQuitOverlay {
    public static let question = "Quit ghostchat? (y/n)"

    public static func draw(into buffer: inout ScreenBuffer) {
        let box = Box.centered(height: 5, width: DisplayWidth.of(question) + 6, in: buffer)
        let inner = box.draw(into: &buffer, title: "quit")
        guard let row = inner.rows.first.map({ $0 + inner.rows.count / 2 }) else { return }
        buffer.put(question, row: row, column: inner.left, role: .overlay, limit: inner.width)
    }
}
