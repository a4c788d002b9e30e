/// Word wrapping by display width. Breaks at spaces; words longer than a line are split
/// by grapheme; explicit newlines always break; spaces at a break are dropped but leading
/// indentation is kept (code blocks stay readable).
public enum TextWrapper {
    public static func wrap(_ text: String, width: Int) -> [String] {
        let width = max(1, width)
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lines.append(contentsOf: wrapParagraph(paragraph, width: width))
        }
        return lines
    }

    private static func wrapParagraph(_ paragraph: Substring, width: Int) -> [String] {
        if paragraph.isEmpty { return [""] }
        var lines: [String] = []
        var line = ""
        var lineWidth = 0
        var pendingSpaces = ""  // spaces seen since the last word, emitted only if a word follows on this line
        var pendingWidth = 0
        var atParagraphStart = true

        func flush() {
            lines.append(line)
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
            if lineWidth + pendingWidth + tokenWidth <= width {
                line += pendingSpaces + token.text
                lineWidth += pendingWidth + tokenWidth
            } else if tokenWidth <= width {
                if lineWidth > 0 { flush() }
                line = token.text
                lineWidth = tokenWidth
            } else {
                // Split a long word: fill the current line first if there is room worth using.
                if lineWidth > 0, lineWidth + pendingWidth < width {
                    line += pendingSpaces
                    lineWidth += pendingWidth
                } else if lineWidth > 0 {
                    flush()
                }
                for character in token.text {
                    let w = DisplayWidth.of(character)
                    if lineWidth + w > width, lineWidth > 0 { flush() }
                    line.append(character)
                    lineWidth += w
                }
            }
            pendingSpaces = ""
            pendingWidth = 0
        }
        if lineWidth > 0 || lines.isEmpty { lines.append(line) }
        return lines
    }

    private struct Token { var text: String; var isSpace: Bool }

    private static func tokens(_ text: Substring) -> [Token] {
        var result: [Token] = []
        for character in text {
            let isSpace = character == " "
            if let last = result.last, last.isSpace == isSpace {
                result[result.count - 1].text.append(character)
            } else {
                result.append(Token(text: String(character), isSpace: isSpace))
            }
        }
        return result
    }
}
