import Foundation
import TOML
import TOMLKit

/// Settings from `config.toml` in the config directory (`~/.config/ghostchat/config.toml`).
///
/// Every key is optional and a command-line flag always wins. The file is the user's own, so
/// a mistake in it is an error that names the file, not something silently skipped: a model
/// setting that was ignored would quietly load a different model.
///
/// ```toml
/// model = "~/models/llama-2-7b-chat.Q4_K_M.gguf"
/// theme = "gruvbox"
/// system-preset = "llama2-chat"
/// ctx-size = 4096
/// threads = 8
/// up-edits-last = true
/// ```
public struct UserConfig: Equatable, Sendable {
    /// Path of the model used when none is named (`~` is expanded).
    public var model: String?
    public var theme: String?
    public var system: String?
    public var systemPreset: String?
    public var template: String?
    public var contextLength: Int?
    public var threads: Int?
    /// In the full screen, Up on an empty prompt puts your last message back to edit (as
    /// `/edit` does) instead of recalling history (Ctrl-P still does).
    public var upEditsLast: Bool?
    /// Keys the file has that ghostchat does not know (reported as a warning).
    public var unknownKeys: [String] = []

    public init() {}

    /// The keys ghostchat reads.
    public static let knownKeys = ["model", "theme", "system", "system-preset", "template", "ctx-size", "threads", "up-edits-last"]

    /// Reads `config.toml` from the config directory; a missing file is an empty config.
    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> UserConfig {
        let url = ChatPaths.configFile(environment: environment)
        guard FileManager.default.fileExists(atPath: url.path) else { return UserConfig() }
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw ChatError("cannot read \(url.path): \(error.localizedDescription)")
        }
        return try UserConfig(toml: text, source: url.path, home: environment["HOME"])
    }

    /// Parses a config document; `source` names it in errors.
    public init(toml: String, source: String, home: String? = nil) throws {
        let table: TOMLTable
        do {
            table = try TOMLDocument.parse(toml)
        } catch {
            throw ChatError("\(source): \(error)")
        }
        func string(_ key: String) throws -> String? {
            guard let value = table[key] else { return nil }
            guard let string = value.string else { throw ChatError("\(source): '\(key)' must be a string") }
            return string
        }
        func positive(_ key: String) throws -> Int? {
            guard let value = table[key] else { return nil }
            guard let int = value.int, int > 0 else { throw ChatError("\(source): '\(key)' must be a positive integer") }
            return int
        }
        func bool(_ key: String) throws -> Bool? {
            guard let value = table[key] else { return nil }
            guard let bool = value.bool else { throw ChatError("\(source): '\(key)' must be true or false") }
            return bool
        }
        model = try string("model").map { ChatPaths.expandingTilde($0, environment: home.map { ["HOME": $0] } ?? ProcessInfo.processInfo.environment) }
        theme = try string("theme")
        system = try string("system")
        systemPreset = try string("system-preset")
        template = try string("template")
        contextLength = try positive("ctx-size")
        threads = try positive("threads")
        upEditsLast = try bool("up-edits-last")
        unknownKeys = table.keys.filter { !Self.knownKeys.contains($0) }.sorted()
    }

    /// Sets a top-level string key in `config.toml` (the full screen remembers `/theme` this
    /// way), keeping every other line, comment and table as the user wrote them. The result
    /// is parsed before it is written, so a file this cannot edit safely is left alone.
    public static func set(_ key: String, to value: String,
                           environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let url = ChatPaths.configFile(environment: environment)
        let old = FileManager.default.fileExists(atPath: url.path) ? try String(contentsOf: url, encoding: .utf8) : ""
        let new = setting(key, to: value, in: old)
        _ = try UserConfig(toml: new, source: url.path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(new.utf8).write(to: url, options: .atomic)
    }

    /// `document` with `key = "value"` in place of its top-level `key` line, or added before
    /// the first table (top-level keys must come first).
    public static func setting(_ key: String, to value: String, in document: String) -> String {
        let escaped = value.unicodeScalars.map { scalar -> String in
            switch scalar {
            case "\"": return "\\\""
            case "\\": return "\\\\"
            default: return scalar.value < 0x20 || scalar.value == 0x7F ? String(format: "\\u%04X", scalar.value) : String(scalar)
            }
        }.joined()
        let line = "\(key) = \"\(escaped)\""
        var lines = document.isEmpty ? [] : document.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        let firstTable = lines.firstIndex { $0.trimmingCharacters(in: .whitespaces).hasPrefix("[") } ?? lines.count
        if let existing = lines[..<firstTable].firstIndex(where: {
            let trimmed = $0.trimmingCharacters(in: .whitespaces)
            return trimmed.hasPrefix(key) && trimmed.dropFirst(key.count).trimmingCharacters(in: .whitespaces).hasPrefix("=")
        }) {
            lines[existing] = line
        } else {
            lines.insert(line, at: firstTable)
        }
        return lines.joined(separator: "\n") + "\n"
    }

}
