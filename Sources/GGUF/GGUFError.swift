/// Why a GGUF file could not be read. `description` is one line naming the file.
public struct GGUFError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file the error is about.
    public var path: String
    /// What is wrong, in words a user can act on.
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}
