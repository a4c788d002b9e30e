import SafeText

/// A failure explained in one line for the user.
public struct ChatError: Error, CustomStringConvertible, Equatable, Sendable {
    public var description: String

    /// Messages quote names, keys, paths and values from files and flags; their control
    /// characters are escaped here, so the message stays one line and cannot drive the terminal.
    public init(_ description: String) { self.description = SafeText.quoted(description) }
}
