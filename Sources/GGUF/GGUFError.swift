import SafeText

/// Why a GGUF file could not be read or written. `description` is one line naming the file.
public struct GGUFError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file the error is about.
    public var path: String
    /// What is wrong, in words a user can act on.
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// `path: reason` on one line: names and keys taken from a file may hold newlines or
    /// other control characters, which are shown escaped.
    public var description: String { "\(SafeText.quoted(path)): \(SafeText.quoted(reason))" }

    /// A name or key taken from a file, quoted and shortened for an error message.
    static func quote(_ name: String, limit: Int = 100) -> String {
        name.utf8.count <= limit ? "'\(name)'" : "'\(name.prefix(limit / 2))…' (\(name.utf8.count) bytes)"
    }
}
