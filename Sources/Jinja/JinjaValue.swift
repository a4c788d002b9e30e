/// A value handed to a template.
///
/// `.text` is a string the caller trusts (role names, `bos_token`); `.data` is user-supplied
/// content whose characters must never later be parsed as special tokens. The origin of
/// `.data` strings survives concatenation, filters, `set` and macros into `JinjaOutput.runs`.
public indirect enum JinjaValue: Sendable {
    case undefined
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case text(String)
    case data(String)
    case array([JinjaValue])
    /// A mapping in insertion order (the order `items()` and `tojson` see).
    case object([(String, JinjaValue)])
}

extension JinjaValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JinjaValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JinjaValue)...) { self = .object(elements) }
    public init(nilLiteral: ()) { self = .none }
}

extension JinjaValue {
    /// The engine's form of this value.
    var internalValue: Value {
        switch self {
        case .undefined: return .undefined("value is undefined")
        case .none: return .none
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .text(let s): return .str(JStr(s))
        case .data(let s): return .str(JStr(s, data: true))
        case .array(let items): return .list(items.map(\.internalValue))
        case .object(let pairs):
            var dict = Dict()
            for (key, value) in pairs { dict.set(key, value.internalValue) }
            return .dict(dict)
        }
    }
}
