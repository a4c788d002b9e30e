/// A slash command the input line understands.
public struct SlashCommand: Equatable, Sendable {
    public let name: String
    public let arguments: String
    public let summary: String

    /// The commands of issue #5, in help order.
    public static let all: [SlashCommand] = [
        .init(name: "help", arguments: "", summary: "show keys and commands (also F1)"),
        .init(name: "system", arguments: "[text]", summary: "show or set the system prompt"),
        .init(name: "preset", arguments: "[name]", summary: "list or apply a system-prompt preset"),
        .init(name: "template", arguments: "[name]", summary: "show or set the chat template"),
        .init(name: "reinforce", arguments: "[on|off]", summary: "re-send the system prompt (Ghost Attention)"),
        .init(name: "check", arguments: "", summary: "check the reply still follows the system prompt"),
        .init(name: "context", arguments: "", summary: "show context usage and eviction policy"),
        .init(name: "save", arguments: "[file]", summary: "save the transcript"),
        .init(name: "load", arguments: "<session>", summary: "load a saved session"),
        .init(name: "sessions", arguments: "", summary: "list saved sessions"),
        .init(name: "clear", arguments: "", summary: "start a new conversation"),
        .init(name: "retry", arguments: "", summary: "regenerate the last reply"),
        .init(name: "undo", arguments: "", summary: "drop the last exchange"),
        .init(name: "theme", arguments: "[name]", summary: "list themes or switch live"),
        .init(name: "set", arguments: "<key> <value>", summary: "sampler settings (temp, top-k, top-p, …)"),
        .init(name: "quit", arguments: "", summary: "leave ghostchat (also Ctrl-D)"),
    ]

    /// Splits "/name rest" into the name and its argument text; nil when not a command.
    /// "//text" is an escape for a message that starts with a slash.
    public static func parse(_ line: String) -> (name: String, argument: String)? {
        guard line.hasPrefix("/"), !line.hasPrefix("//") else { return nil }
        let body = line.dropFirst()
        let name = body.prefix { !$0.isWhitespace }
        guard !name.isEmpty else { return nil }
        let argument = body.dropFirst(name.count).trimmingSpaces()
        return (String(name).lowercased(), argument)
    }
}

extension Substring {
    func trimmingSpaces() -> String {
        String(drop(while: { $0.isWhitespace }).reversed().drop(while: { $0.isWhitespace }).reversed())
    }
}
