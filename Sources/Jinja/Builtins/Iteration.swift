/// What `for`, filters and tests see when they iterate a value, as Python does.
extension Value {
    func iterated(_ what: String) throws -> [Value] {
        switch self {
        case .list(let items): return items
        case .dict(let dict): return dict.keys
        case .str(let s): return s.scalars.map { .str(JStr(scalars: [$0])) }
        case .undefined: return []
        case .namespace(let ns): return ns.attributes.keys
        default: throw Failure("\(what): '\(typeName)' object is not iterable")
        }
    }
}
