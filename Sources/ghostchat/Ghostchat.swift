import ArgumentParser
import Chat
import Foundation
import SafeText

/// The `ghostchat` command: subcommands for chatting, running and inspecting models.
@main
struct Ghostchat: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ghostchat",
        abstract: "Chat with open GGUF models on your own CPU.",
        version: "0.1.0",
        subcommands: [
            RunCommand.self, TokenizeCommand.self, PerplexityCommand.self,
            InfoCommand.self, QuantizeCommand.self, BenchCommand.self,
            ChatCommand.self, SessionsCommand.self, TUIDemoCommand.self,
        ],
        defaultSubcommand: ChatCommand.self
    )

    /// Parses and runs, turning every failure into one line on stderr and exit status 1
    /// (help and version requests exit 0 as usual).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .success { exit(withError: error) }
            let message = Self.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            // Messages quote what they refuse (paths, names, values from files): never raw controls.
            FileHandle.standardError.write(Data("ghostchat: \(SafeText.shown(message))\n".utf8))
            Foundation.exit(1)
        }
    }
}
