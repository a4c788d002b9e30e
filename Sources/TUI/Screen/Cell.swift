/// One terminal cell: a grapheme cluster and what it means. A wide cluster occupies its own
/// cell (width 2) and a continuation cell to its right (width 0, empty text).
public struct Cell: Equatable, Sendable {
    public var text: String
    public var width: UInt8
    public var role: StyleRole

    public init(text: String, width: UInt8, role: StyleRole) {
        self.text = text
        self.width = width
        self.role = role
    }

    /// An empty cell drawn in `role` (its background matters for bars and overlays).
    public static func blank(_ role: StyleRole = .normal) -> Cell { Cell(text: " ", width: 1, role: role) }

    /// True for the right half of a wide character.
    public var isContinuation: Bool { width == 0 }
}
