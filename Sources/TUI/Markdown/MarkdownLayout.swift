/// A reply's Markdown laid out for the terminal: headings, **strong**, *emphasis*, `code`,
/// fenced code blocks (their own style, never wrapped, clipped at the edge with a marker),
/// bullet and numbered lists and quotes with hanging indents, and rules. The raw text stays
/// what is stored, saved and copied; only the view changes.
///
/// Works one source line at a time, carrying only whether a code fence is open, so a reply
/// being streamed re-lays out just its unfinished last line (`GrowingMarkdown`). Markup that
/// is not closed yet (an opening `**` mid-stream) shows as typed until its closing half
/// arrives.
public enum MarkdownLayout {
    /// What one source line hands to the next: the open code fence, if any ("```", "~~~~").
    public struct State: Equatable, Sendable {
        public var fence: String?
        public init(fence: String? = nil) { self.fence = fence }
    }

    /// Every line of `text` (already made terminal-safe) at `width` columns.
    public static func lines(of text: String, width: Int) -> [StyledLine] {
        var state = State()
        return text.split(separator: "\n", omittingEmptySubsequences: false).flatMap { lines(for: $0, state: &state, width: width) }
    }

    /// The lines of one source line (no newline in it), after `state`, which it updates.
    public static func lines(for source: Substring, state: inout State, width: Int) -> [StyledLine] {
        let width = max(1, width)
        let trimmed = source.drop(while: { $0 == " " })
        if let fence = state.fence {
            if trimmed.hasPrefix(fence), trimmed.drop(while: { $0 == fence.first }).allSatisfy({ $0 == " " }) {
                state.fence = nil
                return [marker(String(source), width: width)]
            }
            return [codeLine(source, width: width)]
        }
        let indent = source.count - trimmed.count
        if indent <= 3, let fence = fenceOpening(trimmed) {
            state.fence = fence
            return [marker(String(source), width: width)]
        }
        if source.allSatisfy({ $0 == " " }) { return [StyledLine()] }
        if indent <= 3, let title = heading(trimmed) {
            return wrap(inline(title, base: .mdHeading), first: "", rest: "", width: width)
        }
        if indent <= 3, isRule(trimmed) {
            return [StyledLine(String(repeating: "─", count: width), .mdMarker)]
        }
        if indent <= 3, trimmed.hasPrefix(">") {
            var body = trimmed
            var depth = 0
            while body.hasPrefix(">") {
                depth += 1
                body = body.dropFirst()
                if body.hasPrefix(" ") { body = body.dropFirst() }
            }
            let bars = String(repeating: "│ ", count: depth)
            return wrap(inline(body, base: .mdQuote), first: bars, rest: bars, width: width, prefixRole: .mdMarker)
        }
        if let (marker, body) = listItem(trimmed) {
            let lead = String(repeating: " ", count: min(indent, 8))
            let first = lead + marker + " "
            return wrap(inline(body, base: .assistantText), first: first, rest: String(repeating: " ", count: first.count),
                        width: width, prefixRole: .mdMarker)
        }
        let lead = String(repeating: " ", count: min(indent, 8))
        return wrap(inline(trimmed, base: .assistantText), first: lead, rest: lead, width: width)
    }

    // MARK: Blocks

    /// "```" or "~~~" (three or more, what follows is the language): the run that closes it.
    static func fenceOpening(_ line: Substring) -> String? {
        guard let first = line.first, first == "`" || first == "~" else { return nil }
        let run = line.prefix(while: { $0 == first })
        guard run.count >= 3 else { return nil }
        // A backtick fence's info string has no backtick (else it is inline code).
        if first == "`", line.dropFirst(run.count).contains("`") { return nil }
        return String(run)
    }

    /// "# Title" to "###### Title": the title.
    static func heading(_ line: Substring) -> Substring? {
        let hashes = line.prefix(while: { $0 == "#" })
        guard (1...6).contains(hashes.count) else { return nil }
        let rest = line.dropFirst(hashes.count)
        guard rest.isEmpty || rest.first == " " else { return nil }
        var title = rest.drop(while: { $0 == " " })
        // A closing run of #s (after a space) is not part of the title.
        while title.last == " " { title = title.dropLast() }
        let closing = title.reversed().prefix(while: { $0 == "#" }).count
        if closing > 0, closing == title.count || title.dropLast(closing).last == " " {
            title = title.dropLast(closing)
            while title.last == " " { title = title.dropLast() }
        }
        return title
    }

    static func isRule(_ line: Substring) -> Bool {
        guard let first = line.first, first == "-" || first == "*" || first == "_" else { return false }
        let marks = line.filter { $0 != " " }
        return marks.count >= 3 && marks.allSatisfy { $0 == first }
    }

    /// "- ", "* ", "+ " (shown as a bullet) or "1. ", "1) " (kept): the marker and the item's text.
    static func listItem(_ line: Substring) -> (String, Substring)? {
        if let first = line.first, first == "-" || first == "*" || first == "+", line.dropFirst().first == " " {
            return ("•", line.dropFirst(2).drop(while: { $0 == " " }))
        }
        let digits = line.prefix(while: { $0.isASCII && $0.isNumber })
        guard (1...9).contains(digits.count) else { return nil }
        let after = line.dropFirst(digits.count)
        guard let delimiter = after.first, delimiter == "." || delimiter == ")", after.dropFirst().first == " " else { return nil }
        return (String(digits) + String(delimiter), after.dropFirst(2).drop(while: { $0 == " " }))
    }

    static func marker(_ text: String, width: Int) -> StyledLine {
        StyledLine(DisplayWidth.clip(text, to: width).text, .mdMarker)
    }

    /// A code line: never wrapped; cut at the edge with "→" so the reader knows there is more.
    static func codeLine(_ source: Substring, width: Int) -> StyledLine {
        let (shown, cut) = DisplayWidth.clip(String(source), to: width)
        var spans = [StyledLine.Span(shown, .mdCodeBlock)]
        if cut { spans.append(.init("→", .mdMarker)) }
        return StyledLine(spans, fill: .mdCodeBlock)
    }

    // MARK: Inline

    /// How far (in characters) a closing `**`, `*`, `_` or backtick run is looked for. Spans
    /// are short in practice; the bound keeps a hostile line full of unmatched markers from
    /// costing quadratic time on every streamed token.
    static let spanLimit = 400

    /// Runs of text and their roles: `code`, **strong** / __strong__, *emphasis* / _emphasis_,
    /// backslash escapes. Anything unmatched stays as typed.
    static func inline(_ text: Substring, base: StyleRole) -> [StyledLine.Span] {
        var spans: [StyledLine.Span] = []
        var plain = ""
        func emit(_ text: String, _ role: StyleRole) {
            if !plain.isEmpty { spans.append(.init(plain, base)); plain = "" }
            spans += text.isEmpty ? [] : [.init(text, role)]
        }
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            let next = text.index(after: i)
            if c == "\\", next < text.endIndex, text[next].isPunctuation || text[next].isSymbol {
                plain.append(text[next])
                i = text.index(after: next)
                continue
            }
            if c == "`" {
                let run = text[i...].prefix(while: { $0 == "`" })
                let contentStart = run.endIndex
                if let close = closingRun(of: String(run), in: text[contentStart...]) {
                    var code = text[contentStart..<close.lowerBound]
                    // One space each side is padding, as CommonMark strips it.
                    if code.count >= 2, code.first == " ", code.last == " ", code.contains(where: { $0 != " " }) {
                        code = code.dropFirst().dropLast()
                    }
                    emit(String(code), .mdCode)
                    i = close.upperBound
                    continue
                }
                plain += run
                i = run.endIndex
                continue
            }
            if c == "*" || c == "_" {
                let double = next < text.endIndex && text[next] == c
                let delimiter = String(repeating: c, count: double ? 2 : 1)
                let contentStart = text.index(i, offsetBy: delimiter.count)
                let before = i > text.startIndex ? text[text.index(before: i)] : " "
                let opens = contentStart < text.endIndex && !text[contentStart].isWhitespace && text[contentStart] != c
                    && (c == "*" || !(before.isLetter || before.isNumber))
                if opens, let close = closingDelimiter(delimiter, in: text[contentStart...]) {
                    let inner = text[contentStart..<close.lowerBound]
                    for span in inline(inner, base: double ? .mdStrong : .mdEmphasis) { emit(span.text, span.role) }
                    i = close.upperBound
                    continue
                }
                plain += delimiter
                i = contentStart
                continue
            }
            plain.append(c)
            i = next
        }
        if !plain.isEmpty { spans.append(.init(plain, base)) }
        return spans
    }

    /// The next run of exactly `run` backticks.
    static func closingRun(of run: String, in text: Substring) -> Range<Substring.Index>? {
        let text = text.prefix(spanLimit)
        var i = text.startIndex
        while i < text.endIndex {
            if text[i] == "`" {
                let found = text[i...].prefix(while: { $0 == "`" })
                if found.count == run.count { return found.startIndex..<found.endIndex }
                i = found.endIndex
            } else {
                i = text.index(after: i)
            }
        }
        return nil
    }

    /// The closing `delimiter` of an emphasis: after a non-space, not part of a longer run,
    /// and for "_" not inside a word (snake_case stays as typed).
    static func closingDelimiter(_ delimiter: String, in text: Substring) -> Range<Substring.Index>? {
        let mark = delimiter.first!
        let text = text.prefix(spanLimit)
        var i = text.startIndex
        while i < text.endIndex {
            if text[i] == "`", let code = closingRun(of: String(text[i...].prefix(while: { $0 == "`" })),
                                                     in: text[text[i...].prefix(while: { $0 == "`" }).endIndex...]) {
                i = code.upperBound  // code spans bind tighter than emphasis
                continue
            }
            guard text[i] == mark else { i = text.index(after: i); continue }
            let run = text[i...].prefix(while: { $0 == mark })
            let previous = i > text.startIndex ? text[text.index(before: i)] : " "
            let after = run.endIndex < text.endIndex ? text[run.endIndex] : " "
            if run.count == delimiter.count, !previous.isWhitespace, i > text.startIndex,
               mark == "*" || !(after.isLetter || after.isNumber) {
                return run.startIndex..<run.endIndex
            }
            i = run.endIndex
        }
        return nil
    }

    // MARK: Wrapping

    /// Wraps styled runs to `width`, the first line after `first` and the rest after `rest`
    /// (a bullet and its hanging indent). Wrapping is `TextWrapper`'s, on the plain text; each
    /// character keeps its run's role.
    static func wrap(_ spans: [StyledLine.Span], first: String, rest: String, width: Int,
                     prefixRole: StyleRole = .assistantText) -> [StyledLine] {
        let prefixWidth = max(DisplayWidth.of(first), DisplayWidth.of(rest))
        let usePrefix = width - prefixWidth >= 8
        let plain = spans.map(\.text).joined()
        var ends: [(end: Int, role: StyleRole)] = []
        var offset = 0
        for span in spans {
            offset += span.text.utf8.count
            ends.append((offset, span.role))
        }
        let wrapped = TextWrapper.wrapParagraph(Substring(plain), width: usePrefix ? width - prefixWidth : width)
        var lines: [StyledLine] = []
        var run = 0
        for (index, (text, start)) in zip(wrapped.lines, wrapped.starts).enumerated() {
            var line = StyledLine()
            if usePrefix { line.spans.append(.init(index == 0 ? first : rest, prefixRole)) }
            var position = start
            for character in text {
                while run < ends.count - 1, ends[run].end <= position { run += 1 }
                let role = ends.isEmpty ? .assistantText : ends[run].role
                if let last = line.spans.last, last.role == role, line.spans.count > (usePrefix ? 1 : 0) {
                    line.spans[line.spans.count - 1].text.append(character)
                } else {
                    line.spans.append(.init(String(character), role))
                }
                position += character.utf8.count
            }
            lines.append(line)
        }
        return lines
    }
}
