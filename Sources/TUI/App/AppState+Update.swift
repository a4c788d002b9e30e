/// `update(state, message) -> effects`: the only place state changes.
extension AppState {
    /// Applies `message` and returns the work the runner must do.
    public mutating func update(_ message: AppMessage) -> [Effect] {
        switch message {
        case .resize(let rows, let columns):
            self.rows = max(0, rows)
            self.columns = max(0, columns)
            clampScroll()
            return [.redraw]
        case .tick:
            spinnerFrame &+= 1
            return []
        case .themeChanged(let name):
            themeName = name
            flash = "theme: \(name)"
            return []
        case .driver(.copy(let text)):
            return [.copyToClipboard(text)]
        case .driver(let event):
            apply(event)
            return []
        case .key(let key):
            return handle(key)
        }
    }

    mutating func apply(_ event: DriverEvent) {
        switch event {
        case .loading(let progress, let label):
            phase = .loading(progress: progress, label: label)
        case .ready(let info):
            header = info
            if isLoading { phase = .idle }
        case .header(let info):
            header = info
        case .context(let usage):
            context = usage
        case .replyStarted(let replacingLast):
            // /retry: the reply being replaced is the last one after the last user message,
            // even when notices (a /context, a /stats) came after it.
            if replacingLast {
                let from = entries.lastIndex(where: { $0.kind == .user }) ?? entries.startIndex
                if let old = entries[from...].lastIndex(where: { $0.kind == .assistant }) { entries.remove(at: old) }
            }
            entries.append(TranscriptEntry(kind: .assistant, text: ""))
            replyEntry = entries.count - 1
            phase = .generating
            streamingTokens = 0
        case .replyToken(let text):
            // Tokens that arrive after a cancel are part of the stored reply: shown too.
            guard isBusy, let index = replyEntry, entries.indices.contains(index) else { return }
            entries[index].text += text
            streamingTokens += 1
        case .replyFinished(var stats):
            if let index = replyEntry, entries.indices.contains(index) {
                if stats.failed && entries[index].text.isEmpty {
                    entries.remove(at: index)
                } else if stats.interrupted || phase == .stopping {
                    stats.interrupted = true
                    entries[index].interrupted = true
                }
            } else if phase == .stopping {
                stats.interrupted = true
            }
            replyEntry = nil
            lastStats = stats
            phase = .idle
        case .systemPromptChanged(let prompt):
            header.systemPrompt = prompt
            entries.append(TranscriptEntry(kind: .systemPrompt, text: prompt))
        case .evicted(let count):
            var remaining = count
            for index in entries.indices where remaining > 0 {
                guard !entries[index].evicted, entries[index].kind == .user || entries[index].kind == .assistant else { continue }
                entries[index].evicted = true
                remaining -= 1
            }
        case .transcript(let list):
            // A continued chat's messages are its input history too (Up, Ctrl-R).
            if history.entries.isEmpty { for entry in list where entry.kind == .user { history.record(entry.text) } }
            entries = list
            replyEntry = nil
            scrollTop = nil
        case .tookBack:
            if let user = entries.lastIndex(where: { $0.kind == .user }) {
                if let reply = entries[(user + 1)...].firstIndex(where: { $0.kind == .assistant }) { entries.remove(at: reply) }
                entries.remove(at: user)
            }
        case .copy:
            break  // an effect, handled in update
        case .sessions(let rows):
            if case .sessions(var picker) = overlay {
                picker.refresh(rows)
                overlay = .sessions(picker)
            } else {
                overlay = .sessions(SessionPicker(rows: rows))
            }
        case .editLast(let text):
            editor.setText(text)
            editingLast = true
            flash = "editing your last message: Enter replaces it and its reply, Esc cancels"
        case .resent(let text):
            entries.append(TranscriptEntry(kind: .user, text: text))
            scrollTop = nil
        case .notice(let text):
            insertAboveReply(TranscriptEntry(kind: .notice, text: text))
        case .error(let text):
            insertAboveReply(TranscriptEntry(kind: .error, text: text))
            if isLoading { phase = .idle }
        }
    }

    /// Appends `entry`, or puts it just above a reply that has begun but shown no text yet
    /// (what happened before the reply, such as an eviction, reads in order).
    private mutating func insertAboveReply(_ entry: TranscriptEntry) {
        guard let index = replyEntry, entries.indices.contains(index), entries[index].text.isEmpty else {
            entries.append(entry)
            return
        }
        entries.insert(entry, at: index)
        replyEntry = index + 1
    }

    /// Rows the conversation pane has now.
    var conversationHeight: Int { layout().conversation.count }

    mutating func clampScroll() {
        guard let top = scrollTop else { return }
        let maxTop = max(0, conversationLines().count - conversationHeight)
        scrollTop = top >= maxTop ? nil : max(0, top)
    }

    /// Scrolls by `delta` lines (negative: up). Reaching the bottom resumes following.
    mutating func scroll(by delta: Int) {
        let count = conversationLines().count
        let height = conversationHeight
        let current = ConversationView.top(lineCount: count, height: height, scrollTop: scrollTop)
        let maxTop = max(0, count - height)
        let target = min(maxTop, max(0, current + delta))
        scrollTop = target >= maxTop ? nil : target
    }

    mutating func scrollToTop() {
        let maxTop = max(0, conversationLines().count - conversationHeight)
        scrollTop = maxTop == 0 ? nil : 0
    }
}
