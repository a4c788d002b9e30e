import Chat
import Dispatch
import Foundation
import TUI

/// Drives a `ChatSession` for the full-screen UI.
///
/// The session and the engine are not thread-safe, so one serial queue owns them: loading,
/// replies and commands run there in order, and their results go back to the UI as
/// `DriverEvent`s. Only cancellation crosses threads (its flag is thread-safe).
public final class SessionChatDriver: ChatDriver, @unchecked Sendable {
    public typealias SessionFactory = (_ notice: @escaping (String) -> Void, _ progress: @escaping (Double) -> Void) throws -> ChatSession

    private let queue = DispatchQueue(label: "ghostchat.session")

    /// Runs `work` on the session queue, on a thread prepared to give the terminal back
    /// even after a stack overflow.
    private func onQueue(_ work: @escaping @Sendable () -> Void) {
        queue.async {
            NcursesTerminal.prepareWorkerThread()
            work()
        }
    }
    private let makeSession: SessionFactory
    private let presets: PresetLibrary
    private var sink: (@Sendable (DriverEvent) -> Void)?
    /// Owned by `queue`.
    private var session: ChatSession?
    private let lock = NSLock()
    private var cancellation: CancellationFlag?

    public init(presets: PresetLibrary, makeSession: @escaping SessionFactory) {
        self.presets = presets
        self.makeSession = makeSession
    }

    private func emit(_ event: DriverEvent) { sink?(event) }

    /// The session's commands, from the one table both front ends share.
    public var commands: [CommandSpec] { CommandSpec.session }

    public func start(sink: @escaping @Sendable (DriverEvent) -> Void) {
        self.sink = sink
        onQueue { [self] in
            emit(.loading(progress: 0, label: "loading model…"))
            // Notices raised while loading (the store could not be opened …) are held back:
            // shown before the transcript arrives, they would be replaced by it unseen.
            let early = NoticeBuffer()
            do {
                let chat = try makeSession({ line in early.append(line) },
                                           { [weak self] fraction in self?.emit(.loading(progress: fraction, label: "loading model…")) })
                adopt(chat)
                emit(.loading(progress: 1, label: "ready"))
                emit(.ready(header(chat)))
                emit(.transcript(entries(chat)))
                emit(.context(usage(chat)))
                for line in early.lines { emit(.notice(line)) }
                for warning in chat.setupWarnings { emit(.notice("warning: \(warning)")) }
            } catch {
                for line in early.lines { emit(.notice(line)) }
                emit(.error("\(error)"))
            }
        }
    }

    /// Makes `chat` the current session and routes its events to the UI.
    private func adopt(_ chat: ChatSession) {
        session = chat
        lock.withLock { cancellation = chat.cancellation }
        chat.onEvent = { [weak self, unowned chat] event in
            guard let self else { return }
            switch event {
            case .evicted(let exchanges, _): emit(.evicted(count: exchanges * 2))
            case .promptPlaced(let pinned, let tokens):
                // The bar shows the placed prompt; the UI adds the reply's tokens as they come.
                emit(.context(ContextUsage(capacity: chat.engine.contextLength, system: pinned, live: tokens - pinned,
                                           evictionThreshold: chat.engine.contextLength - chat.reserve)))
            case .systemChanged:
                emit(.systemPromptChanged(chat.system.text))
                emit(.header(header(chat)))
            case .warning, .evictionAhead, .regenerating, .contextFull: break
            }
            if let line = event.notice { emit(.notice(line)) }
            if case .regenerating = event { emit(.replyStarted(replacingLast: true)) }
        }
    }

    public func send(_ text: String) {
        onQueue { [self] in
            guard let session else { emit(.error("the model is not loaded")); return }
            stream(session) { onText in try session.reply(to: text, onText: onText) }
        }
    }

    /// Streams one reply to the UI and reports its numbers.
    private func stream(_ session: ChatSession, replacingLast: Bool = false, _ produce: (_ onText: (String) -> Void) throws -> ReplyResult) {
        emit(.replyStarted(replacingLast: replacingLast))
        let started = DispatchTime.now()
        do {
            let result = try produce { piece in emit(.replyToken(piece)) }
            let seconds = max(1e-6, Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9)
            emit(.replyFinished(ReplyStats(tokens: result.stats.generated, tokensPerSecond: Double(result.stats.generated) / seconds,
                                           interrupted: result.interrupted)))
            if let check = result.check, !check.passed {
                emit(.notice("the reply still breaks a rule after \(check.violations.count) attempts: \((check.violations.last ?? nil) ?? "")"))
            }
        } catch {
            emit(.replyFinished(ReplyStats(tokens: 0, tokensPerSecond: 0, failed: true)))
            emit(.error("\(error)"))
        }
        emit(.context(usage(session)))
    }

    public func cancel() {
        lock.withLock { cancellation }?.cancel()
    }

    public func run(command name: String, argument: String) {
        onQueue { [self] in
            guard let session else { emit(.error("the model is not loaded")); return }
            do { try perform(name: name, argument: argument, session: session) } catch { emit(.error("\(error)")) }
        }
    }

    private func perform(name: String, argument: String, session: ChatSession) throws {
        let command = try SlashCommand(parsing: "/\(name) \(argument)")
        switch try session.perform(command, presets: presets) {
        case .notice(let text): emit(.notice(text))
        case .changed, .help, .quit: break  // system changes arrive as session events; the UI shows help and quits
        case .replaced(let chat, let notice): replace(with: chat, notice: notice)
        case .tookBack(let text):
            emit(.tookBack)
            emit(.context(usage(session)))
            emit(.notice(ChatSession.tookBackNotice(text)))
        case .retry: stream(session, replacingLast: true) { onText in try session.retry(onText: onText) }
        case .editLast(let text): emit(.editLast(text))
        case .resend(let text, _):
            emit(.tookBack)
            emit(.resent(text))
            stream(session) { onText in try session.reply(to: text, onText: onText) }
        case .sessions(let list, let current, let notice):
            emit(.sessions(list.map { chat in
                SessionRow(id: chat.id, title: chat.title, model: chat.modelFile ?? "", updatedAt: chat.updatedAt,
                           messages: chat.messageCount, isCurrent: chat.id == current)
            }))
            if let notice { emit(.notice(notice)) }
        case .copy(let text, let savedTo):
            emit(.copy(text))
            emit(.notice(ChatSession.copiedNotice(text, savedTo: savedTo, toTerminal: true)))
        }
    }

    private func replace(with chat: ChatSession, notice: String) {
        adopt(chat)
        emit(.header(header(chat)))
        emit(.transcript(entries(chat)))
        emit(.context(usage(chat)))
        emit(.notice(notice))
    }

    public func completions(forCommand name: String) -> [String] {
        switch name {
        case "preset": return presets.names
        case "template": return TemplateName.allCases.map(\.rawValue)
        case "set": return ChatSession.settingNames
        case "reinforce", "check": return ["on", "off"]
        case "sessions": return ["rename", "delete"]
        default: return []
        }
    }

    public func shutdown() {
        cancel()
        queue.sync {}
    }

    /// `ChatSession.resumeHint` of the chat open at the end (after any /load or /clear).
    public var resumeHint: String? {
        queue.sync { session?.resumeHint }
    }

    // MARK: Mapping session state to the UI's

    private func header(_ chat: ChatSession) -> HeaderInfo {
        let model = chat.metadata.model
        let presetNames = chat.system.presets.joined(separator: "+")
        return HeaderInfo(model: model?.name ?? model?.fileName ?? "model", quantization: model?.quantization ?? "",
                          template: chat.templateLabel, systemPrompt: chat.system.text,
                          preset: presetNames.isEmpty ? nil : presetNames)
    }

    private func usage(_ chat: ChatSession) -> ContextUsage {
        let report = chat.contextReport()
        return ContextUsage(capacity: report.contextLength, system: report.pinnedTokens, live: report.liveTokens,
                            evictionThreshold: report.contextLength - report.reserve)
    }

    private func entries(_ chat: ChatSession) -> [TranscriptEntry] {
        var result: [TranscriptEntry] = []
        for message in chat.transcript.messages where !message.isWithdrawn {
            switch message.role {
            case .system:
                if !message.content.isEmpty { result.append(TranscriptEntry(kind: .systemPrompt, text: message.content)) }
            case .user:
                result.append(TranscriptEntry(kind: .user, text: message.content, evicted: message.evicted))
                if message.excluded { result.append(TranscriptEntry(kind: .notice, text: "(not sent: too long for the context)")) }
            case .assistant:
                result.append(TranscriptEntry(kind: .assistant, text: message.content, evicted: message.evicted, interrupted: message.interrupted))
            }
        }
        return result
    }
}

/// Lines collected on the session queue while the model loads.
private final class NoticeBuffer: @unchecked Sendable {
    private(set) var lines: [String] = []
    func append(_ line: String) { lines.append(line) }
}
