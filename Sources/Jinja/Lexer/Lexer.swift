/// One lexical token of a template.
struct Token {
    enum Kind: Equatable {
        case data(String)
        case variableBegin, variableEnd, blockBegin, blockEnd
        case name(String)
        case string(String)
        case int(Int)
        case float(Double)
        case op(String)
        case eof
    }

    var kind: Kind
    var line: Int
}

/// Splits a template into tokens the way jinja2 does in Hugging Face's environment
/// (`trim_blocks=True`, `lstrip_blocks=True`, no trailing newline kept).
struct Lexer {
    private let s: [Unicode.Scalar]
    private var i = 0
    private var line = 1
    private var tokens: [Token] = []
    /// jinja2's `line_starting`: the previous tag ended a line, so leading whitespace of the
    /// next text counts as indentation for `lstrip_blocks`.
    private var lineStarting = true

    init(source: String) {
        // jinja2 normalises newlines and drops one trailing newline (keep_trailing_newline=False).
        var text = source.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        if text.hasSuffix("\n") { text.removeLast() }
        s = Array(text.unicodeScalars)
    }

    static func tokenize(_ source: String) throws -> [Token] {
        var lexer = Lexer(source: source)
        try lexer.run()
        return lexer.tokens
    }

    private func at(_ offset: Int) -> Unicode.Scalar? {
        let k = i + offset
        return k < s.count ? s[k] : nil
    }

    private func starts(_ text: String, at position: Int) -> Bool {
        var k = position
        for c in text.unicodeScalars {
            guard k < s.count, s[k] == c else { return false }
            k += 1
        }
        return true
    }

    private mutating func advance(_ n: Int = 1) {
        for _ in 0..<n {
            if i < s.count && s[i] == "\n" { line += 1 }
            i += 1
        }
    }

    private mutating func emit(_ kind: Token.Kind, line: Int? = nil) {
        tokens.append(Token(kind: kind, line: line ?? self.line))
    }

    private func findTagStart(from position: Int) -> Int {
        var k = position
        while k + 1 < s.count {
            if s[k] == "{" && (s[k + 1] == "{" || s[k + 1] == "%" || s[k + 1] == "#") { return k }
            k += 1
        }
        return s.count
    }

    private mutating func run() throws {
        while i < s.count {
            let tag = findTagStart(from: i)
            var text = Array(s[i..<tag])
            let textLine = line
            if tag == s.count {
                advance(tag - i)
                emitData(text, line: textLine)
                break
            }
            let kind = s[tag + 1]
            let modifier = tag + 2 < s.count ? s[tag + 2] : " "
            if modifier == "-" {
                while let last = text.last, isPythonSpace(last) { text.removeLast() }
            } else if modifier != "+" && kind != "{" {
                let lineStart = (text.lastIndex(of: "\n").map { $0 + 1 }) ?? 0
                if lineStart > 0 || lineStarting {
                    if text[lineStart...].allSatisfy({ $0 != "\n" && isPythonSpace($0) }) {
                        text.removeSubrange(lineStart...)
                    }
                }
            }
            advance(tag - i)
            emitData(text, line: textLine)
            let tagLine = line
            advance(2)
            if modifier == "-" || modifier == "+" { advance() }
            switch kind {
            case "#":
                try lexComment(line: tagLine)
            case "{":
                emit(.variableBegin, line: tagLine)
                try lexInside(end: "}}", isBlock: false, openLine: tagLine)
            default:
                if try lexRawIfPresent() { continue }
                emit(.blockBegin, line: tagLine)
                try lexInside(end: "%}", isBlock: true, openLine: tagLine)
            }
        }
        emit(.eof)
    }

    private mutating func emitData(_ text: [Unicode.Scalar], line: Int) {
        guard !text.isEmpty else { return }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: text)
        tokens.append(Token(kind: .data(String(view)), line: line))
    }

    /// After a tag's closing delimiter: `-` strips all following whitespace, blocks and
    /// comments drop one newline (trim_blocks).
    private mutating func afterTagEnd(stripAll: Bool, trimNewline: Bool) {
        var lastConsumed: Unicode.Scalar? = nil
        if stripAll {
            while i < s.count && isPythonSpace(s[i]) { lastConsumed = s[i]; advance() }
        } else if trimNewline && i < s.count && s[i] == "\n" {
            lastConsumed = "\n"
            advance()
        }
        lineStarting = lastConsumed == "\n"
    }

    private mutating func lexComment(line openLine: Int) throws {
        while i < s.count {
            if starts("#}", at: i) {
                let strip = i > 0 && s[i - 1] == "-"
                advance(2)
                afterTagEnd(stripAll: strip, trimNewline: true)
                return
            }
            advance()
        }
        throw Failure("unclosed comment (missing '#}')", line: openLine)
    }

    /// `{% raw %}…{% endraw %}`: the body is copied verbatim.
    private mutating func lexRawIfPresent() throws -> Bool {
        var k = i
        while k < s.count && isPythonSpace(s[k]) { k += 1 }
        guard starts("raw", at: k) else { return false }
        k += 3
        while k < s.count && isPythonSpace(s[k]) { k += 1 }
        var stripBody = false
        if k < s.count && s[k] == "-" { stripBody = true; k += 1 }
        guard starts("%}", at: k) else { return false }
        let openLine = line
        advance(k + 2 - i)
        if stripBody { while i < s.count && isPythonSpace(s[i]) { advance() } }
        let bodyStart = i
        let bodyLine = line
        while i < s.count {
            if starts("{%", at: i) {
                var m = i + 2
                var stripBefore = false
                if m < s.count && (s[m] == "-" || s[m] == "+") { stripBefore = s[m] == "-"; m += 1 }
                while m < s.count && isPythonSpace(s[m]) { m += 1 }
                if starts("endraw", at: m) {
                    m += 6
                    while m < s.count && isPythonSpace(s[m]) { m += 1 }
                    var stripAfter = false
                    if m < s.count && (s[m] == "-" || s[m] == "+") { stripAfter = s[m] == "-"; m += 1 }
                    if starts("%}", at: m) {
                        var body = Array(s[bodyStart..<i])
                        if stripBefore { while let last = body.last, isPythonSpace(last) { body.removeLast() } }
                        emitData(body, line: bodyLine)
                        advance(m + 2 - i)
                        afterTagEnd(stripAll: stripAfter, trimNewline: true)
                        return true
                    }
                }
            }
            advance()
        }
        throw Failure("unexpected end of template inside 'raw' (missing 'endraw')", line: openLine)
    }

    private mutating func lexInside(end: String, isBlock: Bool, openLine: Int) throws {
        var depth = 0
        while true {
            while i < s.count && isPythonSpace(s[i]) { advance() }
            guard i < s.count else {
                throw Failure("unexpected end of template: tag opened here is not closed with '\(end)'", line: openLine)
            }
            if depth == 0 {
                if starts(end, at: i) {
                    emit(isBlock ? .blockEnd : .variableEnd)
                    advance(2)
                    afterTagEnd(stripAll: false, trimNewline: isBlock)
                    return
                }
                if (s[i] == "-" || s[i] == "+") && starts(end, at: i + 1) {
                    let strip = s[i] == "-"
                    emit(isBlock ? .blockEnd : .variableEnd)
                    advance(3)
                    afterTagEnd(stripAll: strip, trimNewline: isBlock && !strip)
                    return
                }
            }
            let c = s[i]
            if c == "_" || c.properties.isAlphabetic && c.value < 0x80 {
                var k = i
                while k < s.count && (s[k] == "_" || (s[k].value < 0x80 && (s[k].properties.isAlphabetic || s[k].properties.numericType != nil))) { k += 1 }
                emit(.name(string(i, k)))
                advance(k - i)
            } else if c.value >= 0x30 && c.value <= 0x39 {
                try lexNumber()
            } else if c == "'" || c == "\"" {
                try lexString(quote: c)
            } else {
                let three = ["//", "**", "==", "!=", "<=", ">="]
                if let op = three.first(where: { starts($0, at: i) }) {
                    emit(.op(op))
                    advance(2)
                } else if "+-*/%~<>=()[]{},.:|".unicodeScalars.contains(c) {
                    if c == "(" || c == "[" || c == "{" { depth += 1 }
                    if c == ")" || c == "]" || c == "}" { depth = max(0, depth - 1) }
                    emit(.op(String(c)))
                    advance()
                } else {
                    throw Failure("unexpected character '\(String(c))'", line: line)
                }
            }
        }
    }

    private func string(_ from: Int, _ to: Int) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: s[from..<to])
        return String(view)
    }

    private func isDigit(_ k: Int) -> Bool { k < s.count && s[k].value >= 0x30 && s[k].value <= 0x39 }

    private mutating func lexNumber() throws {
        var k = i
        while isDigit(k) || (k < s.count && s[k] == "_" && isDigit(k + 1)) { k += 1 }
        var isFloat = false
        if k < s.count && s[k] == "." && isDigit(k + 1) {
            isFloat = true
            k += 1
            while isDigit(k) || (k < s.count && s[k] == "_" && isDigit(k + 1)) { k += 1 }
        }
        if k < s.count && (s[k] == "e" || s[k] == "E") {
            var m = k + 1
            if m < s.count && (s[m] == "+" || s[m] == "-") { m += 1 }
            if isDigit(m) {
                isFloat = true
                k = m
                while isDigit(k) { k += 1 }
            }
        }
        let text = string(i, k).replacingOccurrences(of: "_", with: "")
        if isFloat {
            guard let value = Double(text) else { throw Failure("bad number '\(text)'", line: line) }
            emit(.float(value))
        } else {
            guard let value = Int(text) else { throw Failure("integer '\(text)' is too large", line: line) }
            emit(.int(value))
        }
        advance(k - i)
    }

    private mutating func lexString(quote: Unicode.Scalar) throws {
        let startLine = line
        advance()
        var out = String.UnicodeScalarView()
        while true {
            guard i < s.count else { throw Failure("unterminated string literal", line: startLine) }
            let c = s[i]
            if c == quote { advance(); break }
            if c == "\\", i + 1 < s.count {
                let e = s[i + 1]
                advance(2)
                switch e {
                case "n": out.append("\n")
                case "t": out.append("\t")
                case "r": out.append("\r")
                case "\\": out.append("\\")
                case "'": out.append("'")
                case "\"": out.append("\"")
                case "a": out.append("\u{07}")
                case "b": out.append("\u{08}")
                case "f": out.append("\u{0C}")
                case "v": out.append("\u{0B}")
                case "\n": break
                case "x", "u", "U":
                    let width = e == "x" ? 2 : (e == "u" ? 4 : 8)
                    guard i + width <= s.count, let v = UInt32(string(i, i + width), radix: 16), let scalar = Unicode.Scalar(v) else {
                        throw Failure("bad \\\(String(e)) escape in string literal", line: line)
                    }
                    out.append(scalar)
                    advance(width)
                case "0"..."7":
                    var digits = String(e)
                    while digits.count < 3, i < s.count, ("0"..."7").contains(s[i]) { digits.unicodeScalars.append(s[i]); advance() }
                    out.append(Unicode.Scalar(UInt32(digits, radix: 8)!) ?? "?")
                default:
                    out.append("\\")
                    out.append(e)
                }
                continue
            }
            out.append(c)
            advance()
        }
        emit(.string(String(out)), line: startLine)
    }
}
