/// The multi-line input buffer with emacs-style editing. The cursor is an index into the
/// grapheme clusters, so a family emoji or an accented letter moves and deletes as one.
public struct LineEditor: Equatable, Sendable {
    public private(set) var characters: [Character] = []
    public private(set) var cursor = 0
    /// The last killed text (Ctrl-K/U/W), for Ctrl-Y.
    public private(set) var killRing = ""

    public init(text: String = "") {
        characters = Array(text)
        cursor = characters.count
    }

    public var text: String { String(characters) }
    public var isEmpty: Bool { characters.isEmpty }

    /// Replaces the whole text, cursor at the end.
    public mutating func setText(_ text: String) {
        characters = Array(text)
        cursor = characters.count
    }

    /// Inserts `text` at the cursor. Keys arrive one scalar at a time, so a ZWJ, a skin tone,
    /// the second regional indicator or a combining accent must join the cluster before it:
    /// the text around the cursor is segmented again, and the cursor lands after the last
    /// cluster that holds inserted scalars.
    public mutating func insert(_ text: String) {
        guard !text.isEmpty else { return }
        // Clusters never join across a newline, so only the current line is segmented again.
        let start = lineStart(of: cursor), end = lineEnd(of: cursor)
        let before = String(characters[start..<cursor]) + text
        let line = Array(before + String(characters[cursor..<end]))
        characters.replaceSubrange(start..<end, with: line)
        // The cursor goes after the cluster that holds the last inserted scalar.
        var scalars = 0, index = 0
        let target = before.unicodeScalars.count
        while index < line.count && scalars < target {
            scalars += line[index].unicodeScalars.count
            index += 1
        }
        cursor = start + index
    }

    public mutating func backspace() {
        guard cursor > 0 else { return }
        cursor -= 1
        characters.remove(at: cursor)
    }

    public mutating func deleteForward() {
        guard cursor < characters.count else { return }
        characters.remove(at: cursor)
    }

    public mutating func moveLeft() { cursor = max(0, cursor - 1) }
    public mutating func moveRight() { cursor = min(characters.count, cursor + 1) }

    /// Start of the current line (Ctrl-A).
    public mutating func moveToLineStart() { cursor = lineStart(of: cursor) }
    /// End of the current line (Ctrl-E).
    public mutating func moveToLineEnd() { cursor = lineEnd(of: cursor) }

    /// Alt-B: back to the start of the previous word.
    public mutating func moveWordLeft() {
        var i = cursor
        while i > 0, !isWord(characters[i - 1]) { i -= 1 }
        while i > 0, isWord(characters[i - 1]) { i -= 1 }
        cursor = i
    }

    /// Alt-F: forward to the end of the next word.
    public mutating func moveWordRight() {
        var i = cursor
        while i < characters.count, !isWord(characters[i]) { i += 1 }
        while i < characters.count, isWord(characters[i]) { i += 1 }
        cursor = i
    }

    /// Ctrl-K: kill to the end of the line (or the newline itself when already there).
    public mutating func killToLineEnd() {
        let end = lineEnd(of: cursor)
        let stop = end == cursor && end < characters.count ? end + 1 : end
        kill(cursor..<stop)
    }

    /// Ctrl-U: kill to the start of the line.
    public mutating func killToLineStart() {
        let start = lineStart(of: cursor)
        kill(start..<cursor)
        cursor = start
    }

    /// Ctrl-W: kill the word before the cursor (and the spaces after it).
    public mutating func killWordBackward() {
        var i = cursor
        while i > 0, characters[i - 1] == " " || characters[i - 1] == "\t" { i -= 1 }
        while i > 0, characters[i - 1] != " ", characters[i - 1] != "\n" { i -= 1 }
        kill(i..<cursor)
        cursor = i
    }

    /// Ctrl-Y: insert the last killed text.
    public mutating func yank() { insert(killRing) }

    /// Moves up a line keeping the column; false when already on the first line.
    public mutating func moveUp() -> Bool {
        let start = lineStart(of: cursor)
        guard start > 0 else { return false }
        let column = cursor - start
        let previousStart = lineStart(of: start - 1)
        cursor = min(previousStart + column, start - 1)
        return true
    }

    /// Moves down a line keeping the column; false when already on the last line.
    public mutating func moveDown() -> Bool {
        let end = lineEnd(of: cursor)
        guard end < characters.count else { return false }
        let column = cursor - lineStart(of: cursor)
        let nextStart = end + 1
        cursor = min(nextStart + column, lineEnd(of: nextStart))
        return true
    }

    private mutating func kill(_ range: Range<Int>) {
        guard !range.isEmpty else { return }
        killRing = String(characters[range])
        characters.removeSubrange(range)
    }

    func lineStart(of index: Int) -> Int {
        var i = index
        while i > 0, characters[i - 1] != "\n" { i -= 1 }
        return i
    }

    func lineEnd(of index: Int) -> Int {
        var i = index
        while i < characters.count, characters[i] != "\n" { i += 1 }
        return i
    }

    private func isWord(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }
}
