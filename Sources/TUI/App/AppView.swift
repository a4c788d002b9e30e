/// `view(state) -> ScreenBuffer`: composes the widgets for the current layout.
public enum AppView {
    /// The whole screen for `state`.
    public static func render(_ state: AppState) -> ScreenBuffer {
        var buffer = ScreenBuffer(width: state.columns, height: state.rows)
        guard state.rows > 0, state.columns > 0 else { return buffer }
        let layout = state.layout()

        let headerLines = HeaderView.lines(for: state.header, expanded: state.headerExpanded, width: state.columns)
        for (offset, row) in layout.header.enumerated() where offset < headerLines.count {
            headerLines[offset].draw(into: &buffer, row: row)
        }
        if layout.header.count > 0, headerLines.count > layout.header.count, let last = layout.header.last {
            // Expanded prompt longer than its rows: say so on the last row.
            buffer.put("…", row: last, column: state.columns - 1, role: .headerAccent)
        }

        if case .loading(let progress, let label) = state.phase, state.entries.isEmpty {
            LoadingView.draw(progress: progress, label: label, into: &buffer, rows: layout.conversation)
        } else {
            let lines = state.conversationLines()
            let top = ConversationView.top(lineCount: lines.count, height: layout.conversation.count, scrollTop: state.scrollTop)
            ConversationView.draw(lines, top: top, following: state.scrollTop == nil, into: &buffer, rows: layout.conversation)
        }

        for row in layout.status {
            StatusBarView.line(for: state, width: state.columns).draw(into: &buffer, row: row)
        }
        let placeholder: String? = state.isLoading ? "loading the model…"
            : state.entries.isEmpty ? "Type a message, /help for commands"
            : state.upWouldEdit ? "↑ edits your last message · Ctrl-P history" : nil
        buffer.cursor = InputView.draw(state.editor, placeholder: placeholder, into: &buffer, rows: layout.input)

        switch state.overlay {
        case .help(let scroll)?:
            HelpOverlay.draw(scroll: scroll, commands: state.commands, into: &buffer)
            buffer.cursor = nil
        case .confirmQuit?:
            ConfirmQuitOverlay.draw(into: &buffer)
            buffer.cursor = nil
        case .sessions(let picker)?:
            buffer.cursor = SessionsOverlay.draw(picker, into: &buffer)
        case nil:
            break
        }
        return buffer
    }
}

extension AppState {
    /// The rows of each part for the current size and content.
    public func layout() -> ScreenLayout {
        let headerLines = HeaderView.lines(for: header, expanded: headerExpanded, width: columns).count
        let inputLines = InputView.lineCount(editor, width: columns, limit: max(1, rows))
        return ScreenLayout(rows: rows, headerLines: headerLines, inputLines: inputLines)
    }

    /// The conversation laid out at the current width.
    public func conversationLines() -> [StyledLine] {
        conversationLayout.lines(for: entries, width: columns, streaming: phase == .generating)
    }
}
