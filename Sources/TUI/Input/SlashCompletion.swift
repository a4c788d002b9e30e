/// Tab completion for the input line: command names after "/", and an argument list for
/// commands that have one (theme names, presets…).
public struct SlashCompletion: Equatable, Sendable {
    /// The candidates for the text before the cursor, and the text a first Tab inserts.
    public struct Result: Equatable, Sendable {
        public var candidates: [String]
        /// The full input line after completing to the longest common prefix.
        public var completedLine: String
    }

    /// Completes `line` (the whole input, cursor at its end). `arguments` supplies values
    /// for a command's argument.
    public static func complete(_ line: String, commands: [String], arguments: (String) -> [String]) -> Result? {
        guard line.hasPrefix("/"), !line.contains("\n") else { return nil }
        if let space = line.firstIndex(of: " ") {
            let name = String(line[line.index(after: line.startIndex)..<space]).lowercased()
            let partial = String(line[line.index(after: space)...])
            guard !partial.contains(" ") else { return nil }
            let matches = arguments(name).filter { $0.lowercased().hasPrefix(partial.lowercased()) }.sorted()
            guard !matches.isEmpty else { return nil }
            let prefix = matches.count == 1 ? matches[0] : commonPrefix(matches)
            let head = "/\(name) "
            return Result(candidates: matches, completedLine: head + (prefix.count >= partial.count ? prefix : partial))
        }
        let partial = String(line.dropFirst()).lowercased()
        let matches = commands.filter { $0.hasPrefix(partial) }
        guard !matches.isEmpty else { return nil }
        if matches.count == 1 { return Result(candidates: matches, completedLine: "/\(matches[0]) ") }
        return Result(candidates: matches, completedLine: "/" + commonPrefix(matches))
    }

    static func commonPrefix(_ words: [String]) -> String {
        guard var prefix = words.first else { return "" }
        for word in words.dropFirst() {
            while !word.hasPrefix(prefix) { prefix.removeLast() }
        }
        return prefix
    }
}
