import Foundation

/// Tab completion for the input line: command names after "/", an argument list for
/// commands that have one (theme names, presets…), each part of a composed preset
/// (`emoji+fr` → `emoji+french`), and file paths for the commands that take one.
public struct SlashCompletion: Equatable, Sendable {
    /// Commands whose argument joins several names with "+".
    public static let composedWithPlus: Set<String> = ["preset"]
    /// Commands whose argument may be a file path.
    public static let takesPath: Set<String> = ["save", "load"]

    /// The candidates for the text before the cursor, and the text a first Tab inserts.
    public struct Result: Equatable, Sendable {
        public var candidates: [String]
        /// The full input line after completing to the longest common prefix.
        public var completedLine: String
        /// What comes before a candidate in the line ("/theme ", "/preset emoji+").
        public var head: String = "/"
    }

    /// Completes `line` (the whole input, cursor at its end). `arguments` supplies values
    /// for a command's argument.
    public static func complete(_ line: String, commands: [String], arguments: (String) -> [String]) -> Result? {
        guard line.hasPrefix("/"), !line.contains("\n") else { return nil }
        if let space = line.firstIndex(of: " ") {
            let name = String(line[line.index(after: line.startIndex)..<space]).lowercased()
            var partial = String(line[line.index(after: space)...])
            guard !partial.contains(" ") else { return nil }
            var head = "/\(name) "
            if composedWithPlus.contains(name), let plus = partial.lastIndex(of: "+") {
                head += partial[...plus]
                partial = String(partial[partial.index(after: plus)...])
            }
            let looksLikePath = partial.hasPrefix("/") || partial.hasPrefix("~") || partial.hasPrefix(".") || partial.contains("/")
            let options = takesPath.contains(name) && looksLikePath ? paths(completing: partial) : arguments(name)
            let matches = options.filter { $0.lowercased().hasPrefix(partial.lowercased()) }.sorted()
            guard !matches.isEmpty else { return nil }
            let prefix = matches.count == 1 ? matches[0] : commonPrefix(matches)
            return Result(candidates: matches, completedLine: head + (prefix.count >= partial.count ? prefix : partial), head: head)
        }
        let partial = String(line.dropFirst()).lowercased()
        let matches = commands.filter { $0.hasPrefix(partial) }
        guard !matches.isEmpty else { return nil }
        if matches.count == 1 { return Result(candidates: matches, completedLine: "/\(matches[0]) ") }
        return Result(candidates: matches, completedLine: "/" + commonPrefix(matches))
    }

    /// Entries of the directory `partial` names (up to its last "/"; "~" is your home), as
    /// `partial`'s directory part plus the name, directories with a trailing "/". Hidden
    /// entries only when asked for with a leading ".".
    static func paths(completing partial: String) -> [String] {
        if partial == "~" { return ["~/"] }
        let directoryPart = partial.lastIndex(of: "/").map { String(partial[...$0]) } ?? ""
        let namePrefix = String(partial.dropFirst(directoryPart.count))
        let directory = directoryPart.isEmpty ? "." : Self.expandingTilde(directoryPart)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return names.filter { $0.hasPrefix(namePrefix) && (namePrefix.hasPrefix(".") || !$0.hasPrefix(".")) }.prefix(200).map { name in
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent(name), isDirectory: &isDirectory)
            return directoryPart + name + (isDirectory.boolValue ? "/" : "")
        }
    }

    /// A leading "~" as `$HOME`, the way the session layer reads the same path when the
    /// command runs (so what Tab lists is what /save and /load then use).
    private static func expandingTilde(_ path: String) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        return (ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()) + path.dropFirst()
    }

    static func commonPrefix(_ words: [String]) -> String {
        guard var prefix = words.first else { return "" }
        for word in words.dropFirst() {
            while !word.hasPrefix(prefix) { prefix.removeLast() }
        }
        return prefix
    }
}
