import Chat
import TUI

extension CommandSpec {
    /// The session layer's command table (`SlashCommand.specs`) as the full screen lists it.
    public static let session: [CommandSpec] = SlashCommand.specs.map {
        CommandSpec(name: $0.name, aliases: $0.aliases, arguments: $0.arguments, summary: $0.summary, waitsForReply: $0.waitsForReply)
    }
}
