/// Plain-text views of a buffer, for golden tests and debugging.
extension ScreenBuffer {
    /// One row as text (continuation cells contribute nothing: the wide glyph covers them).
    public func rowText(_ row: Int, trimmingTrailingSpaces: Bool = true) -> String {
        guard row >= 0, row < height else { return "" }
        var line = ""
        for x in 0..<width {
            let cell = self[row, x]
            if !cell.isContinuation { line += cell.text }
        }
        if trimmingTrailingSpaces {
            while line.last == " " { line.removeLast() }
        }
        return line
    }

    /// All rows joined by newlines, trailing spaces trimmed.
    public var text: String { (0..<height).map { rowText($0) }.joined(separator: "\n") }

    /// One letter per cell naming its role's first character; handy to assert on styling.
    public func roleRow(_ row: Int, legend: [StyleRole: Character]) -> String {
        guard row >= 0, row < height else { return "" }
        return String((0..<width).map { legend[self[row, $0].role] ?? "." })
    }
}
