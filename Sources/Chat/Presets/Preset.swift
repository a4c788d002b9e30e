/// A named system prompt or constraint.
public struct Preset: Sendable, Equatable, Codable {
    /// Whether a preset is a whole system prompt or a constraint added to one.
    public enum Kind: String, Sendable, Codable {
        case base
        case constraint
    }

    public var name: String
    public var kind: Kind
    /// The full system-message text.
    public var text: String
    /// The short form ("Figure: Napoleon.") used for reinforcement.
    public var terse: String
    /// A rule replies can be checked against, if the constraint is checkable.
    public var check: ConstraintRule?

    public init(name: String, kind: Kind = .constraint, text: String, terse: String? = nil, check: ConstraintRule? = nil) {
        self.name = name
        self.kind = kind
        self.text = text
        self.terse = terse ?? text
        self.check = check
    }
}
