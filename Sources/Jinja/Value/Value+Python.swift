import Foundation

/// Python's conversions and comparisons, which jinja2 inherits.
extension Value {
    var typeName: String {
        switch self {
        case .undefined: return "Undefined"
        case .none: return "NoneType"
        case .bool: return "bool"
        case .int: return "int"
        case .double: return "float"
        case .str: return "str"
        case .list: return "list"
        case .dict: return "dict"
        case .namespace: return "Namespace"
        case .macro: return "Macro"
        case .function: return "function"
        }
    }

    var isUndefined: Bool {
        if case .undefined = self { return true }
        return false
    }

    /// Python truthiness.
    var truthy: Bool {
        switch self {
        case .undefined, .none: return false
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .double(let d): return d != 0
        case .str(let s): return !s.isEmpty
        case .list(let l): return !l.isEmpty
        case .dict(let d): return d.count > 0
        case .namespace, .macro, .function: return true
        }
    }

    /// `str(x)`, keeping the origin of strings inside.
    var stringValue: JStr {
        switch self {
        case .undefined: return JStr()
        case .str(let s): return s
        case .list, .dict: return repr
        default: return repr
        }
    }

    /// Python's `repr(x)`; string contents keep their origin.
    var repr: JStr {
        switch self {
        case .undefined: return JStr()
        case .none: return JStr("None")
        case .bool(let b): return JStr(b ? "True" : "False")
        case .int(let i): return JStr(String(i))
        case .double(let d): return JStr(pythonFloat(d))
        case .str(let s): return pythonStringRepr(s)
        case .list(let items):
            var out = JStr("[")
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(", ", data: false) }
                out.append(item.repr)
            }
            out.append("]", data: false)
            return out
        case .dict(let dict):
            var out = JStr("{")
            for (index, (key, value)) in dict.items.enumerated() {
                if index > 0 { out.append(", ", data: false) }
                out.append(key.repr)
                out.append(": ", data: false)
                out.append(value.repr)
            }
            out.append("}", data: false)
            return out
        case .namespace: return JStr("<Namespace>")
        case .macro(let m): return JStr("<Macro '\(m.name)'>")
        case .function(let name, _): return JStr("<built-in function \(name)>")
        }
    }

    /// Python `==`.
    static func equal(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.undefined, .undefined), (.none, .none): return true
        case (.str(let x), .str(let y)): return x.plain == y.plain
        case (.list(let x), .list(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) }
        case (.dict(let x), .dict(let y)):
            guard x.count == y.count else { return false }
            for (key, value) in x.items {
                guard let other = y.get(key), equal(value, other) else { return false }
            }
            return true
        case (.namespace(let x), .namespace(let y)): return x === y
        case (.macro(let x), .macro(let y)): return x === y
        default:
            if let x = a.number, let y = b.number {
                switch (x, y) {
                case (.int(let i), .int(let j)): return i == j
                default: return x.asDouble == y.asDouble
                }
            }
            return false
        }
    }

    /// The value as a number (bools count, as in Python).
    var number: Value? {
        switch self {
        case .int, .double: return self
        case .bool(let b): return .int(b ? 1 : 0)
        default: return nil
        }
    }

    var asDouble: Double {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .bool(let b): return b ? 1 : 0
        default: return .nan
        }
    }

    /// Python ordering (`<`), or an error for unorderable types.
    static func less(_ a: Value, _ b: Value) throws -> Bool {
        switch (a, b) {
        case (.str(let x), .str(let y)): return x.plain.unicodeScalars.lexicographicallyPrecedes(y.plain.unicodeScalars)
        case (.list(let x), .list(let y)):
            for (l, r) in zip(x, y) where !equal(l, r) { return try less(l, r) }
            return x.count < y.count
        default:
            if let x = a.number, let y = b.number {
                if case .int(let i) = x, case .int(let j) = y { return i < j }
                return x.asDouble < y.asDouble
            }
            throw Failure("'<' not supported between instances of '\(a.typeName)' and '\(b.typeName)'")
        }
    }
}

/// Python's `repr(float)`.
func pythonFloat(_ d: Double) -> String {
    if d.isNaN { return "nan" }
    if d.isInfinite { return d < 0 ? "-inf" : "inf" }
    var text = "\(d)"
    // Swift writes exponents like Python ("1e-05", "1e+16") but may omit the sign or pad differently.
    if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
        let mantissa = String(text[..<e])
        var exponent = String(text[text.index(after: e)...])
        var sign = "+"
        if exponent.hasPrefix("-") { sign = "-"; exponent.removeFirst() } else if exponent.hasPrefix("+") { exponent.removeFirst() }
        if exponent.count < 2 { exponent = "0" + exponent }
        let m = mantissa.hasSuffix(".0") ? String(mantissa.dropLast(2)) : mantissa
        text = m + "e" + sign + exponent
    }
    return text
}

/// Python's `repr(str)`: single quotes unless the text has a `'` and no `"`.
func pythonStringRepr(_ s: JStr) -> JStr {
    let plain = s.plain
    let quote: Character = plain.contains("'") && !plain.contains("\"") ? "\"" : "'"
    var out = JStr(String(quote))
    out.append(s.mapSegments { text in
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            default:
                if Character(scalar) == quote {
                    escaped += "\\" + String(quote)
                } else if scalar.value < 0x20 || (scalar.value >= 0x7F && scalar.value <= 0xA0) || scalar.value == 0xAD {
                    escaped += String(format: "\\x%02x", scalar.value)
                } else if scalar.value == 0x2028 || scalar.value == 0x2029 {
                    escaped += String(format: "\\u%04x", scalar.value)
                } else {
                    escaped.unicodeScalars.append(scalar)
                }
            }
        }
        return escaped
    })
    out.append(String(quote), data: false)
    return out
}
