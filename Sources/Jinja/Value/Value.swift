/// A value while a template runs: Python-like semantics, strings that keep their origin.
indirect enum Value {
    /// Carries the message jinja2 would raise if the value were used in a way that needs it.
    case undefined(String)
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case str(JStr)
    case list([Value])
    case dict(Dict)
    case namespace(NamespaceBox)
    case macro(MacroBox)
    case function(String, Builtin)

    static func text(_ s: String) -> Value { .str(JStr(s)) }
}

/// A builtin callable: positional arguments, then keyword arguments in call order.
typealias Builtin = (Interpreter, [Value], [(String, Value)]) throws -> Value

/// A mutable attribute bag created by `namespace(...)`; shared by reference like jinja2's.
final class NamespaceBox {
    var attributes: Dict
    init(_ attributes: Dict) { self.attributes = attributes }
}

/// A `{% macro %}` and the scope it was defined in.
final class MacroBox {
    let name: String
    let parameters: [(String, Expr?)]
    let body: [Stmt]
    let scope: Scope
    init(name: String, parameters: [(String, Expr?)], body: [Stmt], scope: Scope) {
        self.name = name
        self.parameters = parameters
        self.body = body
        self.scope = scope
    }
}

/// A hashable key for dictionary lookups, with Python's `1 == 1.0 == True`.
enum HashKey: Hashable {
    case string(String)
    case int(Int)
    case double(Double)
    case none
}

/// An insertion-ordered dictionary (Python's `dict`).
struct Dict {
    private(set) var keys: [Value] = []
    private(set) var values: [Value] = []
    private var index: [HashKey: Int] = [:]

    init() {}

    static func key(_ value: Value) throws -> HashKey {
        switch value {
        case .str(let s): return .string(s.plain)
        case .int(let i): return .int(i)
        case .bool(let b): return .int(b ? 1 : 0)
        case .double(let d): return d == d.rounded() && abs(d) < 9e18 ? .int(Int(d)) : .double(d)
        case .none: return .none
        default: throw Failure("unhashable type: '\(value.typeName)'")
        }
    }

    var count: Int { keys.count }

    func get(_ key: Value) -> Value? {
        guard let k = try? Dict.key(key), let i = index[k] else { return nil }
        return values[i]
    }

    func get(_ key: String) -> Value? {
        guard let i = index[.string(key)] else { return nil }
        return values[i]
    }

    mutating func set(_ key: Value, _ value: Value) throws {
        let k = try Dict.key(key)
        if let i = index[k] {
            values[i] = value
        } else {
            index[k] = keys.count
            keys.append(key)
            values.append(value)
        }
    }

    mutating func set(_ key: String, _ value: Value) {
        try! set(.text(key), value)
    }

    var items: [(Value, Value)] { Array(zip(keys, values)) }
}
