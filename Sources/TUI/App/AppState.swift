/// Everything the chat screen shows. `update` is the only thing that changes it and
/// `AppView.render` the only thing that draws it.
public struct AppState: Equatable, Sendable {
    /// What the session is doing.
    public enum Phase: Equatable, Sendable {
        case loading(progress: Double, label: String)
        case idle
        case generating
        /// Cancel was requested; tokens still in flight arrive (they are in the stored reply).
        case stopping
    }

    /// A modal layer over the chat.
    public enum Overlay: Equatable, Sendable {
        case help(scroll: Int)
        case confirmQuit
        /// The stored chats (F5, /sessions).
        case sessions(SessionPicker)
    }

    public var rows: Int
    public var columns: Int
    public var header = HeaderInfo.empty
    public var headerExpanded = false
    public var entries: [TranscriptEntry] = []
    public var phase: Phase = .loading(progress: 0, label: "starting")
    public var editor = LineEditor()
    public var history = InputHistory()
    /// First conversation line shown; nil follows the newest line (auto-scroll).
    public var scrollTop: Int?
    public var overlay: Overlay?
    public var context = ContextUsage.empty
    public var lastStats: ReplyStats?
    /// Tokens of the reply being streamed.
    public var streamingTokens = 0
    /// The entry the reply being streamed goes to, wherever notices that arrive meanwhile
    /// (an eviction before its first token, a warning after) are placed.
    public var replyEntry: Int?
    /// Candidates of the last Tab press, shown in the status bar until the next edit.
    public var completions: [String] = []
    public var completionIndex: Int?
    /// What precedes the candidate being cycled: "/" for names, "/theme " for arguments.
    public var completionPrefix = "/"
    public var themeName: String
    public var themeNames: [String]
    /// A short message in the status bar (cleared by the next key).
    public var flash: String?
    /// Whether the mouse wheel scrolls the chat. Off by default: capturing the mouse would
    /// take away the terminal's own text selection.
    public var mouseWheel = false
    /// Ctrl-R's search through sent inputs: what is typed, the entry found, and the input
    /// line from before the search (Esc puts it back).
    public struct HistorySearch: Equatable, Sendable {
        public var query = ""
        public var match: Int?
        public var draft: String
        /// The last search found nothing (the entry shown, if any, is an earlier find).
        public var failing = false
    }
    public var historySearch: HistorySearch?
    /// The input line holds your last message for `/edit`: Enter replaces that exchange.
    public var editingLast = false
    /// Up on an empty prompt edits your last message (config `up-edits-last`); Ctrl-P and
    /// Ctrl-N browse the input history either way.
    public var upEditsLast = false
    public var shouldQuit = false
    public var spinnerFrame = 0
    /// Slash commands: the driver's, then the screen's own.
    public var commands: [CommandSpec] = CommandSpec.screen
    /// Argument completions the driver offers, by command name.
    public var commandArguments: [String: [String]] = [:]
    /// The wrapped conversation from the previous frame (a cache: not part of equality).
    public let conversationLayout = ConversationLayout()

    public init(rows: Int, columns: Int, themeName: String = "dark", themeNames: [String] = []) {
        self.rows = rows
        self.columns = columns
        self.themeName = themeName
        self.themeNames = themeNames
    }

    public var isBusy: Bool { phase == .generating || phase == .stopping }

    /// The context as the status bar shows it: while a reply streams, its tokens so far count
    /// as live (the driver reports the placed prompt when the reply starts).
    public var shownContext: ContextUsage {
        var usage = context
        if isBusy { usage.live += streamingTokens }
        return usage
    }
    /// Whether Up on the empty prompt would edit your last message now.
    public var upWouldEdit: Bool {
        upEditsLast && editor.isEmpty && !editingLast && !isBusy && !isLoading && entries.contains { $0.kind == .user }
    }

    public var isLoading: Bool {
        if case .loading = phase { return true }
        return false
    }
}
