/// Positional and keyword arguments of a builtin, looked up the way Python binds them.
struct Arguments {
    let name: String
    let positional: [Value]
    let keywords: [(String, Value)]

    init(_ name: String, _ positional: [Value], _ keywords: [(String, Value)]) {
        self.name = name
        self.positional = positional
        self.keywords = keywords
    }

    /// Argument `index` or keyword `key`, nil when neither was given.
    func value(_ index: Int, _ key: String) -> Value? {
        if let found = keywords.first(where: { $0.0 == key }) { return found.1 }
        return index >= 0 && index < positional.count ? positional[index] : nil
    }

    func string(_ index: Int, _ key: String) throws -> JStr? {
        guard let value = value(index, key), !value.isUndefined else { return nil }
        guard case .str(let s) = value else { throw Failure("\(name): '\(key)' must be a string, not \(value.typeName)") }
        return s
    }

    func int(_ index: Int, _ key: String) throws -> Int? {
        guard let value = value(index, key), !value.isUndefined else { return nil }
        if case .none = value { return nil }
        guard case .int(let i)? = value.number else { throw Failure("\(name): '\(key)' must be an integer, not \(value.typeName)") }
        return i
    }

    func bool(_ index: Int, _ key: String) -> Bool? {
        guard let value = value(index, key), !value.isUndefined else { return nil }
        return value.truthy
    }
}
