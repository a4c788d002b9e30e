/// Why a vocabulary could not be turned into a tokenizer. `description` is one line a user
/// can act on (it names the file and metadata key when the vocabulary came from a GGUF file).
public struct TokenizerError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The message, one line.
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
