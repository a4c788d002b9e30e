/// Why a model could not be loaded or run. `description` is one line a user can act on.
public struct ModelError: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
