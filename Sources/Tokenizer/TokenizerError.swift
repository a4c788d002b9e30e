import GGUF
import SafeText

/// Why a vocabulary could not be turned into a tokenizer. `description` is one line a user
/// can act on (it names the file and metadata key when the vocabulary came from a GGUF file).
public struct TokenizerError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The message, one line.
    public var description: String

    /// Control characters in `description` (which often quotes names and values from the
    /// vocabulary) are escaped, so the message stays one line and cannot drive the terminal.
    public init(_ description: String) {
        self.description = SafeText.quoted(description)
    }
}
