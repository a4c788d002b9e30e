import Chat
import ChatLlama
import Dispatch
import Foundation
import SafeText
import TUI

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
                if !buffered { console.reply(SafeText.shown(piece)) }
            }
            console.reply((buffered ? SafeText.shown(result.text) : "") + "\n")
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
        guard var line = readLine(strippingNewline: true) else {
            console.prompt("\n")  // end of input (Ctrl-D) leaves the "> " line: the shell prompt starts on its own
            return nil
        }
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

    /// Runs a command through the session's shared implementation and prints its outcome.
    mutating func perform(_ command: SlashCommand) {
        do {
            switch try session.perform(command, presets: presets) {
            case .notice(let text): console.notice(text)
            case .changed: break
            case .replaced(let chat, let notice):
                session = chat
                attach()
                for warning in chat.setupWarnings { console.notice("warning: \(warning)") }
                console.notice(notice)
            case .tookBack(let text): console.notice(ChatSession.tookBackNotice(text))
            case .retry: stream { [session] onText in try session.retry(onText: onText) }
            case .editLast(let text): console.notice("your last message:\n\(text)\n(/edit NEW TEXT replaces it and makes its reply again)")
            case .resend(let text, let replaced):
                console.notice("replacing \"\(replaced.prefix(40))\" and its reply")
                stream { [session] onText in try session.reply(to: text, onText: onText) }
            case .copy(let text, let savedTo):
                // On a terminal the sequence goes with the replies (stdout); a pipe gets none.
                let toTerminal = isatty(STDOUT_FILENO) == 1
                if toTerminal { console.reply(Clipboard.osc52(text)) }
                console.notice(ChatSession.copiedNotice(text, savedTo: savedTo, toTerminal: toTerminal))
            case .sessions(let list, _, let notice):
                if let notice { console.notice(notice); break }
                console.notice(list.isEmpty ? "no stored chats" : list.prefix(20).map(\.line).joined(separator: "\n"))
            case .help: console.notice("commands:\n" + SlashCommand.helpText)
            case .quit: break
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
