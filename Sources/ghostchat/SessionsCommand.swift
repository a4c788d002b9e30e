import ArgumentParser
import Chat
import Foundation

/// `ghostchat sessions`: lists stored chats, newest first.
struct SessionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions",
        abstract: "List stored chats (continue one with: ghostchat chat --resume ID)."
    )

    @Option(name: .long, help: "Show at most this many chats.")
    var limit: Int?

    func run() throws {
        let store = try SessionStore()
        var (sessions, damaged) = try store.listing()
        // Damaged rows are named once and skipped; the rest list as usual.
        for line in damaged.prefix(5) { FileHandle.standardError.write(Data("ghostchat: skipped a damaged row: \(line)\n".utf8)) }
        if damaged.count > 5 { FileHandle.standardError.write(Data("ghostchat: skipped \(damaged.count - 5) more damaged rows\n".utf8)) }
        if let limit { sessions = Array(sessions.prefix(max(0, limit))) }
        if sessions.isEmpty {
            FileHandle.standardError.write(Data("ghostchat: no stored chats in \(store.url.deletingLastPathComponent().path)\n".utf8))
            return
        }
        for s in sessions { print(s.line) }
    }
}
