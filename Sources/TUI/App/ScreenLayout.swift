/// Which rows each part of the screen gets. Small windows drop parts in order of
/// importance: header first, then the conversation, then the status bar; the input line
/// stays as long as there is a row.
public struct ScreenLayout: Equatable, Sendable {
    public var header: Range<Int>
    public var conversation: Range<Int>
    public var status: Range<Int>
    public var input: Range<Int>

    public init(rows: Int, headerLines: Int, inputLines: Int) {
        let rows = max(0, rows)
        let headerRows = rows >= 5 ? min(max(1, headerLines), max(1, rows / 3)) : 0
        let statusRows = rows >= 2 ? 1 : 0
        let inputRows = rows >= 1 ? min(max(1, inputLines), max(1, (rows - headerRows - statusRows) / 3), rows) : 0
        header = 0..<headerRows
        let conversationEnd = max(headerRows, rows - statusRows - inputRows)
        conversation = headerRows..<conversationEnd
        status = conversationEnd..<(conversationEnd + statusRows)
        input = status.upperBound..<min(rows, status.upperBound + inputRows)
    }
}
