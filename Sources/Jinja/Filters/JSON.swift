/// Python's `json.dumps(x, ensure_ascii=False, indent=…, separators=…, sort_keys=…)`, which
/// is what Hugging Face's `tojson` filter calls. String contents keep their origin.
struct JSONWriter {
    var indent: String?
    var itemSeparator: String
    var keySeparator: String
    var sortKeys: Bool

    init(indent: String?, separators: (String, String)?, sortKeys: Bool) {
        self.indent = indent
        self.itemSeparator = separators?.0 ?? (indent == nil ? ", " : ",")
        self.keySeparator = separators?.1 ?? ": "
        self.sortKeys = sortKeys
    }

    func write(_ value: Value, depth: Int = 0) throws -> JStr {
        if depth > 100 { throw Failure("tojson: value nested too deeply") }
        switch value {
        case .none: return JStr("null")
        case .bool(let b): return JStr(b ? "true" : "false")
        case .int(let i): return JStr(String(i))
        case .double(let d):
            if d.isNaN { return JStr("NaN") }
            if d.isInfinite { return JStr(d < 0 ? "-Infinity" : "Infinity") }
            return JStr(pythonFloat(d))
        case .str(let s): return JSONWriter.quote(s)
        case .list(let items):
            if items.isEmpty { return JStr("[]") }
            var out = JStr("[")
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(itemSeparator, data: false) }
                out.append(newline(depth + 1), data: false)
                out.append(try write(item, depth: depth + 1))
            }
            out.append(newline(depth) + "]", data: false)
            return out
        case .dict(let dict):
            if dict.count == 0 { return JStr("{}") }
            var pairs = dict.items
            if sortKeys { pairs.sort { (try? Value.less($0.0, $1.0)) ?? false } }
            var out = JStr("{")
            for (index, (key, item)) in pairs.enumerated() {
                if index > 0 { out.append(itemSeparator, data: false) }
                out.append(newline(depth + 1), data: false)
                switch key {
                case .str(let s): out.append(JSONWriter.quote(s))
                case .int, .double, .bool, .none: out.append("\"" + (try write(key)).plain + "\"", data: false)
                default: throw Failure("keys must be str, int, float, bool or None, not \(key.typeName)")
                }
                out.append(keySeparator, data: false)
                out.append(try write(item, depth: depth + 1))
            }
            out.append(newline(depth) + "}", data: false)
            return out
        case .namespace(let ns): return try write(.dict(ns.attributes), depth: depth)
        default:
            throw Failure("Object of type \(value.typeName) is not JSON serializable")
        }
    }

    private func newline(_ depth: Int) -> String {
        guard let indent else { return "" }
        return "\n" + String(repeating: indent, count: depth)
    }

    static func quote(_ s: JStr) -> JStr {
        var out = JStr("\"")
        out.append(s.mapSegments { text in
            var escaped = ""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": escaped += "\\\""
                case "\\": escaped += "\\\\"
                case "\n": escaped += "\\n"
                case "\r": escaped += "\\r"
                case "\t": escaped += "\\t"
                case "\u{08}": escaped += "\\b"
                case "\u{0C}": escaped += "\\f"
                default:
                    if scalar.value < 0x20 {
                        let hex = String(scalar.value, radix: 16)
                        escaped += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                    } else {
                        escaped.unicodeScalars.append(scalar)
                    }
                }
            }
            return escaped
        })
        out.append("\"", data: false)
        return out
    }
}
