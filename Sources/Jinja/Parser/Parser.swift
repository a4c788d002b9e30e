/// Recursive-descent parser with jinja2's precedence: filters and tests bind tighter than
/// any binary operator; `for … in` iterables take no conditional expression.
struct Parser {
    private let tokens: [Token]
    private var p = 0
    private var nesting = 0
    private var openBlocks: [(String, Int)] = []
    private static let maxNesting = 100

    init(tokens: [Token]) { self.tokens = tokens }

    static func parse(_ source: String) throws -> [Stmt] {
        var parser = Parser(tokens: try Lexer.tokenize(source))
        let (body, end) = try parser.parseBody(until: [])
        if let end { throw Failure("unexpected '\(end)' with no open block", line: parser.tokens[parser.p].line) }
        return body
    }

    private var token: Token { tokens[p] }
    private var line: Int { tokens[p].line }

    private mutating func next() -> Token {
        let t = tokens[p]
        if p < tokens.count - 1 { p += 1 }
        return t
    }

    private func isOp(_ op: String) -> Bool { token.kind == .op(op) }
    private func isName(_ name: String) -> Bool { token.kind == .name(name) }

    private mutating func expectOp(_ op: String) throws {
        guard isOp(op) else { throw Failure("expected '\(op)', got \(describe(token))", line: line) }
        _ = next()
    }

    private mutating func expectName() throws -> String {
        guard case .name(let n) = token.kind else { throw Failure("expected a name, got \(describe(token))", line: line) }
        _ = next()
        return n
    }

    private mutating func expectBlockEnd() throws {
        guard token.kind == .blockEnd else { throw Failure("expected end of tag '%}', got \(describe(token))", line: line) }
        _ = next()
    }

    private func describe(_ t: Token) -> String {
        switch t.kind {
        case .data: return "template text"
        case .variableBegin: return "'{{'"
        case .variableEnd: return "'}}'"
        case .blockBegin: return "'{%'"
        case .blockEnd: return "'%}'"
        case .name(let n): return "'\(n)'"
        case .string(let s): return "string '\(s)'"
        case .int(let i): return "integer \(i)"
        case .float(let d): return "number \(d)"
        case .op(let o): return "'\(o)'"
        case .eof: return "end of template"
        }
    }

    // MARK: statements

    /// Parses statements until a block tag named in `until`; returns that tag's name with
    /// the parser positioned just after it (its arguments still unread).
    private mutating func parseBody(until: Set<String>) throws -> ([Stmt], String?) {
        var body: [Stmt] = []
        while true {
            let t = next()
            switch t.kind {
            case .eof:
                if let (name, openLine) = openBlocks.last {
                    let expected = until.sorted().map { "'\($0)'" }.joined(separator: " or ")
                    throw Failure("unexpected end of template: '\(name)' block opened at line \(openLine) is not closed (expected \(expected))", line: t.line)
                }
                return (body, nil)
            case .data(let text):
                body.append(.text(text))
            case .variableBegin:
                let e = try parseTuple()
                guard token.kind == .variableEnd else { throw Failure("expected '}}', got \(describe(token))", line: line) }
                _ = next()
                body.append(.output(e, line: t.line))
            case .blockBegin:
                let name = try expectName()
                if until.contains(name) { return (body, name) }
                // Each open block is a level of recursion here and in the interpreter.
                if openBlocks.count >= Parser.maxNesting {
                    throw Failure("blocks nested too deeply (more than \(Parser.maxNesting))", line: t.line)
                }
                if let stmt = try parseStatement(name, line: t.line) { body.append(stmt) }
            default:
                throw Failure("unexpected \(describe(t))", line: t.line)
            }
        }
    }

    private mutating func parseStatement(_ name: String, line: Int) throws -> Stmt? {
        switch name {
        case "if": return try parseIf(line: line)
        case "for": return try parseFor(line: line)
        case "set": return try parseSet(line: line)
        case "macro": return try parseMacro(line: line)
        case "filter":
            let filters = try parseFilterChain(first: true)
            try expectBlockEnd()
            let body = try parseBlockBody("filter", line: line, until: ["endfilter"])
            try expectBlockEnd()
            return .filterBlock(filters, body, line: line)
        case "generation":
            // transformers' AssistantTracker tag: renders its body unchanged.
            try expectBlockEnd()
            let body = try parseBlockBody("generation", line: line, until: ["endgeneration"])
            try expectBlockEnd()
            return .filterBlock([], body, line: line)
        case "break":
            try expectBlockEnd()
            return .breakLoop(line: line)
        case "continue":
            try expectBlockEnd()
            return .continueLoop(line: line)
        default:
            throw Failure("unknown tag '\(name)'", line: line)
        }
    }

    private mutating func parseBlockBody(_ name: String, line: Int, until: Set<String>) throws -> [Stmt] {
        openBlocks.append((name, line))
        defer { openBlocks.removeLast() }
        let (body, _) = try parseBody(until: until)
        return body
    }

    private mutating func parseIf(line: Int) throws -> Stmt {
        var branches: [(Expr, [Stmt])] = []
        var condition = try parseExpression()
        try expectBlockEnd()
        openBlocks.append(("if", line))
        defer { openBlocks.removeLast() }
        while true {
            let (body, end) = try parseBody(until: ["elif", "else", "endif"])
            branches.append((condition, body))
            switch end {
            case "elif":
                condition = try parseExpression()
                try expectBlockEnd()
            case "else":
                try expectBlockEnd()
                let (otherwise, _) = try parseBody(until: ["endif"])
                try expectBlockEnd()
                return .ifChain(branches, otherwise: otherwise, line: line)
            default:
                try expectBlockEnd()
                return .ifChain(branches, otherwise: [], line: line)
            }
        }
    }

    private mutating func parseFor(line: Int) throws -> Stmt {
        var targets = [try expectName()]
        while isOp(",") {
            _ = next()
            targets.append(try expectName())
        }
        guard isName("in") else { throw Failure("expected 'in' in for loop, got \(describe(token))", line: self.line) }
        _ = next()
        let iterable = try parseTuple(allowConditional: false)
        var filter: Expr? = nil
        if isName("if") {
            _ = next()
            filter = try parseExpression()
        }
        if isName("recursive") { throw Failure("recursive for loops are not supported", line: self.line) }
        try expectBlockEnd()
        openBlocks.append(("for", line))
        defer { openBlocks.removeLast() }
        let (body, end) = try parseBody(until: ["else", "endfor"])
        var otherwise: [Stmt] = []
        try expectBlockEnd()
        if end == "else" {
            (otherwise, _) = try parseBody(until: ["endfor"])
            try expectBlockEnd()
        }
        return .forLoop(targets: targets, iterable: iterable, filter: filter, body: body, otherwise: otherwise, line: line)
    }

    private mutating func parseSet(line: Int) throws -> Stmt {
        let first = try expectName()
        if isOp(".") {
            _ = next()
            let attribute = try expectName()
            try expectOp("=")
            let value = try parseTuple()
            try expectBlockEnd()
            return .set(.attribute(first, attribute), value, line: line)
        }
        var names = [first]
        while isOp(",") {
            _ = next()
            names.append(try expectName())
        }
        if isOp("=") {
            _ = next()
            let value = try parseTuple()
            try expectBlockEnd()
            return .set(.names(names), value, line: line)
        }
        guard names.count == 1 else { throw Failure("expected '=' in set", line: self.line) }
        let filters = isOp("|") ? try parseFilterChain(first: false) : []
        try expectBlockEnd()
        let body = try parseBlockBody("set", line: line, until: ["endset"])
        try expectBlockEnd()
        return .setBlock(first, filters, body, line: line)
    }

    private mutating func parseMacro(line: Int) throws -> Stmt {
        let name = try expectName()
        try expectOp("(")
        var parameters: [(String, Expr?)] = []
        while !isOp(")") {
            if !parameters.isEmpty { try expectOp(",") }
            if isOp(")") { break }
            let parameter = try expectName()
            var defaultValue: Expr? = nil
            if isOp("=") {
                _ = next()
                defaultValue = try parseExpression()
            }
            parameters.append((parameter, defaultValue))
        }
        try expectOp(")")
        try expectBlockEnd()
        let body = try parseBlockBody("macro", line: line, until: ["endmacro"])
        if case .name = token.kind { _ = next() }
        try expectBlockEnd()
        return .macro(name, parameters, body, line: line)
    }

    /// `name(args) | name …` for `{% filter %}` (first name without a pipe) and block sets.
    private mutating func parseFilterChain(first: Bool) throws -> [FilterCall] {
        var calls: [FilterCall] = []
        var needPipe = !first
        while true {
            if needPipe {
                guard isOp("|") else { break }
                _ = next()
            }
            needPipe = true
            let name = try parseDottedName()
            var arguments: [Expr] = []
            var keywords: [(String, Expr)] = []
            if isOp("(") { (arguments, keywords) = try parseCallArguments() }
            calls.append(FilterCall(name: name, arguments: arguments, keywords: keywords))
        }
        return calls
    }

    private mutating func parseDottedName() throws -> String {
        var name = try expectName()
        while isOp(".") {
            _ = next()
            name += "." + (try expectName())
        }
        return name
    }

    // MARK: expressions

    /// An expression, or a bare tuple `a, b`.
    private mutating func parseTuple(allowConditional: Bool = true) throws -> Expr {
        let first = allowConditional ? try parseExpression() : try parseOr()
        guard isOp(",") else { return first }
        var items = [first]
        while isOp(",") {
            _ = next()
            if token.kind == .variableEnd || token.kind == .blockEnd || isOp(")") { break }
            items.append(allowConditional ? try parseExpression() : try parseOr())
        }
        return .tuple(items)
    }

    mutating func parseExpression() throws -> Expr {
        nesting += 1
        defer { nesting -= 1 }
        if nesting > Parser.maxNesting { throw Failure("expression nested too deeply", line: line) }
        let then = try parseOr()
        guard isName("if") else { return then }
        _ = next()
        let condition = try parseOr()
        var otherwise: Expr? = nil
        if isName("else") {
            _ = next()
            otherwise = try parseExpression()
        }
        return .conditional(then: then, condition: condition, otherwise: otherwise)
    }

    private mutating func parseOr() throws -> Expr {
        var left = try parseAnd()
        while isName("or") {
            _ = next()
            left = .or(left, try parseAnd())
        }
        return left
    }

    private mutating func parseAnd() throws -> Expr {
        var left = try parseNot()
        while isName("and") {
            _ = next()
            left = .and(left, try parseNot())
        }
        return left
    }

    private mutating func parseNot() throws -> Expr {
        if isName("not") {
            _ = next()
            return .unary("not", try parseNot())
        }
        return try parseCompare()
    }

    private mutating func parseCompare() throws -> Expr {
        let first = try parseMath1()
        var result: Expr? = nil
        var left = first
        while true {
            var op: String
            if case .op(let o) = token.kind, ["==", "!=", "<", "<=", ">", ">="].contains(o) {
                op = o
                _ = next()
            } else if isName("in") {
                op = "in"
                _ = next()
            } else if isName("not"), p + 1 < tokens.count, tokens[p + 1].kind == .name("in") {
                op = "not in"
                _ = next(); _ = next()
            } else {
                break
            }
            let right = try parseMath1()
            let comparison = Expr.binary(op, left, right)
            result = result.map { .and($0, comparison) } ?? comparison
            left = right
        }
        return result ?? first
    }

    private mutating func parseMath1() throws -> Expr {
        var left = try parseConcat()
        while isOp("+") || isOp("-") {
            guard case .op(let op) = next().kind else { break }
            left = .binary(op, left, try parseConcat())
        }
        return left
    }

    private mutating func parseConcat() throws -> Expr {
        var left = try parseMath2()
        while isOp("~") {
            _ = next()
            left = .binary("~", left, try parseMath2())
        }
        return left
    }

    private mutating func parseMath2() throws -> Expr {
        var left = try parsePow()
        while isOp("*") || isOp("/") || isOp("//") || isOp("%") {
            guard case .op(let op) = next().kind else { break }
            left = .binary(op, left, try parsePow())
        }
        return left
    }

    private mutating func parsePow() throws -> Expr {
        var left = try parseUnary()
        while isOp("**") {
            _ = next()
            left = .binary("**", left, try parseUnary())
        }
        return left
    }

    private mutating func parseUnary(withFilter: Bool = true) throws -> Expr {
        nesting += 1
        defer { nesting -= 1 }
        if nesting > Parser.maxNesting { throw Failure("expression nested too deeply", line: line) }
        var node: Expr
        if isOp("-") {
            _ = next()
            node = .unary("-", try parseUnary(withFilter: false))
        } else if isOp("+") {
            _ = next()
            node = .unary("+", try parseUnary(withFilter: false))
        } else {
            node = try parsePrimary()
        }
        node = try parsePostfix(node)
        if withFilter { node = try parseFilterExpression(node) }
        return node
    }

    private mutating func parsePrimary() throws -> Expr {
        let t = next()
        switch t.kind {
        case .name(let n):
            switch n {
            case "true", "True": return .literal(.bool(true))
            case "false", "False": return .literal(.bool(false))
            case "none", "None": return .literal(.none)
            default: return .name(n)
            }
        case .string(var s):
            while case .string(let more) = token.kind {
                s += more
                _ = next()
            }
            return .literal(.text(s))
        case .int(let i): return .literal(.int(i))
        case .float(let d): return .literal(.double(d))
        case .op("("):
            if isOp(")") {
                _ = next()
                return .tuple([])
            }
            let inner = try parseTuple()
            try expectOp(")")
            return inner
        case .op("["):
            var items: [Expr] = []
            while !isOp("]") {
                if !items.isEmpty { try expectOp(",") }
                if isOp("]") { break }
                items.append(try parseExpression())
            }
            try expectOp("]")
            return .list(items)
        case .op("{"):
            var pairs: [(Expr, Expr)] = []
            while !isOp("}") {
                if !pairs.isEmpty { try expectOp(",") }
                if isOp("}") { break }
                let key = try parseExpression()
                try expectOp(":")
                pairs.append((key, try parseExpression()))
            }
            try expectOp("}")
            return .dict(pairs)
        default:
            throw Failure("unexpected \(describe(t))", line: t.line)
        }
    }

    private mutating func parsePostfix(_ start: Expr) throws -> Expr {
        var node = start
        while true {
            if isOp(".") {
                _ = next()
                switch next().kind {
                case .name(let n): node = .attribute(node, n)
                case .int(let i): node = .item(node, .literal(.int(i)))
                default: throw Failure("expected an attribute name after '.'", line: line)
                }
            } else if isOp("[") {
                _ = next()
                node = try parseSubscript(node)
            } else if isOp("(") {
                let (arguments, keywords) = try parseCallArguments()
                node = .call(node, arguments, keywords)
            } else {
                return node
            }
        }
    }

    private mutating func parseSubscript(_ target: Expr) throws -> Expr {
        var parts: [Expr?] = []
        var current: Expr? = nil
        var isSlice = false
        while !isOp("]") {
            if isOp(":") {
                _ = next()
                isSlice = true
                parts.append(current)
                current = nil
            } else {
                guard current == nil else { throw Failure("expected ':' or ']' in subscript", line: line) }
                current = try parseExpression()
            }
        }
        _ = next()
        parts.append(current)
        if !isSlice {
            guard let index = parts[0] else { throw Failure("empty subscript", line: line) }
            return .item(target, index)
        }
        guard parts.count <= 3 else { throw Failure("too many ':' in slice", line: line) }
        while parts.count < 3 { parts.append(nil) }
        return .slice(target, parts[0], parts[1], parts[2])
    }

    private mutating func parseCallArguments() throws -> ([Expr], [(String, Expr)]) {
        try expectOp("(")
        var arguments: [Expr] = []
        var keywords: [(String, Expr)] = []
        var first = true
        while !isOp(")") {
            if !first { try expectOp(",") }
            first = false
            if isOp(")") { break }
            if case .name(let n) = token.kind, p + 1 < tokens.count, tokens[p + 1].kind == .op("=") {
                _ = next(); _ = next()
                keywords.append((n, try parseExpression()))
            } else {
                guard keywords.isEmpty else { throw Failure("positional argument after keyword argument", line: line) }
                arguments.append(try parseExpression())
            }
        }
        try expectOp(")")
        return (arguments, keywords)
    }

    private mutating func parseFilterExpression(_ start: Expr) throws -> Expr {
        var node = start
        while true {
            if isOp("|") {
                _ = next()
                let name = try parseDottedName()
                var arguments: [Expr] = []
                var keywords: [(String, Expr)] = []
                if isOp("(") { (arguments, keywords) = try parseCallArguments() }
                node = .filter(node, name, arguments, keywords)
            } else if isName("is") {
                _ = next()
                var negated = false
                if isName("not") {
                    _ = next()
                    negated = true
                }
                let name = try parseDottedName()
                var arguments: [Expr] = []
                if isOp("(") {
                    (arguments, _) = try parseCallArguments()
                } else if startsBareTestArgument() {
                    arguments = [try parsePostfix(try parsePrimary())]
                }
                node = .test(node, name, arguments, negated: negated)
            } else {
                return node
            }
        }
    }

    /// jinja2 lets a test take one argument without parentheses (`x is divisibleby 3`).
    private func startsBareTestArgument() -> Bool {
        switch token.kind {
        case .name(let n): return !["else", "or", "and", "if", "in", "is", "not"].contains(n)
        case .string, .int, .float: return true
        case .op(let o): return o == "[" || o == "{"
        default: return false
        }
    }
}
