/// Everything a driver reports to the UI.
public enum DriverEvent: Equatable, Sendable {
    /// Model loading progress in 0…1 with a short label ("loading weights").
    case loading(progress: Double, label: String)
    /// The session is ready; also sent again whenever header facts change.
    case ready(HeaderInfo)
    case header(HeaderInfo)
    case context(ContextUsage)
    /// A reply began (for `/retry` the UI drops the previous reply first).
    case replyStarted(replacingLast: Bool)
    /// Decoded text of one or more tokens (raw: the UI sanitizes it).
    case replyToken(String)
    case replyFinished(ReplyStats)
    /// The system prompt changed mid-chat; shown as a marker in the conversation.
    case systemPromptChanged(String)
    /// The oldest `count` live turns were evicted from the context (greyed in the pane).
    case evicted(count: Int)
    /// The driver replaced the whole conversation (`/load`, `/clear`).
    case transcript([TranscriptEntry])
    /// `/undo`: the last user message and its reply, if any, were taken back (notices stay).
    case tookBack
    /// `/edit`: your last message, to edit in the input line (Enter replaces that exchange).
    case editLast(String)
    /// `/edit TEXT`, after `tookBack`: your message as edited, its reply follows.
    case resent(String)
    /// `/sessions`: the stored chats, newest first. Opens the picker, or refreshes it after a
    /// rename or delete.
    case sessions([SessionRow])
    /// `/copy`: put this text on the clipboard (the notice about it follows).
    case copy(String)
    /// A line of command output or information.
    case notice(String)
    case error(String)
}

/// Facts shown in the header.
public struct HeaderInfo: Equatable, Sendable {
    public var model: String
    public var quantization: String
    public var template: String
    public var systemPrompt: String
    public var preset: String?

    public init(model: String, quantization: String, template: String, systemPrompt: String, preset: String? = nil) {
        self.model = model
        self.quantization = quantization
        self.template = template
        self.systemPrompt = systemPrompt
        self.preset = preset
    }

    public static let empty = HeaderInfo(model: "", quantization: "", template: "", systemPrompt: "")
}

/// Where the context window's tokens go: the pinned system prompt, live turns, and what is
/// free. `evictionThreshold` is the fill level at which the oldest turns get evicted.
public struct ContextUsage: Equatable, Sendable {
    public var capacity: Int
    public var system: Int
    public var live: Int
    public var evictionThreshold: Int

    public init(capacity: Int, system: Int, live: Int, evictionThreshold: Int? = nil) {
        self.capacity = max(0, capacity)
        self.system = max(0, system)
        self.live = max(0, live)
        self.evictionThreshold = evictionThreshold ?? capacity
    }

    public var used: Int { system + live }
    public var free: Int { max(0, capacity - used) }
    /// Warn once the context is within 10 % of the eviction point.
    public var nearEviction: Bool { capacity > 0 && Double(used) >= Double(evictionThreshold) * 0.9 }

    public static let empty = ContextUsage(capacity: 0, system: 0, live: 0)
}

/// Numbers about the last reply.
public struct ReplyStats: Equatable, Sendable {
    public var tokens: Int
    public var tokensPerSecond: Double
    public var interrupted: Bool
    /// No reply was made (the message did not fit, the engine failed): an empty reply block
    /// is removed rather than shown as interrupted.
    public var failed: Bool

    public init(tokens: Int, tokensPerSecond: Double, interrupted: Bool = false, failed: Bool = false) {
        self.tokens = tokens
        self.tokensPerSecond = tokensPerSecond
        self.interrupted = interrupted
        self.failed = failed
    }
}
