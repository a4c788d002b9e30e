/// Word wrapping by display width. Breaks at spaces; words longer than a line are split
/// by grapheme; explicit newlines always break; spaces at a break are dropped but leading
/// indentation is kept (code blocks stay readable).
public enum TextWrapper {
    public static func wrap(_ text: String, width: Int) -> [String] {
        let width = max(1, width)
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lines.append(contentsOf: wrapParagraph(paragraph, width: width).lines)
        }
        return lines
    }

    /// One paragraph's lines, with where each starts (UTF-8 offset into `paragraph`) and
    /// `restart`: the offset of a line start from which wrapping again gives the same lines
    /// however the paragraph is extended at its end. Lines before it are final.
    ///
    /// Why that line: appending can change only the last word (it grows) and what follows
    /// it. The last word's placement can pull it onto the line of the word before it (a word
    /// that outgrows the width is split starting on the current line instead of moving to a
    /// new one), so wrapping restarts at the line holding the start of the second-to-last
    /// word. A last word already wider than a line only adds characters at its end, so then
    /// the last line suffices. Any line start is a valid restart point: a line begins with a
    /// word or with the rest of a split word, and both wrap the same from a fresh line.
    static func wrapParagraph(_ paragraph: Substring, width: Int) -> (lines: [String], starts: [Int], restart: Int) {
        if paragraph.isEmpty { return ([""], [0], 0) }
        var lines: [String] = []
        var starts: [Int] = []
        var line = ""
        var lineStart = 0
        var lineWidth = 0
        var pendingSpaces = ""  // spaces seen since the last word, emitted only if a word follows on this line
        var pendingWidth = 0
        var atParagraphStart = true
        var wordStarts: [Int] = []
        var lastWordWidth = 0

        func flush() {
            lines.append(line)
            starts.append(lineStart)
            line = ""
            lineWidth = 0
        }

        for token in tokens(paragraph) {
            let tokenWidth = DisplayWidth.of(token.text)
            if token.isSpace {
                pendingSpaces += token.text
                pendingWidth += tokenWidth
                if atParagraphStart {
                    // Indentation: keep it, clipped to the line.
                    let kept = min(pendingWidth, width - 1)
                    line = String(repeating: " ", count: max(0, kept))
                    lineWidth = line.count
                    pendingSpaces = ""
                    pendingWidth = 0
                }
                continue
            }
            atParagraphStart = false
            wordStarts.append(token.start)
            lastWordWidth = tokenWidth
            if lineWidth + pendingWidth + tokenWidth <= width {
                if line.isEmpty { lineStart = token.start }
                line += pendingSpaces + token.text
                lineWidth += pendingWidth + tokenWidth
            } else if tokenWidth <= width {
                if lineWidth > 0 { flush() }
                line = token.text
                lineStart = token.start
                lineWidth = tokenWidth
            } else {
                // Split a long word: fill the current line first if there is room worth using.
                if lineWidth > 0, lineWidth + pendingWidth < width {
                    line += pendingSpaces
                    lineWidth += pendingWidth
                } else if lineWidth > 0 {
                    flush()
                }
                var offset = token.start
                for character in token.text {
                    let w = DisplayWidth.of(character)
                    if lineWidth + w > width, lineWidth > 0 { flush() }
                    if line.isEmpty { lineStart = offset }
                    line.append(character)
                    lineWidth += w
                    offset += character.utf8.count
                }
            }
            pendingSpaces = ""
            pendingWidth = 0
        }
        if lineWidth > 0 || lines.isEmpty {
            lines.append(line)
            starts.append(lineStart)
        }
        // Indentation-only and single-word paragraphs restart from the top.
        var restart = 0
        if lastWordWidth > width, let last = starts.last {
            restart = last
        } else if wordStarts.count >= 2 {
            let anchor = wordStarts[wordStarts.count - 2]
            restart = starts.last(where: { $0 <= anchor }) ?? 0
        }
        // The first line may begin with kept indentation: only a restart at 0 reproduces it.
        if restart == starts.first { restart = 0 }
        return (lines, starts, restart)
    }

    private struct Token { var text: String; var isSpace: Bool; var start: Int }

    private static func tokens(_ text: Substring) -> [Token] {
        var result: [Token] = []
        var offset = 0
        for character in text {
            let isSpace = character == " "
            if let last = result.last, last.isSpace == isSpace {
                result[result.count - 1].text.append(character)
            } else {
                result.append(Token(text: String(character), isSpace: isSpace, start: offset))
            }
            offset += character.utf8.count
        }
        return result
    }
}
