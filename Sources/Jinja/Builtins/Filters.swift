import Foundation

/// jinja2's builtin filters that chat templates use, with Python's semantics.
enum Filters {
    static func apply(_ name: String, _ value: Value, _ positional: [Value], _ keywords: [(String, Value)], _ interpreter: Interpreter) throws -> Value {
        let args = Arguments(name, positional, keywords)
        switch name {
        case "trim":
            return .str(try text(value, name).stripped(leading: true, trailing: true, chars: try args.string(0, "chars")?.plain))
        case "length", "count":
            switch value {
            case .str(let s): return .int(s.scalarCount)
            case .list(let l): return .int(l.count)
            case .dict(let d): return .int(d.count)
            case .undefined: return .int(0)
            default: throw Failure("object of type '\(value.typeName)' has no len()")
            }
        case "tojson":
            let indent: String?
            switch args.value(0, "indent") {
            case .int(let n)?: indent = String(repeating: " ", count: max(0, n))
            case .str(let s)?: indent = s.plain
            default: indent = nil
            }
            var separators: (String, String)?
            if case .list(let pair)? = args.value(1, "separators"), pair.count == 2 {
                separators = (pair[0].stringValue.plain, pair[1].stringValue.plain)
            }
            let sortKeys = args.value(2, "sort_keys")?.truthy ?? false
            return .str(try JSONWriter(indent: indent, separators: separators, sortKeys: sortKeys).write(value))
        case "selectattr", "rejectattr":
            guard let attribute = try args.string(0, "attr")?.plain else { throw Failure("\(name) needs an attribute name") }
            let keep = name == "selectattr"
            return .list(try value.iterated(name).filter { item in
                let field = try attributePath(item, attribute, interpreter)
                let result = positional.count > 1
                    ? try TestFunctions.apply(positional[1].stringValue.plain, field, Array(positional.dropFirst(2)), interpreter)
                    : field.truthy
                return result == keep
            })
        case "select", "reject":
            let keep = name == "select"
            return .list(try value.iterated(name).filter { item in
                let result = positional.isEmpty ? item.truthy
                    : try TestFunctions.apply(positional[0].stringValue.plain, item, Array(positional.dropFirst()), interpreter)
                return result == keep
            })
        case "map":
            if let attribute = try args.string(-1, "attribute")?.plain {
                let fallback = args.value(-1, "default")
                return .list(try value.iterated(name).map { item in
                    let field = try attributePath(item, attribute, interpreter)
                    if field.isUndefined, let fallback { return fallback }
                    return field
                })
            }
            guard let filter = positional.first?.stringValue.plain else { return .list(try value.iterated(name)) }
            return .list(try value.iterated(name).map { try apply(filter, $0, Array(positional.dropFirst()), [], interpreter) })
        case "list":
            return .list(try value.iterated(name))
        case "join":
            let separator = try args.string(0, "d") ?? JStr()
            var items = try value.iterated(name)
            if let attribute = try args.string(1, "attribute")?.plain {
                items = try items.map { try attributePath($0, attribute, interpreter) }
            }
            return .str(JStr.join(items.map(\.stringValue), separator: separator))
        case "upper": return .str(try text(value, name).mapSegments { $0.uppercased() })
        case "lower": return .str(try text(value, name).mapSegments { $0.lowercased() })
        case "capitalize": return .str(capitalized(try text(value, name)))
        case "title": return .str(titled(try text(value, name)))
        case "replace":
            guard let old = try args.string(0, "old"), let new = try args.string(1, "new") else { throw Failure("replace needs two strings") }
            return .str(try text(value, name).replacing(old.plain, with: new, count: try args.int(2, "count") ?? -1))
        case "default", "d":
            let fallback = args.value(0, "default_value") ?? .text("")
            let boolean = args.bool(1, "boolean") ?? false
            if value.isUndefined || (boolean && !value.truthy) { return fallback }
            return value
        case "first":
            return try value.iterated(name).first ?? .undefined("no first item, sequence was empty")
        case "last":
            return try value.iterated(name).last ?? .undefined("no last item, sequence was empty")
        case "int":
            switch value {
            case .int: return value
            case .bool(let b): return .int(b ? 1 : 0)
            case .double(let d): return d.isFinite && abs(d) < 9e18 ? .int(Int(d)) : .int(0)
            case .str(let s):
                let t = s.plain.trimmingCharacters(in: .whitespaces)
                if let i = Int(t) { return .int(i) }
                if let d = Double(t), d.isFinite, abs(d) < 9e18 { return .int(Int(d)) }
                return args.value(0, "default") ?? .int(0)
            default: return args.value(0, "default") ?? .int(0)
            }
        case "float":
            switch value {
            case .int(let i): return .double(Double(i))
            case .double: return value
            case .bool(let b): return .double(b ? 1 : 0)
            case .str(let s): return Double(s.plain.trimmingCharacters(in: .whitespaces)).map(Value.double) ?? .double(0)
            default: return .double(0)
            }
        case "string": return .str(value.stringValue)
        case "safe", "e", "escape", "forceescape": return value.isUndefined ? .text("") : (name == "safe" ? value : .str(escaped(value.stringValue)))
        case "indent":
            let width = try args.int(0, "width") ?? 4
            let first = args.bool(1, "first") ?? false
            let blank = args.bool(2, "blank") ?? false
            return .str(indented(try text(value, name), width: width, first: first, blank: blank))
        case "items":
            guard case .dict(let dict) = value else {
                if value.isUndefined { return .list([]) }
                throw Failure("items: '\(value.typeName)' is not a mapping")
            }
            return .list(dict.items.map { .list([$0.0, $0.1]) })
        case "dictsort":
            guard case .dict(let dict) = value else { throw Failure("dictsort: '\(value.typeName)' is not a mapping") }
            let byValue = (try args.string(1, "by")?.plain) == "value"
            let reverse = args.bool(2, "reverse") ?? false
            var pairs = dict.items
            try sortInPlace(&pairs) { a, b in try Value.less(byValue ? a.1 : a.0, byValue ? b.1 : b.0) }
            if reverse { pairs.reverse() }
            return .list(pairs.map { .list([$0.0, $0.1]) })
        case "unique":
            var seen: [Value] = []
            for item in try value.iterated(name) where !seen.contains(where: { Value.equal($0, item) }) { seen.append(item) }
            return .list(seen)
        case "reverse":
            if case .str(let s) = value { return .str(JStr(scalars: s.scalars.reversed())) }
            return .list(try value.iterated(name).reversed())
        case "sort":
            var items = try value.iterated(name)
            let reverse = args.bool(0, "reverse") ?? false
            let attribute = try args.string(2, "attribute")?.plain
            try sortInPlace(&items) { a, b in
                let x = try attribute.map { try attributePath(a, $0, interpreter) } ?? a
                let y = try attribute.map { try attributePath(b, $0, interpreter) } ?? b
                return try Value.less(x, y)
            }
            if reverse { items.reverse() }
            return .list(items)
        case "abs":
            switch value.number {
            case .int(let i)?: return .int(i == Int.min ? i : abs(i))
            case .double(let d)?: return .double(abs(d))
            default: throw Failure("bad operand type for abs(): '\(value.typeName)'")
            }
        case "round":
            let precision = try args.int(0, "precision") ?? 0
            let method = try args.string(1, "method")?.plain ?? "common"
            let scale = pow(10.0, Double(precision))
            let x = value.asDouble * scale
            let rounded = method == "ceil" ? x.rounded(.up) : method == "floor" ? x.rounded(.down) : x.rounded(.toNearestOrAwayFromZero)
            return .double(rounded / scale)
        case "wordcount":
            return .int(try text(value, name).plain.split(whereSeparator: { $0.isWhitespace }).count)
        case "sum":
            var total: Value = .int(0)
            for item in try value.iterated(name) { total = try interpreter.binary("+", total, item) }
            return total
        case "min", "max":
            let items = try value.iterated(name)
            guard var best = items.first else { return .undefined("\(name) of an empty sequence") }
            for item in items.dropFirst() where try (name == "min" ? Value.less(item, best) : Value.less(best, item)) { best = item }
            return best
        case "attr":
            return try interpreter.attribute(of: value, try args.string(0, "name")?.plain ?? "")
        case "batch":
            let size = max(1, try args.int(0, "linecount") ?? 1)
            let items = try value.iterated(name)
            return .list(stride(from: 0, to: items.count, by: size).map { .list(Array(items[$0..<min($0 + size, items.count)])) })
        case "center":
            let s = try text(value, name), width = try args.int(0, "width") ?? 80
            let pad = max(0, width - s.scalarCount), left = pad / 2
            return .str(JStr(String(repeating: " ", count: left)) + s + JStr(String(repeating: " ", count: pad - left)))
        case "format":
            return .str(try percentFormat(try text(value, name), a: .list(positional)))
        default:
            throw Failure("no filter named '\(name)'")
        }
    }

    static func text(_ value: Value, _ filter: String) throws -> JStr {
        switch value {
        case .str(let s): return s
        case .undefined: return JStr()
        default: return value.stringValue
        }
    }

    /// `a.b.c` as jinja2's attribute lookups for `selectattr`/`map(attribute=…)`.
    static func attributePath(_ value: Value, _ path: String, _ interpreter: Interpreter) throws -> Value {
        var current = value
        for part in path.split(separator: ".") {
            if current.isUndefined { return current }
            if let index = Int(part) { current = try interpreter.item(of: current, .int(index)) } else {
                current = try interpreter.item(of: current, .text(String(part)))
            }
        }
        return current
    }

    static func sortInPlace<T>(_ items: inout [T], by less: (T, T) throws -> Bool) throws {
        var failure: Error?
        items.sort { a, b in
            if failure != nil { return false }
            do { return try less(a, b) } catch { failure = error; return false }
        }
        if let failure { throw failure }
    }

    static func capitalized(_ s: JStr) -> JStr {
        s.mapScalars { index, scalar, _ in
            index == 0 ? String(scalar).uppercased() : String(scalar).lowercased()
        }
    }

    /// jinja2's `title`: a word starts after whitespace or one of `-({[<`.
    static func titled(_ s: JStr) -> JStr {
        s.mapScalars { index, scalar, all in
            let startsWord = index == 0 || {
                let previous = all[index - 1].0
                return isPythonSpace(previous) || "-({[<".unicodeScalars.contains(previous)
            }()
            return startsWord ? String(scalar).uppercased() : String(scalar).lowercased()
        }
    }

    static func escaped(_ s: JStr) -> JStr {
        s.mapSegments { text in
            var out = ""
            for c in text {
                switch c {
                case "&": out += "&amp;"
                case "<": out += "&lt;"
                case ">": out += "&gt;"
                case "\"": out += "&#34;"
                case "'": out += "&#39;"
                default: out.append(c)
                }
            }
            return out
        }
    }

    /// jinja2's `indent`: every line but the first (unless `first`) gets `width` spaces;
    /// blank lines only with `blank`.
    static func indented(_ s: JStr, width: Int, first: Bool, blank: Bool) -> JStr {
        let pad = JStr(String(repeating: " ", count: max(0, width)))
        let lines = s.splitLines()
        var out = JStr()
        var newline = JStr("\n")
        for (index, line) in lines.enumerated() {
            if index > 0 { out.append(newline) }
            let isBlank = line.plain.allSatisfy { $0.isWhitespace }
            if (index > 0 || first) && (blank || !isBlank) { out.append(pad) }
            out.append(line)
        }
        if s.plain.hasSuffix("\n") { out.append(newline) }
        newline = JStr()
        return out
    }

    /// Python's `format % args` for `%s`, `%d`, `%r`, `%%` (what templates use).
    static func percentFormat(_ format: JStr, a: Value) throws -> JStr {
        let values: [Value]
        if case .list(let items) = a { values = items } else { values = [a] }
        var out = JStr()
        var next = 0
        let all = format.scalars
        var i = 0
        while i < all.count {
            let (scalar, data) = all[i]
            if scalar == "%", i + 1 < all.count {
                let code = all[i + 1].0
                i += 2
                if code == "%" { out.append("%", data: data); continue }
                guard next < values.count else { throw Failure("not enough arguments for format string") }
                let value = values[next]
                next += 1
                switch code {
                case "s": out.append(value.stringValue)
                case "r": out.append(value.repr)
                case "d", "i":
                    guard case .int(let n)? = value.number ?? (value.asDouble.isFinite ? .int(Int(value.asDouble)) : nil) else {
                        throw Failure("%d format: a number is required, not \(value.typeName)")
                    }
                    out.append(String(n), data: false)
                default: throw Failure("unsupported format character '\(code)'")
                }
                continue
            }
            out.append(String(scalar), data: data)
            i += 1
        }
        return out
    }
}
