/// A slash command as the input line and help show it. The session's commands come from the
/// driver (`ChatDriver.commands`, built from the session layer's one table); the screen adds
/// its own (`screen`).
public struct CommandSpec: Equatable, Sendable {
    public let name: String
    public let aliases: [String]
    public let arguments: String
    public let summary: String
    /// Generates or rewrites the conversation, so it waits until a reply has ended.
    public let waitsForReply: Bool

    public init(name: String, aliases: [String] = [], arguments: String = "", summary: String, waitsForReply: Bool = false) {
        self.name = name
        self.aliases = aliases
        self.arguments = arguments
        self.summary = summary
        self.waitsForReply = waitsForReply
    }

    /// Commands the full screen answers itself, beside the session's.
    public static let screen: [CommandSpec] = [
        CommandSpec(name: "theme", arguments: "[NAME]", summary: "list themes or switch live"),
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

extension [CommandSpec] {
    /// The command called `name` or one of its aliases.
    func named(_ name: String) -> CommandSpec? { first { $0.name == name || $0.aliases.contains(name) } }
}

extension Substring {
    func trimmingSpaces() -> String {
        String(drop(while: { $0.isWhitespace }).reversed().drop(while: { $0.isWhitespace }).reversed())
    }
}
