import ArgumentParser
import Chat
import ChatLlama
import ChatTUI
import Foundation
import GGUF
import Llama

/// `ghostchat chat`: a conversation with a persistent system message.
///
/// Only the plain, line-based front end exists so far; it is also what scripts and tests
/// drive, so it reads stdin line by line, streams replies to stdout and writes everything
/// else (prompts, notices, warnings) to stderr.
struct ChatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat",
        abstract: "Chat with a model; the system message stays in force for the whole chat.",
        discussion: """
            Lines starting with / are commands (/help lists them); a line ending in \\ continues \
            on the next line. Replies go to stdout, everything else to stderr. Chats are stored \
            in $XDG_DATA_HOME/ghostchat (GHOSTCHAT_DATA_DIR overrides).
            """
    )

    @Option(name: [.customShort("m"), .long], help: "Path to a GGUF model file (default: the chat's model with --resume, else $GHOSTCHAT_MODEL, else model in config.toml, else the built-in demo model).")
    var model: String?
    @Option(name: [.customShort("c"), .customLong("ctx-size")], help: "Context length in tokens (default: the model's, at most 4096).")
    var contextLength: Int?
    @Option(name: [.customShort("t"), .long], help: "Worker threads (default: number of cores).")
    var threads: Int?
    @Option(name: [.customShort("n"), .customLong("n-predict")], parsing: .unconditional, help: "Longest reply in tokens (-1 = until the model stops).")
    var maxReplyTokens: Int = -1
    @OptionGroup var sampling: SamplingOptions

    @Option(name: .long, help: "Colour theme: dark, light, high-contrast, gruvbox, or a user theme (~/.config/ghostchat/themes; default: dark).")
    var theme: String?
    @Flag(name: .long, help: "Line-based mode (automatic when stdin or stdout is not a terminal).")
    var plain = false
    @Option(name: .long, help: "The system message.")
    var system: String?
    @Option(name: .customLong("system-preset"), help: "System presets joined with + (e.g. llama2-chat+emoji+french).")
    var systemPreset: String?
    @Option(name: .long, help: "Chat template: \(TemplateName.allCases.map(\.rawValue).joined(separator: ", ")) (default: model, the model's own Jinja template).")
    var template: String?
    @Option(name: .customLong("chat-template-file"), help: "A Jinja chat template to use instead of the model's (as llama.cpp's flag).")
    var chatTemplateFile: String?
    @Flag(name: .customLong("reinforce-system"), help: "Attach the terse system constraint to each new user turn the model sees.")
    var reinforceSystem = false
    @Flag(name: .long, help: "Check replies against checkable constraints and regenerate those that break them.")
    var check = false
    @Option(name: .customLong("check-retries"), help: "Regenerations per reply when --check finds a broken rule.")
    var checkRetries: Int = 2
    @Option(name: .customLong("log-context"), help: "Append one JSON line per reply with the tokens the model saw.")
    var logContext: String?
    @Option(name: .long, help: "Continue a stored chat: its id (or a unique prefix), or 'last'.")
    var resume: String?
    @Flag(name: .long, help: "With --resume: continue a copy of the chat (a new id), e.g. while it is open elsewhere.")
    var copy = false
    @Option(name: .long, help: "Continue a chat exported with /save as JSON.")
    var load: String?
    @Flag(name: .customLong("no-store"), help: "Keep this chat in memory only.")
    var noStore = false

    func validate() throws {
        if let c = contextLength, c < 8 { throw ValidationError("-c must be at least 8") }
        if let t = threads, t < 1 { throw ValidationError("-t must be at least 1") }
        if maxReplyTokens == 0 || maxReplyTokens < -1 { throw ValidationError("-n must be positive or -1") }
        if !(0...ChatSession.checkRetryLimit).contains(checkRetries) { throw ValidationError("--check-retries must be between 0 and \(ChatSession.checkRetryLimit)") }
        if let template, TemplateName(argument: template) == nil {
            throw ValidationError("unknown template '\(template)' (known: \(TemplateName.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        if resume != nil && load != nil { throw ValidationError("--resume and --load cannot be combined") }
        if copy && resume == nil { throw ValidationError("--copy goes with --resume") }
    }

    func run() throws {
        let presets = PresetLibrary.standard()
        let config = try UserConfig.load()
        if !plain && TUILauncher.isInteractive {
            try checkModelFile(config: config)
            let driver = SessionChatDriver(presets: presets) { notice, progress in
                try makeSession(console: Console(redirect: notice), presets: presets, config: config, progress: progress)
            }
            try TUILauncher.run(driver: driver, theme: theme ?? config.theme ?? "dark", remembersTheme: true,
                                    upEditsLast: config.upEditsLast ?? false)
            if let hint = driver.resumeHint { Console().notice(hint) }
            return
        }
        let console = Console()
        let session = try makeSession(console: console, presets: presets, config: config)
        var repl = PlainChat(session: session, presets: presets, console: console)
        repl.run()
        if console.interactive, let hint = repl.session.resumeHint { console.notice(hint) }
    }

    /// Refuses a model path that is missing or not a GGUF file before the full screen opens,
    /// so the one-line error lands on the normal terminal with exit status 1 (inside the
    /// screen it would leave a chat where every message fails). A continued chat names its
    /// model in the store, which is read later; its model is checked when it loads.
    func checkModelFile(config: UserConfig) throws {
        guard resume == nil, load == nil else { return }
        let choice = try ModelChoice.resolve(flag: model, config: config)
        _ = try GGUFFile(path: choice.path)
    }

    /// Opens the store, loads the model and starts or continues the chat.
    func makeSession(console: Console, presets: PresetLibrary, config: UserConfig, progress: ((Double) -> Void)? = nil) throws -> ChatSession {
        for warning in presets.warnings { console.notice("warning: \(warning)") }
        if !config.unknownKeys.isEmpty {
            console.notice("warning: \(ChatPaths.configFile().path): unknown keys ignored: \(config.unknownKeys.joined(separator: ", ")) (known: \(UserConfig.knownKeys.joined(separator: ", ")))")
        }

        var store: SessionStore?
        if !noStore {
            do { store = try SessionStore() } catch {
                console.notice("warning: \(error); \(SessionStore.inMemoryAdvice)")
            }
        }

        // What to continue, if anything; it decides the model and context defaults.
        var previous: Transcript?
        if let resume {
            guard let store else { throw ChatError("cannot resume: the chat store is not available") }
            let id = try store.resolve(resume)
            // Open elsewhere: say so now, before the model loads (the session takes the lock).
            if !copy { _ = try store.lock(chat: id) }
            previous = try store.load(id: id)
        } else if let load {
            previous = try Self.readTranscript(load)
        }
        let choice = try ModelChoice.resolve(flag: model, transcript: previous?.metadata.model?.path, config: config)
        if choice.origin == .demo { console.notice(ModelChoice.demoNotice) }
        let contextLength = self.contextLength ?? previous?.metadata.contextLength ?? config.contextLength
        let llama = try LlamaModel(path: choice.path, contextLength: contextLength, threads: threads ?? config.threads, progress: progress)
        let engine = LlamaChatEngine(model: llama)

        let session: ChatSession
        if let previous {
            session = try ChatSession(engine: engine, transcript: previous, store: store, newID: load != nil || copy)
            console.notice("continuing chat \(session.id) (\(previous.messages.filter { $0.role != .system }.count) messages)")
            // A continued chat keeps its own settings so its next reply is the one it would
            // have given; say so rather than silently dropping what was asked for.
            var ignored: [String] = []
            let asked = sampling.settings
            var defaults = SamplerSettings()
            defaults.seed = asked.seed
            if asked != defaults || sampling.seed != nil { ignored.append("sampling flags") }
            if system != nil || systemPreset != nil { ignored.append("--system/--system-preset") }
            if template != nil { ignored.append("--template") }
            if chatTemplateFile != nil { ignored.append("--chat-template-file") }
            if maxReplyTokens != -1 { ignored.append("-n") }
            if !ignored.isEmpty {
                console.notice("note: a continued chat keeps its own settings; ignoring \(ignored.joined(separator: ", ")) (change them inside with /set, /system, /preset, /template)")
            }
        } else {
            // --chat-template-file beats --template, which beats the config; the default is
            // the model's own template.
            var templateName = TemplateName.model
            var templateSource: String?
            if let chatTemplateFile {
                let path = ChatPaths.expandingTilde(chatTemplateFile)
                guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                    throw ChatError("cannot read the chat template file \(chatTemplateFile)")
                }
                templateSource = text
            } else if let template = template ?? config.template {
                guard let name = TemplateName(argument: template) else {
                    throw ChatError("unknown template '\(template)' in \(ChatPaths.configFile().path) (known: \(TemplateName.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                templateName = name
            }
            // Flags replace the configured system message as a whole rather than adding to it.
            let fromFlags = system != nil || systemPreset != nil
            let prompt = SystemPrompt(custom: fromFlags ? system : config.system,
                                      presets: try (fromFlags ? systemPreset : config.systemPreset).map { try presets.resolve($0) } ?? [])
            var options = SessionOptions(template: templateName, templateSource: templateSource, system: prompt, sampling: SamplingParameters(sampling.settings),
                                         maxReplyTokens: maxReplyTokens, reinforceSystem: reinforceSystem,
                                         checkReplies: check, checkRetries: checkRetries)
            options.sampling.seed = sampling.settings.seed
            let pinned = ChatSession.pinnedTokenCount(options: options, engine: engine)
            guard pinned + 16 < llama.contextLength else {
                throw ChatError("the system message has \(pinned) tokens; it does not fit in the \(llama.contextLength)-token context (use -c)")
            }
            session = ChatSession(engine: engine, options: options, store: store)
        }
        for warning in session.setupWarnings { console.notice("warning: \(warning)") }
        if let logContext { session.contextLog = try ContextLog(path: logContext) }

        return session
    }

    static func readTranscript(_ path: String) throws -> Transcript { try Transcript.read(path: path) }
}
