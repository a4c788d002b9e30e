import Foundation
import Tokenizer

/// A chat: the transcript, the system message in force, and the policy that decides what the
/// model sees for each reply.
///
/// Front ends (plain mode, the TUI) drive it with `reply(to:onText:)` and slash-command
/// methods, and listen to `onEvent`. All calls must come from one thread (the engine is not
/// thread-safe); only `cancellation` may be used from another.
public final class ChatSession {
    public let engine: ChatEngine
    public internal(set) var transcript: Transcript
    /// Transcripts are written here as they grow; nil once storage failed (the chat goes on
    /// in memory) or when none was given.
    public internal(set) var store: SessionStore?
    /// This process's hold on the stored chat (nil without a store).
    var chatLock: ChatLock?
    /// Set to stop the reply being generated; what was generated so far is kept.
    public let cancellation = CancellationFlag()
    /// Warnings, evictions, regenerations … as they happen.
    public var onEvent: ((SessionEvent) -> Void)?
    /// Called once per reply with what the model saw (`--log-context`).
    public var contextLog: ContextLog?

    var renderer: TemplateRenderer
    /// The chat format as the header shows it (`llama2 (jinja)`: the model's template runs).
    public internal(set) var templateLabel = ""
    /// Token ids in the engine's KV cache, mirrored so the next context can be diffed against it.
    public internal(set) var cachedTokens: [Token] = []
    /// Stats of the latest reply.
    public internal(set) var lastStats: TurnStats?
    /// Warnings raised while setting up (template tokens missing …), for the front end to show.
    public internal(set) var setupWarnings: [String] = []

    /// Starts a new chat.
    public init(engine: ChatEngine, options: SessionOptions, store: SessionStore?) {
        self.engine = engine
        self.store = store
        var sampling = options.sampling
        sampling.repeatLastN = max(0, sampling.repeatLastN)
        let metadata = SessionMetadata(model: engine.modelInfo, template: options.template, sampling: sampling,
                                       contextLength: engine.contextLength, maxReplyTokens: options.maxReplyTokens,
                                       reinforceSystem: options.reinforceSystem, checkReplies: options.checkReplies,
                                       checkRetries: options.checkRetries)
        var system = TranscriptMessage(role: .system, content: options.system.text, systemVersion: 1)
        system.system = options.system
        system.tokenCount = engine.tokenizer.encode(options.system.text, addBOS: false, addEOS: false).count
        transcript = Transcript(metadata: metadata, messages: [system])
        transcript.metadata.templateSource = options.templateSource
        let choice = Self.chooseTemplate(options.template, source: options.templateSource, engine: engine)
        renderer = TemplateRenderer(tokenizer: engine.tokenizer, template: choice.template)
        templateLabel = choice.label
        setupWarnings = choice.warnings + renderer.warnings
        // A new id: no other process can hold it yet.
        chatLock = try? store?.lock(chat: transcript.metadata.id)
        // One transaction: a chat row is never stored without its system entry.
        persistAll()
    }

    /// Continues a stored or exported chat exactly where it stopped: same system message,
    /// settings, seed and evictions. `newID` gives a loaded export its own identity in the
    /// database, so continuing it never overwrites the chat it came from.
    public init(engine: ChatEngine, transcript: Transcript, store: SessionStore?, newID: Bool = false) throws {
        guard transcript.messages.contains(where: { $0.role == .system }) else {
            throw ChatError("the transcript has no system entry")
        }
        self.engine = engine
        self.store = store
        self.transcript = transcript
        if newID {
            self.transcript.metadata.id = UUID().uuidString.lowercased()
        }
        // A stored chat is continued by one process at a time.
        chatLock = try store?.lock(chat: self.transcript.metadata.id)
        // The context length is the engine's; a different one changes evictions from here
        // on, but never what the model saw before.
        self.transcript.metadata.contextLength = engine.contextLength
        let choice = Self.chooseTemplate(transcript.metadata.template, source: transcript.metadata.templateSource, engine: engine)
        renderer = TemplateRenderer(tokenizer: engine.tokenizer, template: choice.template)
        templateLabel = choice.label
        setupWarnings = choice.warnings + renderer.warnings
        if let saved = transcript.metadata.model, saved.headerHash != engine.modelInfo.headerHash {
            setupWarnings.append("this chat was made with \(saved.fileName) (header \(saved.headerHash)); continuing with \(engine.modelInfo.fileName)")
        }
        if newID {
            // A loaded export becomes a chat of its own in the store, written in one go.
            persistAll()
        }
    }

    /// Tokens of the pinned system turn a chat with `options` would start with (checked
    /// before the chat is created, so an oversized system message stores nothing).
    public static func pinnedTokenCount(options: SessionOptions, engine: ChatEngine) -> Int {
        let template = chooseTemplate(options.template, source: options.templateSource, engine: engine).template
        return TemplateRenderer(tokenizer: engine.tokenizer, template: template).tokens(for: template.systemParts(system: options.system.text)).count
    }

    /// The layout for `name`: a built-in, or `source` (else the model's own template) learned.
    static func chooseTemplate(_ name: TemplateName, source: String?, engine: ChatEngine) -> TemplateChoice.Resolved {
        let origin = source == nil ? "the model's chat template" : "the chat template file"
        return TemplateChoice.resolve(name, source: source ?? engine.chatTemplate, origin: origin, tokenizer: engine.tokenizer,
                                      architecture: engine.modelInfo.architecture)
    }

    // MARK: State

    public var metadata: SessionMetadata { transcript.metadata }
    public var id: String { transcript.metadata.id }

    /// The system message in force for the next reply.
    public var system: SystemPrompt {
        let entry = transcript.messages.last(where: { $0.role == .system })!
        return entry.system ?? SystemPrompt(text: entry.content)
    }

    public var systemVersion: Int { transcript.messages.last(where: { $0.role == .system })?.systemVersion ?? 1 }

    /// Replies generated so far (each gets its own seed from the chat's).
    public var replyCount: Int { transcript.messages.filter { $0.role == .assistant }.count }

    /// Positions kept free for each reply.
    public var reserve: Int {
        let n = transcript.metadata.maxReplyTokens
        let cap = max(1, engine.contextLength / 2)
        return n > 0 ? min(n, cap) : max(1, engine.contextLength / 4)
    }

    /// The context policy with this chat's template, context length and reserve.
    public var planner: ContextPlanner {
        ContextPlanner(renderer: renderer, contextLength: engine.contextLength, reserve: reserve)
    }

    /// Finished exchanges in order, with the transcript indices of their two messages and
    /// whether they were evicted.
    public func exchanges() -> [(exchange: ContextPlanner.Exchange, user: Int, assistant: Int, evicted: Bool)] {
        var result: [(ContextPlanner.Exchange, Int, Int, Bool)] = []
        var pendingUser: Int?
        for (i, message) in transcript.messages.enumerated() where message.kind == .message && !message.isWithdrawn {
            switch message.role {
            case .user where !message.excluded: pendingUser = i
            case .assistant:
                if let u = pendingUser {
                    let exchange = ContextPlanner.Exchange(index: result.count, user: transcript.messages[u].content,
                                                           reply: message.tokens ?? [])
                    result.append((exchange, u, i, message.evicted || transcript.messages[u].evicted))
                }
                pendingUser = nil
            default: break
            }
        }
        return result
    }

    // MARK: Settings

    /// Turns GAtt-style reinforcement on or off (from the next reply).
    public func setReinforce(_ on: Bool) {
        transcript.metadata.reinforceSystem = on
        persistMetadata()
    }

    /// Turns constraint checking on or off, with `retries` regenerations per reply.
    /// The most regenerations `/check on N` may ask for: each is a whole reply.
    public static let checkRetryLimit = 10

    public func setCheck(_ on: Bool, retries: Int? = nil) {
        transcript.metadata.checkReplies = on
        if let retries { transcript.metadata.checkRetries = min(Self.checkRetryLimit, max(0, retries)) }
        persistMetadata()
    }

    /// Replaces the system message from the next reply on; recorded in the transcript.
    public func setSystem(_ prompt: SystemPrompt) throws {
        let pinned = planner.pinnedTokens(system: prompt.text).count
        guard pinned + reserve < engine.contextLength else {
            throw ChatError("that system message has \(pinned) tokens; with \(reserve) kept for the reply it does not fit in the \(engine.contextLength)-token context")
        }
        var entry = TranscriptMessage(role: .system, content: prompt.text, systemVersion: systemVersion + 1)
        entry.kind = .systemChange
        entry.system = prompt
        entry.tokenCount = engine.tokenizer.encode(prompt.text, addBOS: false, addEOS: false).count
        transcript.messages.append(entry)
        persist(messageAt: transcript.messages.count - 1)
        emit(.systemChanged(version: entry.systemVersion))
    }

    /// What the model sees now and what the next turn is likely to do.
    public func contextReport() -> ContextReport {
        let all = exchanges()
        let live = all.filter { !$0.evicted }
        let hasSystem = !system.isEmpty
        let pinned = planner.pinnedTokens(system: system.text).count
        var liveTokens = 0
        for (offset, item) in live.enumerated() {
            liveTokens += planner.exchangeTokens(item.exchange, first: offset == 0, hasSystem: hasSystem, system: system.text).count
        }
        let free = engine.contextLength - pinned - liveTokens
        return ContextReport(contextLength: engine.contextLength, pinnedTokens: pinned, liveExchanges: live.count, liveTokens: liveTokens,
                             evictedExchanges: all.count - live.count, cachedTokens: cachedTokens.count, freeTokens: free,
                             reserve: reserve, evictionAhead: evictionExpected(free: free, live: live.map(\.exchange)))
    }

    /// Whether a typical next message would not fit: the average user turn so far (at
    /// least 16 tokens) plus the reply reserve.
    func evictionExpected(free: Int, live: [ContextPlanner.Exchange]) -> Bool {
        guard !live.isEmpty else { return false }
        let users = live.map { engine.tokenizer.encode($0.user, addBOS: false, addEOS: false).count + 8 }
        let typical = max(16, users.reduce(0, +) / users.count)
        return typical + reserve > free
    }

    func emit(_ event: SessionEvent) { onEvent?(event) }
}
