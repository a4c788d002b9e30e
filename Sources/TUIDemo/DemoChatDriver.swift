import Foundation
import TUI

/// A driver that streams canned replies with no model and no I/O: for unit tests, the
/// tmux end-to-end tests and `ghostchat tui-demo`. Messages containing "long" get a long
/// slow reply (to interrupt); "escape" gets terminal control sequences (to show they are
/// rendered harmlessly); "evict" evicts the oldest turns.
public final class DemoChatDriver: ChatDriver, @unchecked Sendable {
    private let lock = NSLock()
    private var sink: (@Sendable (DriverEvent) -> Void)?
    private var cancelled = false
    private var generation = 0
    private var systemPrompt: String
    private var turns: [TranscriptEntry] = []
    /// Stored chats the demo pretends to have (the picker renames and deletes them).
    private var chats: [SessionRow] = [
        SessionRow(id: "demo0001", title: "Plans for a trip to Lisbon", model: "demo-llama-1.1b.Q4_0.gguf",
                   updatedAt: Date(timeIntervalSince1970: 1_796_000_000), messages: 6),
        SessionRow(id: "demo0002", title: "Napoleon on logistics", model: "demo-llama-1.1b.Q4_0.gguf",
                   updatedAt: Date(timeIntervalSince1970: 1_795_000_000), messages: 12),
        SessionRow(id: "demo0003", title: "Réponses en français", model: "demo-llama-1.1b.Q4_0.gguf",
                   updatedAt: Date(timeIntervalSince1970: 1_794_000_000), messages: 4),
    ]
    private let tokenDelay: TimeInterval
    private let loadDelay: TimeInterval
    private let capacity = 2048
    /// The commands it answers (the caller passes the session's table).
    public let commands: [CommandSpec]

    public init(tokenDelay: TimeInterval = 0.03, loadDelay: TimeInterval = 0.05,
                systemPrompt: String = "You are a helpful, respectful and honest assistant.", commands: [CommandSpec] = []) {
        self.commands = commands
        self.tokenDelay = tokenDelay
        self.loadDelay = loadDelay
        self.systemPrompt = systemPrompt
    }

    private var header: HeaderInfo {
        HeaderInfo(model: "demo-llama-1.1b", quantization: "Q4_0", template: "llama2", systemPrompt: systemPrompt)
    }

    private func emit(_ event: DriverEvent) {
        lock.lock()
        let sink = self.sink
        lock.unlock()
        sink?(event)
    }

    private func usage() -> ContextUsage {
        lock.lock()
        defer { lock.unlock() }
        let live = turns.filter { !$0.evicted }.reduce(0) { $0 + $1.text.utf8.count / 4 + 4 }
        return ContextUsage(capacity: capacity, system: systemPrompt.utf8.count / 4 + 8, live: live, evictionThreshold: capacity * 7 / 8)
    }

    public func start(sink: @escaping @Sendable (DriverEvent) -> Void) {
        lock.lock()
        self.sink = sink
        lock.unlock()
        let delay = loadDelay
        Thread.detachNewThread { [self] in
            NcursesTerminal.prepareWorkerThread()
            for step in 1...10 {
                emit(.loading(progress: Double(step) / 10, label: "loading demo-llama-1.1b (no model: demo driver)"))
                Thread.sleep(forTimeInterval: delay)
            }
            emit(.ready(header))
            emit(.context(usage()))
        }
    }

    /// A crash to cause when a message is sent (`ghostchat tui-demo --fault`), so the tests
    /// can check that the terminal is given back even then.
    public enum Fault: String, CaseIterable, Sendable {
        /// Unbounded recursion on the thread that sends (the UI's).
        case stackOverflow = "stack-overflow"
        /// Unbounded recursion on the thread that streams the reply.
        case stackOverflowWhileReplying = "stack-overflow-while-replying"
    }

    /// Set before `start`; nil (the default) is a well-behaved demo.
    public var fault: Fault?

    /// Recurses until the stack runs out. Unoptimized, or LLVM turns the recursion into a loop.
    @inline(never) @_optimize(none)
    static func exhaustStack(_ depth: Int) -> Int {
        if depth < 0 { return 0 }
        var frame = (depth, depth, depth, depth, depth, depth, depth, depth, depth, depth, depth, depth, depth, depth, depth, depth)
        withUnsafeMutableBytes(of: &frame) { $0[0] = UInt8(truncatingIfNeeded: depth) }
        return exhaustStack(depth + 1) &+ frame.0 &+ frame.15
    }

    public func send(_ text: String) {
        switch fault {
        case .stackOverflow?:
            _ = Self.exhaustStack(0)
        case .stackOverflowWhileReplying?:
            Thread.detachNewThread {
                NcursesTerminal.prepareWorkerThread()
                _ = Self.exhaustStack(0)
            }
            return
        case nil:
            break
        }
        lock.lock()
        turns.append(TranscriptEntry(kind: .user, text: text))
        lock.unlock()
        stream(reply: Self.reply(to: text), replacingLast: false)
        if text.lowercased().contains("evict") {
            lock.lock()
            for index in turns.indices.prefix(2) { turns[index].evicted = true }
            lock.unlock()
            emit(.evicted(count: 2))
        }
    }

    private func stream(reply: String, replacingLast: Bool) {
        lock.lock()
        generation += 1
        let mine = generation
        cancelled = false
        lock.unlock()
        let delay = reply.count > 400 ? max(tokenDelay, 0.05) : tokenDelay
        Thread.detachNewThread { [self] in
            NcursesTerminal.prepareWorkerThread()
            emit(.replyStarted(replacingLast: replacingLast))
            let started = Date()
            var written = ""
            var count = 0
            for token in Self.tokens(reply) {
                lock.lock()
                let stop = cancelled || generation != mine
                lock.unlock()
                if stop { break }
                Thread.sleep(forTimeInterval: delay)
                written += token
                count += 1
                emit(.replyToken(token))
            }
            lock.lock()
            let interrupted = cancelled
            turns.append(TranscriptEntry(kind: .assistant, text: written, interrupted: interrupted))
            lock.unlock()
            let seconds = max(Date().timeIntervalSince(started), 1e-6)
            emit(.replyFinished(ReplyStats(tokens: count, tokensPerSecond: Double(count) / seconds, interrupted: interrupted)))
            emit(.context(usage()))
        }
    }

    public func cancel() {
        lock.lock()
        cancelled = true
        lock.unlock()
    }

    public func run(command name: String, argument: String) {
        switch name {
        case "system":
            if argument.isEmpty { emit(.notice("system prompt: \(systemPrompt)")); return }
            lock.lock()
            systemPrompt = argument
            lock.unlock()
            emit(.systemPromptChanged(argument))
            emit(.context(usage()))
        case "preset":
            let presets = completions(forCommand: "preset")
            if argument.isEmpty { emit(.notice("presets: " + presets.joined(separator: ", "))); return }
            run(command: "system", argument: argument == "napoleon" ? "Act as Napoleon." : "Speak in French.")
        case "template": emit(.notice(argument.isEmpty ? "template: llama2" : "template set to \(argument) (demo)"))
        case "reinforce": emit(.notice("Ghost Attention reinforcement: \(argument.isEmpty ? "on" : argument) (demo)"))
        case "check": emit(.notice("the last reply follows the system prompt (demo check)"))
        case "context":
            let u = usage()
            emit(.notice("context: \(u.used)/\(u.capacity) tokens (system \(u.system), live \(u.live)); eviction at \(u.evictionThreshold)"))
        case "save": emit(.notice("saved to \(argument.isEmpty ? "demo-session.json" : argument) (demo driver: nothing written)"))
        case "sessions":
            let parts = argument.split(separator: " ", maxSplits: 2).map(String.init)
            lock.lock()
            if parts.count == 3, parts[0] == "rename", let i = chats.firstIndex(where: { $0.id == parts[1] }) { chats[i].title = parts[2] }
            if parts.count == 2, parts[0] == "delete" { chats.removeAll { $0.id == parts[1] } }
            let list = chats
            lock.unlock()
            emit(.sessions(list))
            if !parts.isEmpty { emit(.notice("\(parts[0] == "rename" ? "renamed" : "deleted") chat \(parts.count > 1 ? parts[1] : "") (demo)")) }
        case "load":
            lock.lock()
            let chat = chats.first { $0.id == argument }
            turns = chat.map { [TranscriptEntry(kind: .user, text: $0.title), TranscriptEntry(kind: .assistant, text: "A stored demo chat.")] } ?? turns
            let shown = turns
            lock.unlock()
            guard let chat else { emit(.error("no stored chat has id '\(argument)' (demo)")); return }
            emit(.transcript(shown))
            emit(.context(usage()))
            emit(.notice("continuing chat \(chat.id) (demo)"))
        case "clear":
            lock.lock()
            turns.removeAll()
            lock.unlock()
            emit(.transcript([]))
            emit(.context(usage()))
        case "undo":
            lock.lock()
            if turns.last?.kind == .assistant { turns.removeLast() }
            if turns.last?.kind == .user { turns.removeLast() }
            lock.unlock()
            emit(.tookBack)
            emit(.context(usage()))
        case "retry":
            lock.lock()
            let lastUser = turns.last(where: { $0.kind == .user })?.text
            if turns.last?.kind == .assistant { turns.removeLast() }
            lock.unlock()
            guard let lastUser else { emit(.error("nothing to retry")); return }
            stream(reply: Self.reply(to: lastUser) + " (again)", replacingLast: true)
        case "edit":
            lock.lock()
            let last = turns.last(where: { $0.kind == .user })?.text
            lock.unlock()
            guard let last else { emit(.error("no message of yours to edit yet")); return }
            if argument.isEmpty { emit(.editLast(last)); return }
            lock.lock()
            if turns.last?.kind == .assistant { turns.removeLast() }
            if turns.last?.kind == .user { turns.removeLast() }
            turns.append(TranscriptEntry(kind: .user, text: argument))
            lock.unlock()
            emit(.tookBack)
            emit(.resent(argument))
            stream(reply: Self.reply(to: argument), replacingLast: false)
        case "info": emit(.notice("model: demo (no model file) · canned replies"))
        case "copy":
            lock.lock()
            let last = turns.last(where: { $0.kind == .assistant })?.text
            lock.unlock()
            guard let last else { emit(.error("no reply to copy yet")); return }
            emit(.copy(last))
            emit(.notice("copied the reply (\(last.count) characters) to the clipboard through the terminal (OSC 52)"))
        case "set": emit(.notice(argument.isEmpty ? "sampler: temp 0.8, top-k 40, top-p 0.95, min-p 0.05" : "set \(argument) (demo)"))
        default: emit(.error("/\(name) is not available in the demo"))
        }
    }

    public func completions(forCommand name: String) -> [String] {
        switch name {
        case "preset": return ["french", "napoleon"]
        case "template": return ["chatml", "llama2", "llama3", "vicuna"]
        default: return []
        }
    }

    public func shutdown() { cancel() }

    /// The canned reply for a message.
    static func reply(to text: String) -> String {
        let lower = text.lowercased()
        if lower.contains("long") {
            return Array(repeating: "This is a long streamed reply that keeps going so you can stop it with Esc or Ctrl-C.", count: 12)
                .joined(separator: " ")
        }
        if lower.contains("markdown") {
            return "## Markdown, drawn\nReplies show **strong**, *emphasis* and `inline code`:\n- lists with a hanging indent that wraps nicely\n"
                + "> quotes\n\n```swift\nlet reply = \"fenced code keeps its lines, clipped at the edge with an arrow when too wide\"\n```\n"
                + "F3 copies the raw text."
        }
        if lower.contains("escape") {
            // Clear screen, retitle, clipboard write (OSC 52), hyperlink (OSC 8), C1 CSI and
            // OSC, bidi overrides: a terminal must obey none of them.
            return "Raw bytes: \u{1B}[2J\u{1B}]0;pwned\u{07} and \u{1B}]52;c;cHduZWQ=\u{07} and \u{1B}]8;;https://evil.example\u{1B}\\link\u{1B}]8;;\u{1B}\\"
                + " and \u{9B}31m and \u{9D}2;c1\u{9C} and \u{202E}reversed\u{202C} \u{2067}isolate\u{2069} — all drawn visibly."
        }
        return "You said: \(text). Here is a canned reply from the demo driver with emoji 👋🏽, CJK 漢字 and café."
    }

    /// Splits text into token-like pieces (a word with its leading space).
    static func tokens(_ text: String) -> [String] {
        var pieces: [String] = []
        var current = ""
        for character in text {
            if character == " ", !current.isEmpty, current != " " {
                pieces.append(current)
                current = ""
            }
            current.append(character)
        }
        if !current.isEmpty { pieces.append(current) }
        return pieces
    }
}
