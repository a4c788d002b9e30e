import Chat
import ChatLlama
import Dispatch
import Foundation

/// The line-based chat loop: reads stdin, runs commands, streams replies.
struct PlainChat {
    var session: ChatSession
    let presets: PresetLibrary
    let console: Console
    private var interrupt: InterruptHandler?

    init(session: ChatSession, presets: PresetLibrary, console: Console) {
        self.session = session
        self.presets = presets
        self.console = console
    }

    mutating func run() {
        interrupt = InterruptHandler()
        attach()
        if console.interactive { console.notice("chat \(session.id); /help for commands, end of input to quit") }
        while let text = readMessage() {
            if text.hasPrefix("/") && !text.hasPrefix("//") {
                let command: SlashCommand
                do { command = try SlashCommand(parsing: text) } catch { console.notice("\(error)"); continue }
                if command == .quit { break }
                perform(command)
                continue
            }
            let message = text.hasPrefix("//") ? String(text.dropFirst()) : text
            guard !message.allSatisfy(\.isWhitespace) else { continue }
            stream { [session] onText in try session.reply(to: message, onText: onText) }
        }
    }

    /// Runs one reply (a new message or a /retry), streaming it to stdout with Ctrl-C
    /// wired to stop it.
    func stream(_ produce: (_ onText: (String) -> Void) throws -> ReplyResult) {
        interrupt?.target = session.cancellation
        defer { interrupt?.target = nil }
        do {
            // A checked reply may be thrown away and generated again; stdout must only
            // ever hold the reply that counts, so checked replies are printed whole.
            let buffered = session.metadata.checkReplies && !session.system.rules.isEmpty
            let result = try produce { piece in
                if !buffered { console.reply(TerminalSanitizer.sanitize(piece)) }
            }
            console.reply((buffered ? TerminalSanitizer.sanitize(result.text) : "") + "\n")
            if result.interrupted { console.notice("reply interrupted; what was generated is kept") }
            if let check = result.check, !check.passed {
                console.notice("the reply still breaks a rule after \(check.violations.count) attempts: \((check.violations.last ?? nil) ?? "")")
            }
        } catch {
            console.notice("\(error)")
        }
    }

    /// Reads one message: a line, or several joined when each but the last ends in "\".
    func readMessage() -> String? {
        console.prompt("> ")
        guard var line = readLine(strippingNewline: true) else { return nil }
        var lines: [String] = []
        while line.hasSuffix("\\") {
            lines.append(String(line.dropLast()))
            console.prompt("… ")
            guard let next = readLine(strippingNewline: true) else { line = ""; break }
            line = next
        }
        lines.append(line)
        return lines.joined(separator: "\n")
    }

    /// Routes session events to stderr.
    func attach() {
        let console = self.console
        session.onEvent = { event in
            if let line = event.notice { console.notice(line) }
            if case .systemChanged(let version) = event { console.notice("system message v\(version) applies from the next reply") }
        }
    }

    mutating func perform(_ command: SlashCommand) {
        do {
            switch command {
            case .help: console.notice("commands:\n" + SlashCommand.helpText)
            case .system(let text):
                try session.setSystem(SystemPrompt(text: text))
            case .preset(let spec):
                try session.setSystem(SystemPrompt(custom: nil, presets: try presets.resolve(spec)))
            case .reinforce(let on):
                session.setReinforce(on)
                console.notice("reinforcement \(on ? "on" : "off")" + (on && session.system.terse.isEmpty ? " (the system message is empty: nothing to reinforce)" : ""))
            case .check(let on, let retries):
                session.setCheck(on, retries: retries)
                let rules = session.system.rules
                console.notice("checking \(on ? "on" : "off")" + (on ? (rules.isEmpty ? " (the system message has no checkable rule)" : ": \(rules.map(\.description).joined(separator: ", ")), up to \(session.metadata.checkRetries) retries") : ""))
            case .context:
                console.notice(session.contextReport().summary)
            case .stats:
                guard let s = session.lastStats else { console.notice("no reply yet"); break }
                console.notice("last reply: \(s.evaluated) tokens evaluated, \(s.cacheHit) reused from the cache, \(s.generated) generated, \(s.evictedExchanges) exchanges evicted, \(s.attempts) attempt(s), stopped: \(s.stop)")
            case .save(let path):
                let target = path ?? "ghostchat-\(session.id.prefix(8)).json"
                try session.save(to: target)
                console.notice("saved \(target)")
            case .load(let path):
                let transcript = try ChatCommand.readTranscript(path)
                let loaded = try ChatSession(engine: session.engine, transcript: transcript, store: session.store, newID: true)
                loaded.contextLog = session.contextLog
                session = loaded
                attach()
                for warning in loaded.setupWarnings { console.notice("warning: \(warning)") }
                console.notice("loaded \(path) as chat \(loaded.id) (\(transcript.messages.filter { $0.role != .system }.count) messages)")
            case .template(let name):
                guard let template = TemplateName(argument: name) else {
                    throw ChatError("unknown template '\(name)' (one of: \(TemplateName.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                session.setTemplate(template)
                console.notice("template \(template.rawValue) from the next reply")
            case .set(let name, let value):
                try session.set(name, to: value)
                console.notice("\(name) = \(value) from the next reply")
            case .retry:
                stream { [session] onText in try session.retry(onText: onText) }
            case .undo:
                let text = try session.undo()
                console.notice(ChatSession.tookBackNotice(text))
            case .clear:
                session = session.fresh()
                attach()
                console.notice("new chat \(session.id) (same system message and settings)")
            case .sessions:
                guard let store = session.store else { throw ChatError("chats are not being stored (see --no-store or the warning above)") }
                let list = try store.list()
                console.notice(list.isEmpty ? "no stored chats" : list.prefix(20).map { SessionsCommand.line(for: $0) }.joined(separator: "\n"))
            case .quit:
                break
            }
        } catch {
            console.notice("\(error)")
        }
    }
}

/// Ctrl-C stops the reply being generated (kept, marked interrupted); between replies it
/// ends the chat like end of input would.
final class InterruptHandler: @unchecked Sendable {
    private let lock = NSLock()
    private var _target: CancellationFlag?
    private let source: DispatchSourceSignal

    var target: CancellationFlag? {
        get { lock.withLock { _target } }
        set { lock.withLock { _target = newValue } }
    }

    init() {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [weak self] in
            if let flag = self?.target { flag.cancel() } else { exit(0) }
        }
        source.resume()
    }
}
