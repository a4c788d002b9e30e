/// The thing the UI drives: a chat session over a model. The UI never blocks on it; every
/// result comes back as a `DriverEvent` through the sink given to `start`, from any thread.
///
/// Implementations: `SessionChatDriver` (module `ChatTUI`, over the session manager) and
/// `DemoChatDriver` (module `TUIDemo`: canned replies for `ghostchat tui-demo` and tests).
public protocol ChatDriver: AnyObject {
    /// Begins loading (model, session) and keeps `sink` for all later events. Called once,
    /// before anything else.
    func start(sink: @escaping @Sendable (DriverEvent) -> Void)
    /// Sends a user message and streams the reply as `.replyStarted`, `.replyToken`…,
    /// `.replyFinished`.
    func send(_ text: String)
    /// Stops the current reply as soon as possible; the partial reply stays in the session.
    func cancel()
    /// Runs a slash command the UI does not handle itself (`name` without the slash).
    func run(command name: String, argument: String)
    /// The session's slash commands, for help, completion and validation (the screen adds
    /// its own).
    var commands: [CommandSpec] { get }
    /// Values Tab completes for a command's argument (presets, templates, sessions).
    func completions(forCommand name: String) -> [String]
    /// Stops work before exit; finished turns are already stored.
    func shutdown()
}

extension ChatDriver {
    public func completions(forCommand name: String) -> [String] { [] }
}
