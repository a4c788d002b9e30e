/// A bordered, filled rectangle for overlays, clipped to the buffer.
public struct Box: Equatable, Sendable {
    public var top: Int
    public var left: Int
    public var height: Int
    public var width: Int

    /// A box of at most `height`×`width`, centred in `buffer`, shrunk to fit.
    public static func centered(height: Int, width: Int, in buffer: ScreenBuffer) -> Box {
        let h = min(height, buffer.height)
        let w = min(width, buffer.width)
        return Box(top: (buffer.height - h) / 2, left: (buffer.width - w) / 2, height: h, width: w)
    }

    /// Draws the border and title; returns the inner rows and columns.
    @discardableResult
    public func draw(into buffer: inout ScreenBuffer, title: String) -> (rows: Range<Int>, left: Int, width: Int) {
        guard height > 0, width > 0 else { return (top..<top, left, 0) }
        for row in top..<(top + height) { buffer.fill(row: row, column: left, count: width, role: .overlay) }
        // Too small for a border: just the filled area.
        guard height >= 3, width >= 4 else { return (top..<(top + height), left, width) }
        let horizontal = String(repeating: "─", count: width - 2)
        buffer.put("┌" + horizontal + "┐", row: top, column: left, role: .overlayBorder)
        buffer.put("└" + horizontal + "┘", row: top + height - 1, column: left, role: .overlayBorder)
        for row in (top + 1)..<(top + height - 1) {
            buffer.put("│", row: row, column: left, role: .overlayBorder)
            buffer.put("│", row: row, column: left + width - 1, role: .overlayBorder)
        }
        if width > 6 {
            buffer.put(" " + title + " ", row: top, column: left + 2, role: .overlayTitle, limit: width - 4)
        }
        return ((top + 1)..<(top + height - 1), left + 2, max(0, width - 4))
    }
}
