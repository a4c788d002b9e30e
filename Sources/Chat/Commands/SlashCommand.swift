import Foundation

/// The in-chat commands, parsed once here so plain mode and the TUI understand the same ones.
public enum SlashCommand: Equatable, Sendable {
    case help
    /// `/system TEXT`; an empty text shows the current system message.
    case system(String)
    /// `/preset NAME[+NAME…]`; an empty spec lists the presets.
    case preset(String)
    case reinforce(Bool)
    case check(Bool, retries: Int?)
    case context
    /// `/save [PATH]`; `/save! PATH` replaces an existing file.
    case save(String?, force: Bool = false)
    /// A stored chat's id (or a unique prefix of it), or the path of an exported JSON file.
    case load(String)
    case stats
    /// `/template NAME`; an empty name shows the current template.
    case template(String)
    case set(name: String, value: String)
    /// `/set` alone: every sampler setting and the reply length.
    case showSettings
    case retry
    case undo
    case clear
    /// `/sessions`, `/sessions rename ID TITLE`, `/sessions delete ID`.
    case sessions(SessionsAction)
    /// `/edit [TEXT]`: your last message back in the editor, or replaced by TEXT.
    case edit(String)
    /// `/info`: the model card.
    case info
    /// `/copy [N]`: the last reply, or the Nth from last, to the clipboard.
    case copy(Int?)
    case quit

    /// What `/sessions` does with the stored chats.
    public enum SessionsAction: Equatable, Sendable {
        case list
        /// A chat (id, unique prefix or "last") gets a title.
        case rename(String, title: String)
        case delete(String)
    }

    /// One command as both front ends show it: name, aliases, argument syntax, one-line summary.
    public struct Spec: Equatable, Sendable {
        public let name: String
        public let aliases: [String]
        public let arguments: String
        public let summary: String
        /// Generates or rewrites the conversation, so it waits until a reply has ended.
        public let waitsForReply: Bool
    }

    /// The one table of in-chat commands, in help order. Plain mode and the full screen accept
    /// exactly these (the full screen adds its own /theme); `/help` and F1 list them.
    public static let specs: [Spec] = [
        Spec(name: "help", aliases: ["?"], arguments: "", summary: "keys and commands (F1 in the full screen)", waitsForReply: false),
        Spec(name: "system", aliases: [], arguments: "[TEXT]", summary: "show or replace the system message (from the next reply)", waitsForReply: true),
        Spec(name: "preset", aliases: [], arguments: "[NAME[+NAME]]", summary: "list presets, or set the system message from them", waitsForReply: true),
        Spec(name: "template", aliases: [], arguments: "[NAME]", summary: "show or switch the chat template", waitsForReply: true),
        Spec(name: "reinforce", aliases: [], arguments: "on|off", summary: "attach the terse constraint to each user turn", waitsForReply: false),
        Spec(name: "check", aliases: [], arguments: "on|off [N]", summary: "check replies against the rules, retry up to N times", waitsForReply: false),
        Spec(name: "context", aliases: [], arguments: "", summary: "what the model sees: pinned, live, evicted, free", waitsForReply: false),
        Spec(name: "stats", aliases: [], arguments: "", summary: "counters of the last reply", waitsForReply: false),
        Spec(name: "info", aliases: [], arguments: "", summary: "the model: architecture, quantization, parameters, context, template", waitsForReply: false),
        Spec(name: "set", aliases: [], arguments: "[NAME VALUE]", summary: "show or change temp, top-k, top-p, min-p, seed, n, …", waitsForReply: false),
        Spec(name: "save", aliases: ["save!"], arguments: "[PATH]", summary: "export the chat (.json complete, .md readable); /save! replaces a file", waitsForReply: false),
        Spec(name: "load", aliases: [], arguments: "ID|PATH.json", summary: "continue a stored chat or an exported file", waitsForReply: true),
        Spec(name: "sessions", aliases: [], arguments: "[rename ID TITLE|delete ID]", summary: "stored chats (F5 in the full screen): list, rename, delete", waitsForReply: false),
        Spec(name: "copy", aliases: [], arguments: "[N]", summary: "copy the last reply (or the Nth from last) to the clipboard", waitsForReply: false),
        Spec(name: "retry", aliases: [], arguments: "", summary: "generate the last reply again", waitsForReply: true),
        Spec(name: "undo", aliases: [], arguments: "", summary: "take back your last message and its reply", waitsForReply: true),
        Spec(name: "edit", aliases: [], arguments: "[TEXT]", summary: "edit your last message (TEXT: replace it); its reply is made again", waitsForReply: true),
        Spec(name: "clear", aliases: ["new"], arguments: "", summary: "new chat, same system message and settings", waitsForReply: true),
        Spec(name: "quit", aliases: ["exit", "q"], arguments: "", summary: "end the chat (also Ctrl-D)", waitsForReply: false),
    ]

    /// The spec named `name` (or one of its aliases).
    public static func spec(named name: String) -> Spec? {
        let name = name.lowercased()
        return specs.first { $0.name == name || $0.aliases.contains(name) }
    }

    /// `/help` in plain mode: the table, one command per line.
    public static var helpText: String {
        let rows = specs.map { ("/" + $0.name + ($0.arguments.isEmpty ? "" : " " + $0.arguments), $0.summary) }
            + [("//text", "send a message that starts with /")]
        let width = rows.map(\.0.count).max() ?? 0
        return rows.map { "  " + $0.0.padding(toLength: width + 2, withPad: " ", startingAt: 0) + $0.1 }.joined(separator: "\n")
    }

    /// Parses a line that starts with "/". Throws a one-line explanation for anything else.
    public init(parsing line: String) throws {
        let body = line.dropFirst()
        let name = body.prefix(while: { !$0.isWhitespace }).lowercased()
        let argument = body.dropFirst(name.count).trimmingWhitespace()
        func noArgument(_ command: SlashCommand) throws -> SlashCommand {
            guard argument.isEmpty else { throw ChatError("/\(name) takes no argument") }
            return command
        }
        func onOff() throws -> Bool {
            switch argument.split(separator: " ").first.map({ $0.lowercased() }) {
            case "on": return true
            case "off": return false
            default: throw ChatError("usage: /\(name) on|off")
            }
        }
        switch name {
        case "help", "?": self = try noArgument(.help)
        case "system": self = .system(argument)
        case "preset": self = .preset(argument)
        case "reinforce": self = .reinforce(try onOff())
        case "check":
            let parts = argument.split(separator: " ")
            var retries: Int?
            if parts.count == 2 {
                guard let n = Int(parts[1]), (0...ChatSession.checkRetryLimit).contains(n) else {
                    throw ChatError("usage: /check on|off [RETRIES] (0 to \(ChatSession.checkRetryLimit))")
                }
                retries = n
            } else if parts.count > 2 {
                throw ChatError("usage: /check on|off [RETRIES]")
            }
            self = .check(try onOff(), retries: retries)
        case "context": self = try noArgument(.context)
        case "save", "save!": self = .save(argument.isEmpty ? nil : argument, force: name == "save!")
        case "load":
            guard !argument.isEmpty else { throw ChatError("usage: /load ID|PATH.json (/sessions lists the ids)") }
            self = .load(argument)
        case "stats": self = try noArgument(.stats)
        case "info": self = try noArgument(.info)
        case "template": self = .template(argument)
        case "set":
            if argument.isEmpty { self = .showSettings; return }
            let parts = argument.split(separator: " ", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw ChatError("usage: /set NAME VALUE") }
            self = .set(name: parts[0], value: parts[1].trimmingCharacters(in: .whitespaces))
        case "retry": self = try noArgument(.retry)
        case "undo": self = try noArgument(.undo)
        case "edit": self = .edit(argument)
        case "clear", "new": self = try noArgument(.clear)
        case "sessions":
            let usage = ChatError("usage: /sessions, /sessions rename ID TITLE, /sessions delete ID")
            let parts = argument.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true).map(String.init)
            switch parts.first?.lowercased() {
            case nil: self = .sessions(.list)
            case "rename":
                guard parts.count == 3 else { throw usage }
                self = .sessions(.rename(parts[1], title: parts[2].trimmingCharacters(in: .whitespaces)))
            case "delete":
                guard parts.count == 2 else { throw usage }
                self = .sessions(.delete(parts[1]))
            default: throw usage
            }
        case "copy":
            if argument.isEmpty { self = .copy(nil); return }
            guard let n = Int(argument), n >= 1 else { throw ChatError("usage: /copy [N] (1 is the last reply, 2 the one before)") }
            self = .copy(n)
        case "quit", "exit", "q": self = try noArgument(.quit)
        default: throw ChatError("unknown command /\(name) (/help lists them)")
        }
    }
}

extension Substring {
    func trimmingWhitespace() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
