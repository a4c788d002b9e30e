import GGUF
import SafeText

/// Why a model could not be loaded or run. `description` is one line a user can act on.
public struct ModelError: Error, CustomStringConvertible, Sendable {
    public var description: String

    /// Control characters in `description` (which often quotes names and values from the
    /// model file) are escaped, so the message stays one line and cannot drive the terminal.
    public init(_ description: String) {
        self.description = SafeText.quoted(description)
    }
}
