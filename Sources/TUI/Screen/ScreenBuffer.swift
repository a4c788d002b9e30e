import SafeText

/// A grid of cells that views render into. The terminal adapter draws the difference
/// between two buffers; tests compare `text` with golden strings.
public struct ScreenBuffer: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]
    /// Where the terminal cursor should be shown, if anywhere.
    public var cursor: (row: Int, column: Int)?

    public init(width: Int, height: Int, fill: Cell = .blank()) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: fill, count: self.width * self.height)
    }

    public static func == (a: ScreenBuffer, b: ScreenBuffer) -> Bool {
        a.width == b.width && a.height == b.height && a.cells == b.cells
            && a.cursor?.row == b.cursor?.row && a.cursor?.column == b.cursor?.column
    }

    public subscript(row: Int, column: Int) -> Cell {
        get { cells[row * width + column] }
    }

    public func contains(row: Int, column: Int) -> Bool {
        row >= 0 && row < height && column >= 0 && column < width
    }

    /// Writes `text` from (row, column), clipped at `limit` columns (default: the right
    /// edge). Returns the column after the last cell written. Controls are made visible and
    /// a lone combining mark gets a dotted circle to sit on, so every cell has a width the
    /// terminal agrees with.
    @discardableResult
    public mutating func put(_ text: some StringProtocol, row: Int, column: Int, role: StyleRole, limit: Int? = nil) -> Int {
        guard row >= 0, row < height else { return column }
        let end = min(width, limit.map { column + max(0, $0) } ?? width)
        var x = column
        let safe = SafeText.shown(String(text), newlines: false, tabWidth: 4)
        for character in safe {
            var glyph = String(character)
            var w = DisplayWidth.of(character)
            if w == 0 {
                guard let first = character.unicodeScalars.first,
                      first.properties.generalCategory == .nonspacingMark
                        || first.properties.generalCategory == .enclosingMark else { continue }
                glyph = "\u{25CC}" + glyph
                w = 1
            }
            if x + w > end {
                // A wide character that does not fit leaves a blank, never half a glyph.
                if x < end, x >= 0 { set(row: row, column: x, Cell.blank(role)) }
                return end
            }
            if x >= 0 {
                set(row: row, column: x, Cell(text: glyph, width: UInt8(w), role: role))
                if w == 2 { set(row: row, column: x + 1, Cell(text: "", width: 0, role: role)) }
            }
            x += w
        }
        return x
    }

    /// Fills `count` cells of a row with spaces in `role`.
    public mutating func fill(row: Int, column: Int = 0, count: Int? = nil, role: StyleRole, with character: Character = " ") {
        guard row >= 0, row < height else { return }
        let start = max(0, column)
        let stop = min(width, column + (count ?? width))
        guard start < stop else { return }
        for x in start..<stop { set(row: row, column: x, Cell(text: String(character), width: 1, role: role)) }
    }

    /// Stores one cell, blanking the other half of any wide character it overwrites.
    private mutating func set(row: Int, column: Int, _ cell: Cell) {
        guard contains(row: row, column: column) else { return }
        let index = row * width + column
        let old = cells[index]
        if old.isContinuation, column > 0, cell.width != 0 {
            cells[index - 1] = .blank(cells[index - 1].role)
        }
        if old.width == 2, cell.width != 2, column + 1 < width {
            cells[index + 1] = .blank(cells[index + 1].role)
        }
        cells[index] = cell
    }
}
