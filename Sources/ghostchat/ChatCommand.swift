import ArgumentParser
import Chat
import ChatLlama
import Foundation
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

    @Option(name: [.customShort("m"), .long], help: "Path to a GGUF model file (default with --resume: the chat's model).")
    var model: String?
    @Option(name: [.customShort("c"), .customLong("ctx-size")], help: "Context length in tokens (default: the model's, at most 4096).")
    var contextLength: Int?
    @Option(name: [.customShort("t"), .long], help: "Worker threads (default: number of cores).")
    var threads: Int?
    @Option(name: [.customShort("n"), .customLong("n-predict")], help: "Longest reply in tokens (-1 = until the model stops).")
    var maxReplyTokens: Int = -1
    @OptionGroup var sampling: SamplingOptions

    @Flag(name: .long, help: "Line-based mode (the only mode so far; automatic when not on a terminal).")
    var plain = false
    @Option(name: .long, help: "The system message.")
    var system: String?
    @Option(name: .customLong("system-preset"), help: "System presets joined with + (e.g. llama2-chat+emoji+french).")
    var systemPreset: String?
    @Option(name: .long, help: "Chat template: \(TemplateName.allCases.map(\.rawValue).joined(separator: ", ")) (default: from the model).")
    var template: String?
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
    @Option(name: .long, help: "Continue a chat exported with /save as JSON.")
    var load: String?
    @Flag(name: .customLong("no-store"), help: "Keep this chat in memory only.")
    var noStore = false

    func validate() throws {
        if let c = contextLength, c < 8 { throw ValidationError("-c must be at least 8") }
        if let t = threads, t < 1 { throw ValidationError("-t must be at least 1") }
        if maxReplyTokens == 0 || maxReplyTokens < -1 { throw ValidationError("-n must be positive or -1") }
        if checkRetries < 0 { throw ValidationError("--check-retries must be 0 or more") }
        if let template, TemplateName(argument: template) == nil {
            throw ValidationError("unknown template '\(template)' (known: \(TemplateName.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        if resume != nil && load != nil { throw ValidationError("--resume and --load cannot be combined") }
        if model == nil && resume == nil && load == nil { throw ValidationError("missing -m/--model") }
    }

    func run() throws {
        let console = Console()
        let presets = PresetLibrary.standard()
        for warning in presets.warnings { console.notice("warning: \(warning)") }

        var store: SessionStore?
        if !noStore {
            do { store = try SessionStore() } catch {
                console.notice("warning: \(error); this chat is kept in memory only (use /save to keep it)")
            }
        }

        // What to continue, if anything; it decides the model and context defaults.
        var previous: Transcript?
        if let resume {
            guard let store else { throw ChatError("cannot resume: the chat store is not available") }
            previous = try store.load(id: try store.resolve(resume))
        } else if let load {
            previous = try Self.readTranscript(load)
        }
        guard let modelPath = model ?? previous?.metadata.model?.path else {
            throw ChatError("the chat does not name its model; give -m")
        }
        let contextLength = self.contextLength ?? previous?.metadata.contextLength
        let llama = try LlamaModel(path: modelPath, contextLength: contextLength, threads: threads)
        let engine = LlamaChatEngine(model: llama)

        let session: ChatSession
        if let previous {
            session = try ChatSession(engine: engine, transcript: previous, store: store, newID: load != nil)
            console.notice("continuing chat \(session.id) (\(previous.messages.filter { $0.role != .system }.count) messages)")
        } else {
            let templateName: TemplateName
            if let template {
                templateName = TemplateName(argument: template)!
            } else {
                let detected = TemplateDetection.detect(llama.file.string("tokenizer.chat_template"))
                if let warning = detected.warning { console.notice("warning: \(warning)") }
                templateName = detected.name
            }
            let prompt = SystemPrompt(custom: system, presets: try systemPreset.map { try presets.resolve($0) } ?? [])
            var options = SessionOptions(template: templateName, system: prompt, sampling: SamplingParameters(sampling.settings),
                                         maxReplyTokens: maxReplyTokens, reinforceSystem: reinforceSystem,
                                         checkReplies: check, checkRetries: checkRetries)
            options.sampling.seed = sampling.settings.seed
            let pinned = ContextPlanner(renderer: TemplateRenderer(tokenizer: llama.tokenizer, template: templateName.template),
                                        contextLength: llama.contextLength, reserve: 1).pinnedTokens(system: prompt.text).count
            guard pinned + 16 < llama.contextLength else {
                throw ChatError("the system message has \(pinned) tokens; it does not fit in the \(llama.contextLength)-token context (use -c)")
            }
            session = ChatSession(engine: engine, options: options, store: store)
        }
        for warning in session.setupWarnings { console.notice("warning: \(warning)") }
        if let logContext { session.contextLog = try ContextLog(path: logContext) }

        if !plain && isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1 {
            console.notice("the full-screen interface is not available yet; using plain mode")
        }
        var repl = PlainChat(session: session, presets: presets, console: console)
        repl.run()
    }

    static func readTranscript(_ path: String) throws -> Transcript {
        let url = URL(fileURLWithPath: (path as NSString).expandingTildeInPath)
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw ChatError("cannot read \(path): \(error.localizedDescription)") }
        do { return try Transcript.decode(json: data) } catch { throw ChatError("\(path): \(error)") }
    }
}
