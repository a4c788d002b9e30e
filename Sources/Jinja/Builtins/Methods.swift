/// Methods of strings, dicts and lists that templates call (`s.strip()`, `d.items()` …).
/// Lists are immutable, as in the sandbox Hugging Face renders with.
enum Methods {
    static func method(of value: Value, _ name: String) -> Value? {
        switch value {
        case .str(let s): return stringMethod(s, name)
        case .dict(let d): return dictMethod(d, name)
        case .list(let items): return listMethod(items, name)
        default: return nil
        }
    }

    private static func function(_ name: String, _ body: @escaping (Arguments) throws -> Value) -> Value {
        .function(name) { _, positional, keywords in try body(Arguments(name, positional, keywords)) }
    }

    private static func stringMethod(_ s: JStr, _ name: String) -> Value? {
        switch name {
        case "strip", "lstrip", "rstrip":
            return function(name) { args in
                .str(s.stripped(leading: name != "rstrip", trailing: name != "lstrip", chars: try args.string(0, "chars")?.plain))
            }
        case "split":
            return function(name) { args in
                .list(s.split(try args.string(0, "sep")?.plain, maxSplit: try args.int(1, "maxsplit") ?? -1).map(Value.str))
            }
        case "splitlines": return function(name) { _ in .list(s.splitLines().map(Value.str)) }
        case "startswith", "endswith":
            return function(name) { args in
                let candidates: [Value]
                switch args.value(0, "prefix") {
                case .list(let items)?: candidates = items
                case let other?: candidates = [other]
                case nil: throw Failure("\(name) needs an argument")
                }
                return .bool(candidates.contains { candidate in
                    guard case .str(let c) = candidate else { return false }
                    let a = Array(s.plain.unicodeScalars), b = Array(c.plain.unicodeScalars)
                    return a.count >= b.count && (name == "startswith" ? Array(a.prefix(b.count)) == b : Array(a.suffix(b.count)) == b)
                })
            }
        case "upper": return function(name) { _ in .str(s.mapSegments { $0.uppercased() }) }
        case "lower": return function(name) { _ in .str(s.mapSegments { $0.lowercased() }) }
        case "title": return function(name) { _ in .str(Filters.titled(s)) }
        case "capitalize": return function(name) { _ in .str(Filters.capitalized(s)) }
        case "replace":
            return function(name) { args in
                guard let old = try args.string(0, "old"), let new = try args.string(1, "new") else { throw Failure("replace needs two strings") }
                return .str(s.replacing(old.plain, with: new, count: try args.int(2, "count") ?? -1))
            }
        case "find", "index", "rfind":
            return function(name) { args in
                guard let needle = try args.string(0, "sub") else { throw Failure("\(name) needs a string") }
                let a = Array(s.plain.unicodeScalars), b = Array(needle.plain.unicodeScalars)
                let positions = a.count >= b.count ? Array(0...(a.count - b.count)) : []
                let hit = name == "rfind" ? positions.last { Array(a[$0..<($0 + b.count)]) == b } : positions.first { Array(a[$0..<($0 + b.count)]) == b }
                if let hit { return .int(hit) }
                if name == "index" { throw Failure("substring not found") }
                return .int(-1)
            }
        case "count":
            return function(name) { args in
                guard let needle = try args.string(0, "sub")?.plain, !needle.isEmpty else { return .int(s.scalarCount + 1) }
                return .int(s.plain.components(separatedBy: needle).count - 1)
            }
        case "join":
            return function(name) { args in
                .str(JStr.join(try (args.value(0, "iterable") ?? .list([])).iterated("join").map(\.stringValue), separator: s))
            }
        case "isdigit", "isalpha", "isspace", "isalnum", "isupper", "islower":
            return function(name) { _ in
                let p = s.plain
                guard !p.isEmpty else { return .bool(false) }
                switch name {
                case "isdigit": return .bool(p.unicodeScalars.allSatisfy { $0.properties.numericType == .decimal || $0.properties.numericType == .digit })
                case "isalpha": return .bool(p.unicodeScalars.allSatisfy { $0.properties.isAlphabetic })
                case "isspace": return .bool(p.unicodeScalars.allSatisfy(isPythonSpace))
                case "isalnum": return .bool(p.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || $0.properties.numericType != nil })
                case "isupper": return .bool(p == p.uppercased() && p != p.lowercased())
                default: return .bool(p == p.lowercased() && p != p.uppercased())
                }
            }
        case "removeprefix", "removesuffix":
            return function(name) { args in
                guard let part = try args.string(0, "prefix")?.plain, !part.isEmpty else { return .str(s) }
                let count = s.scalarCount, n = part.unicodeScalars.count
                if name == "removeprefix", s.plain.hasPrefix(part) { return .str(s.slice(n..<count)) }
                if name == "removesuffix", s.plain.hasSuffix(part) { return .str(s.slice(0..<(count - n))) }
                return .str(s)
            }
        default: return nil
        }
    }

    private static func dictMethod(_ d: Dict, _ name: String) -> Value? {
        switch name {
        case "items": return function(name) { _ in .list(d.items.map { .list([$0.0, $0.1]) }) }
        case "keys": return function(name) { _ in .list(d.keys) }
        case "values": return function(name) { _ in .list(d.values) }
        case "get":
            return function(name) { args in
                guard let key = args.value(0, "key") else { throw Failure("get needs a key") }
                return d.get(key) ?? args.value(1, "default") ?? .none
            }
        default: return nil
        }
    }

    private static func listMethod(_ items: [Value], _ name: String) -> Value? {
        switch name {
        case "index":
            return function(name) { args in
                guard let needle = args.value(0, "value"), let i = items.firstIndex(where: { Value.equal($0, needle) }) else {
                    throw Failure("value is not in list")
                }
                return .int(i)
            }
        case "count":
            return function(name) { args in
                guard let needle = args.value(0, "value") else { return .int(0) }
                return .int(items.filter { Value.equal($0, needle) }.count)
            }
        case "append", "pop", "extend", "insert", "remove", "clear", "sort", "reverse":
            return function(name) { _ in throw Failure("access to attribute '\(name)' of 'list' object is unsafe") }
        default: return nil
        }
    }
}
