import Foundation
import SafeText

extension ChatSession {
    /// Runs a slash command: the one implementation plain mode and the full screen share.
    /// Throws a one-line `ChatError` for anything the user can fix.
    public func perform(_ command: SlashCommand, presets: PresetLibrary) throws -> CommandOutcome {
        switch command {
        case .help: return .help
        case .quit: return .quit
        case .retry: return .retry
        case .system(let text):
            guard !text.isEmpty else {
                return .notice("system message (v\(systemVersion)): \(system.text.isEmpty ? "(none)" : system.text)")
            }
            try setSystem(SystemPrompt(text: text))
            return .changed
        case .preset(let spec):
            guard !spec.isEmpty else { return .notice("presets: " + presets.names.joined(separator: ", ")) }
            try setSystem(SystemPrompt(custom: nil, presets: try presets.resolve(spec)))
            return .changed
        case .template(let value):
            guard !value.isEmpty else { return .notice("template: \(metadata.template.rawValue) (\(templateLabel))") }
            guard let template = TemplateName(argument: value) else {
                throw ChatError("unknown template '\(value)' (one of: \(TemplateName.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            setTemplate(template)
            return .notice("template \(template.rawValue) from the next reply")
        case .reinforce(let on):
            setReinforce(on)
            return .notice("Ghost Attention reinforcement \(on ? "on" : "off")"
                + (on && system.terse.isEmpty ? " (the system message is empty: nothing to reinforce)" : ""))
        case .check(let on, let retries):
            setCheck(on, retries: retries)
            let rules = system.rules.map(\.description).joined(separator: ", ")
            return .notice("checking \(on ? "on" : "off")"
                + (on ? (rules.isEmpty ? " (the system message has no checkable rule)" : ": \(rules), up to \(metadata.checkRetries) retries") : ""))
        case .context: return .notice(contextReport().summary)
        case .stats:
            guard let s = lastStats else { return .notice("no reply yet") }
            return .notice("last reply: \(s.evaluated) tokens evaluated, \(s.cacheHit) reused from the cache, \(s.generated) generated, "
                + "\(s.evictedExchanges) exchanges evicted, \(s.attempts) attempt(s), stopped: \(s.stop)")
        case .showSettings: return .notice(settingsSummary)
        case .info:
            return .notice((engine.modelInfo.card + ["context: \(engine.contextLength) tokens · template: \(metadata.template.rawValue) (\(templateLabel))"])
                .joined(separator: "\n"))
        case .set(let name, let value):
            try set(name, to: value)
            return .notice("\(name) = \(value) from the next reply")
        case .save(let path, let force):
            let target = try exportTarget(path)
            // A bare /save rewrites this chat's own export; a named file is never replaced
            // unasked, and a symbolic link never (writing would put a file in its place).
            var info = stat()
            if lstat(target, &info) == 0 {
                if (info.st_mode & S_IFMT) == S_IFLNK { throw ChatError("\(target) is a symbolic link: give the path of the file itself") }
                if !force && path != nil { throw ChatError("\(target) exists: /save! \(path!) replaces it") }
            }
            try save(to: target)
            return .notice("saved \(target)")
        case .load(let reference):
            let (transcript, stored) = try readChat(reference)
            if stored && transcript.metadata.id == id { return .notice("chat \(id.prefix(8)) is the one open here") }
            let loaded = try ChatSession(engine: engine, transcript: transcript, store: store, newID: !stored)
            loaded.contextLog = contextLog
            let count = transcript.messages.filter { $0.role != .system }.count
            let title = loaded.title.isEmpty ? "" : " “\(loaded.title)”"
            let messages = "\(count) message\(count == 1 ? "" : "s")"
            return .replaced(by: loaded, notice: stored ? "continuing chat \(loaded.id.prefix(8))\(title) (\(messages))"
                                                        : "continuing \(reference) as chat \(loaded.id.prefix(8)) (\(messages))")
        case .undo: return .tookBack(try undo())
        case .edit(let text):
            guard let last = lastUserMessage else { throw ChatError("no message of yours to edit yet") }
            guard !text.allSatisfy(\.isWhitespace) else { return .editLast(last) }
            return .resend(text, replaced: try undo())
        case .clear:
            let chat = fresh()
            return .replaced(by: chat, notice: "new chat \(chat.id) (same system message and settings)")
        case .copy(let n):
            let text = try reply(fromLast: n ?? 1)
            return .copy(text, savedTo: Self.saveCopy(text))
        case .sessions(let action):
            guard let store else { throw ChatError("chats are not being stored (--no-store, or the store could not be opened)") }
            switch action {
            case .list:
                return .sessions(try store.list(), current: id, notice: nil)
            case .rename(let reference, let given):
                let chat = try store.resolve(reference)
                let title = Self.cleanTitle(given)
                guard !title.isEmpty else { throw ChatError("usage: /sessions rename ID TITLE") }
                if chat == id {
                    transcript.metadata.title = title
                    persistMetadata()
                } else {
                    try store.rename(id: chat, title: title)
                }
                return .sessions(try store.list(), current: id, notice: "chat \(chat.prefix(8)) is now called \"\(title)\"")
            case .delete(let reference):
                let chat = try store.resolve(reference)
                guard chat != id else { throw ChatError("chat \(chat.prefix(8)) is the one open here: /clear or /load another first") }
                // Open in another ghostchat: refused, naming it (its writes would fail).
                let hold = try store.lock(chat: chat)
                let name = try store.list().first { $0.id == chat }?.title ?? ""
                try store.delete(id: chat)
                withExtendedLifetime(hold) {}
                return .sessions(try store.list(), current: id, notice: "deleted chat \(chat.prefix(8))" + (name.isEmpty ? "" : " (\"\(name)\")"))
            }
        }
    }

    /// How to come back to this chat, said on the way out: nil when it is not stored or has
    /// no message yet.
    public var resumeHint: String? {
        guard store != nil, transcript.messages.contains(where: { $0.role == .user }) else { return nil }
        return "continue this chat with: ghostchat chat --resume \(id.prefix(8))"
    }

    /// A title as stored: one line of printable text, at most 80 characters.
    static func cleanTitle(_ text: String) -> String {
        let line = text.split(whereSeparator: { $0.isNewline || $0 == "\t" }).joined(separator: " ")
        let printable = String(String.UnicodeScalarView(line.unicodeScalars.filter { !SafeText.isUnsafe($0) }))
        let trimmed = printable.trimmingCharacters(in: .whitespaces)
        return trimmed.count > 80 ? String(trimmed.prefix(79)) + "…" : trimmed
    }

    /// Sampler settings, reply length and context size, as `/set` alone shows them.
    public var settingsSummary: String {
        let s = metadata.sampling
        let n = metadata.maxReplyTokens
        return """
            temp \(s.temperature)  top-k \(s.topK)  top-p \(s.topP)  min-p \(s.minP)
            repeat-penalty \(s.repeatPenalty)  repeat-last-n \(s.repeatLastN)  seed \(s.seed)
            n \(n < 0 ? "-1 (until the model stops)" : String(n))  context \(engine.contextLength) tokens (\(reserve) kept for the reply)
            """
    }

    /// The reply `n` back from the last (1: the last), as stored: raw Markdown, no wrapping.
    public func reply(fromLast n: Int) throws -> String {
        let replies = transcript.messages.filter { $0.role == .assistant && !$0.isWithdrawn }
        guard !replies.isEmpty else { throw ChatError("no reply to copy yet") }
        guard n >= 1, n <= replies.count else {
            throw ChatError("there \(replies.count == 1 ? "is 1 reply" : "are \(replies.count) replies") in this chat")
        }
        return replies[replies.count - n].content
    }

    /// Writes copied text to `<data dir>/copied.txt` (only you can read it); the path, or nil.
    static func saveCopy(_ text: String) -> String? {
        let folder = ChatPaths.dataDirectory()
        let file = folder.appendingPathComponent("copied.txt")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: file, options: .atomic)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
            return file.path
        } catch {
            return nil
        }
    }

    /// What to say after `/copy`: how much, and where else it is.
    public static func copiedNotice(_ text: String, savedTo: String?, toTerminal: Bool) -> String {
        let size = "\(text.count) character\(text.count == 1 ? "" : "s")"
        let how = toTerminal ? "copied the reply (\(size)) to the clipboard through the terminal (OSC 52)" : "copied the reply (\(size))"
        guard let savedTo else { return how + (toTerminal ? "" : ": no terminal and no file to copy it to") }
        return how + (toTerminal ? "; also in \(savedTo)" : " to \(savedTo)")
    }

    /// Where `/save [PATH]` writes: the path given (`~` expanded), or for a bare `/save` the
    /// data directory's exports folder, so the file is easy to find again (the notice says
    /// the whole path).
    func exportTarget(_ path: String?) throws -> String {
        if let path { return ChatPaths.expandingTilde(path) }
        let folder = ChatPaths.dataDirectory().appendingPathComponent("exports")
        do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            throw ChatError("cannot create \(folder.path): \(error.localizedDescription)")
        }
        return folder.appendingPathComponent("ghostchat-\(id.prefix(8)).json").path
    }

    /// `/load`'s argument: an exported file (a path that exists, or ends in .json), else a
    /// stored chat's id or unique prefix. Returns whether it came from the store.
    func readChat(_ reference: String) throws -> (Transcript, stored: Bool) {
        let path = ChatPaths.expandingTilde(reference)
        if FileManager.default.fileExists(atPath: path) || reference.hasSuffix(".json") || reference.contains("/") {
            return (try Transcript.read(path: reference), false)
        }
        guard let store else {
            throw ChatError("no file \(reference), and chats are not being stored to look it up as an id")
        }
        return (try store.load(id: try store.resolve(reference)), true)
    }
}
