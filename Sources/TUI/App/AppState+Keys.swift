/// Key handling: overlays first, then global keys, then the editor.
extension AppState {
    mutating func handle(_ key: KeyEvent) -> [Effect] {
        flash = nil
        if let overlay { return handle(key, in: overlay) }
        if historySearch != nil, let handled = handleSearch(key) { return handled }

        if key != .tab {
            completions = []
            completionIndex = nil
        }
        switch key {
        case .function(1):
            overlay = .help(scroll: 0)
            return []
        case .function(2):
            headerExpanded.toggle()
            clampScroll()
            return []
        case .control("r"):
            historySearch = HistorySearch(draft: editor.text)
            searchHistory(before: nil)
            return []
        case .function(3), .alt("c"):
            return run(command: "copy", argument: "")
        case .function(5):
            return run(command: "sessions", argument: "")
        case .function(4):
            mouseWheel.toggle()
            flash = mouseWheel ? "mouse: the wheel scrolls the chat (F4: select text instead)" : "mouse: select text with it (F4: wheel scrolling)"
            return [.setMouse(mouseWheel)]
        case .control("l"):
            return [.redraw]
        case .control("z"):
            return [.suspend]
        case .control("c") where editingLast && !isBusy, .escape where editingLast && !isBusy:
            editingLast = false
            editor.setText("")
            flash = "edit cancelled"
            return []
        case .control("c"):
            if isBusy { return stopReply() }
            if !editor.isEmpty {
                editor.setText("")
                return []
            }
            overlay = .confirmQuit
            return []
        case .escape:
            if isBusy { return stopReply() }
            return []
        case .control("d"):
            if editor.isEmpty {
                shouldQuit = true
                return isBusy ? [.cancel, .quit] : [.quit]
            }
            editor.deleteForward()
            return []
        case .enter:
            return submit()
        case .newline:
            editor.insert("\n")
        case .tab:
            complete()
        case .pageUp:
            scroll(by: -max(1, conversationHeight - 1))
        case .pageDown:
            scroll(by: max(1, conversationHeight - 1))
        case .wheelUp:
            scroll(by: -3)
        case .wheelDown:
            scroll(by: 3)
        case .home:
            if editor.isEmpty { scrollToTop() } else { editor.moveToLineStart() }
        case .end:
            if editor.isEmpty { scrollTop = nil } else { editor.moveToLineEnd() }
        case .up where upWouldEdit:
            return run(command: "edit", argument: "")
        case .up:
            if !editor.moveUp(), let older = history.previous(current: editor.text) { editor.setText(older) }
        case .down:
            if !editor.moveDown(), let newer = history.next() { editor.setText(newer) }
        case .control("p"):
            if let older = history.previous(current: editor.text) { editor.setText(older) }
        case .control("n"):
            if let newer = history.next() { editor.setText(newer) }
        default:
            _ = editor.apply(key)
        }
        return []
    }

    private mutating func handle(_ key: KeyEvent, in overlay: Overlay) -> [Effect] {
        switch overlay {
        case .sessions(let picker):
            return handle(key, in: picker)
        case .confirmQuit:
            switch key {
            case .character("y"), .character("Y"), .enter, .control("c"), .control("d"):
                shouldQuit = true
                return [.quit]
            default:
                self.overlay = nil
                return []
            }
        case .help(let scroll):
            switch key {
            case .up, .wheelUp: self.overlay = .help(scroll: max(0, scroll - 1))
            case .down, .wheelDown: self.overlay = .help(scroll: scroll + 1)
            case .pageUp: self.overlay = .help(scroll: max(0, scroll - 10))
            case .pageDown: self.overlay = .help(scroll: scroll + 10)
            case .control("d"):
                shouldQuit = true
                return isBusy ? [.cancel, .quit] : [.quit]
            case .control("c") where isBusy:
                self.overlay = nil
                return stopReply()
            case .escape, .enter, .function(1):
                self.overlay = nil
            default:
                // Any other key closes help and does what it does: typing starts the message.
                self.overlay = nil
                return handle(key)
            }
            return []
        }
    }

    /// Marks the reply interrupted at once (what the user sees) and asks the driver to stop.
    mutating func stopReply() -> [Effect] {
        guard phase == .generating else { return [] }
        phase = .stopping
        if let index = replyEntry, entries.indices.contains(index) { entries[index].interrupted = true }
        return [.cancel]
    }

    private mutating func submit() -> [Effect] {
        let text = editor.text
        guard !text.trimmingCharacters(in: " \n").isEmpty else { return [] }
        if let command = CommandSpec.parse(text) {
            history.record(text)
            editor.setText("")
            return run(command: command.name, argument: command.argument)
        }
        guard !isBusy else {
            flash = "still replying: Esc stops it"
            return []
        }
        guard !isLoading else {
            flash = "the model is still loading"
            return []
        }
        let message = text.hasPrefix("//") ? String(text.dropFirst()) : text
        history.record(text)
        editor.setText("")
        if editingLast {
            // The driver takes the old exchange back and sends this in its place.
            editingLast = false
            scrollTop = nil
            return [.command(name: "edit", argument: message)]
        }
        entries.append(TranscriptEntry(kind: .user, text: message))
        scrollTop = nil
        return [.send(message)]
    }

    /// Keys while Ctrl-R searches: typing narrows, Ctrl-R goes further back, Backspace widens,
    /// Enter keeps the entry found in the input line, Esc or Ctrl-G puts the old line back.
    /// Any other key keeps the entry and then does what it does (nil).
    private mutating func handleSearch(_ key: KeyEvent) -> [Effect]? {
        guard var search = historySearch else { return nil }
        switch key {
        case .character(let c):
            search.query.append(c)
            historySearch = search
            searchHistory(before: search.match.map { $0 + 1 })
        case .paste(let text):
            search.query += LineEditor.cleanPaste(text).replacingOccurrences(of: "\n", with: " ")
            historySearch = search
            searchHistory(before: search.match.map { $0 + 1 })
        case .backspace:
            guard !search.query.isEmpty else { return [] }
            search.query.removeLast()
            historySearch = search
            searchHistory(before: nil)
        case .control("r"):
            searchHistory(before: search.match)
        case .escape, .control("g"), .control("c"):
            editor.setText(search.draft)
            historySearch = nil
        case .enter:
            historySearch = nil
        default:
            historySearch = nil
            return nil
        }
        return []
    }

    /// Finds the newest entry before `index` matching the query and shows it in the input
    /// line; with none, the line stays and the status bar says so.
    private mutating func searchHistory(before index: Int?) {
        guard var search = historySearch else { return }
        if let found = history.search(search.query, before: index) {
            search.match = found
            search.failing = false
            editor.setText(history.entries[found])
        } else {
            search.failing = true
            if index == nil {
                search.match = nil
                editor.setText(search.draft)
            }
        }
        historySearch = search
    }

    private mutating func complete() {
        let line = editor.text
        if !completions.isEmpty, let index = completionIndex.map({ ($0 + 1) % completions.count }) ?? Optional(0) {
            // Repeated Tab cycles through the candidates.
            completionIndex = index
            let candidate = completions[index]
            editor.setText(completionPrefix + candidate + (completionPrefix == "/" ? " " : ""))
            return
        }
        let names = commands.map(\.name)
        guard let result = SlashCompletion.complete(line, commands: names, arguments: { argumentCompletions(for: $0) }) else {
            if !line.hasPrefix("/") { editor.insert("    ") }
            return
        }
        editor.setText(result.completedLine)
        if result.candidates.count > 1 {
            completions = result.candidates
            completionIndex = nil
            completionPrefix = result.head
        }
    }

    func argumentCompletions(for command: String) -> [String] {
        if command == "theme" { return themeNames }
        if command == "reinforce" { return ["on", "off"] }
        if command == "set" { return ["temp", "top-k", "top-p", "min-p", "repeat-penalty", "seed"] }
        return commandArguments[command] ?? []
    }
}

private extension String {
    func trimmingCharacters(in set: String) -> String {
        String(drop(while: { set.contains($0) }).reversed().drop(while: { set.contains($0) }).reversed())
    }
}
