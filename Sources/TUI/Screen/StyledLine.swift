/// A line of text made of differently styled runs, before it is placed on screen.
public struct StyledLine: Equatable, Sendable {
    public struct Span: Equatable, Sendable {
        public var text: String
        public var role: StyleRole
        public init(_ text: String, _ role: StyleRole) {
            self.text = text
            self.role = role
        }
    }

    public var spans: [Span]
    /// The role of the whole row's background (cells past the text).
    public var fill: StyleRole

    public init(_ spans: [Span] = [], fill: StyleRole = .normal) {
        self.spans = spans
        self.fill = fill
    }

    public init(_ text: String, _ role: StyleRole) {
        self.init([Span(text, role)], fill: .normal)
    }

    public var plainText: String { spans.map(\.text).joined() }

    /// Draws the line at `row`, clipped to `width` columns from `column`.
    public func draw(into buffer: inout ScreenBuffer, row: Int, column: Int = 0, width: Int? = nil) {
        let limit = width ?? (buffer.width - column)
        buffer.fill(row: row, column: column, count: limit, role: fill)
        var x = column
        for span in spans where x < column + limit {
            x = buffer.put(span.text, row: row, column: x, role: span.role, limit: column + limit - x)
        }
    }
}
