import Foundation

/// The in-chat commands, parsed once here so plain mode and the TUI understand the same ones.
public enum SlashCommand: Equatable, Sendable {
    case help
    case system(String)
    case preset(String)
    case reinforce(Bool)
    case check(Bool, retries: Int?)
    case context
    case save(String?)
    case load(String)
    case stats
    case template(String)
    case set(name: String, value: String)
    case retry
    case undo
    case clear
    case sessions
    case quit

    /// Help text, one command per line.
    public static let helpText = """
        /system TEXT        replace the system message (from the next reply)
        /preset NAME[+NAME] system message from presets (e.g. emoji+french)
        /reinforce on|off   attach the terse constraint to each user turn the model sees
        /check on|off [N]   verify replies against checkable constraints, retry up to N times
        /context            what the model sees: pinned tokens, live and evicted turns, free space
        /save [PATH]        export the chat (.json complete, .md readable)
        /load PATH.json     continue an exported chat
        /stats              counters of the last reply
        /template NAME      switch the chat template (llama2, chatml, vicuna, …)
        /set NAME VALUE     sampler setting: temp, top-k, top-p, min-p, repeat-penalty, seed, n
        /retry              generate the last reply again
        /undo               take back the last exchange
        /clear              start a new chat with the same system message and settings
        /sessions           list stored chats
        /quit               end the chat (so does end of input)
        //text              send a message that starts with /
        """

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
        case "system":
            guard !argument.isEmpty else { throw ChatError("usage: /system TEXT") }
            self = .system(argument)
        case "preset":
            guard !argument.isEmpty else { throw ChatError("usage: /preset NAME[+NAME…]") }
            self = .preset(argument)
        case "reinforce": self = .reinforce(try onOff())
        case "check":
            let parts = argument.split(separator: " ")
            var retries: Int?
            if parts.count == 2 {
                guard let n = Int(parts[1]), n >= 0 else { throw ChatError("usage: /check on|off [RETRIES]") }
                retries = n
            } else if parts.count > 2 {
                throw ChatError("usage: /check on|off [RETRIES]")
            }
            self = .check(try onOff(), retries: retries)
        case "context": self = try noArgument(.context)
        case "save": self = .save(argument.isEmpty ? nil : argument)
        case "load":
            guard !argument.isEmpty else { throw ChatError("usage: /load PATH.json") }
            self = .load(argument)
        case "stats": self = try noArgument(.stats)
        case "template":
            guard !argument.isEmpty else { throw ChatError("usage: /template NAME") }
            self = .template(argument)
        case "set":
            let parts = argument.split(separator: " ", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw ChatError("usage: /set NAME VALUE") }
            self = .set(name: parts[0], value: parts[1].trimmingCharacters(in: .whitespaces))
        case "retry": self = try noArgument(.retry)
        case "undo": self = try noArgument(.undo)
        case "clear", "new": self = try noArgument(.clear)
        case "sessions": self = try noArgument(.sessions)
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
