/// jinja2's tests (`x is defined`, `x is string` …).
enum TestFunctions {
    static func apply(_ name: String, _ value: Value, _ arguments: [Value], _ interpreter: Interpreter) throws -> Bool {
        func argument() throws -> Value {
            guard let first = arguments.first else { throw Failure("test '\(name)' needs an argument") }
            return first
        }
        switch name {
        case "defined": return !value.isUndefined
        case "undefined": return value.isUndefined
        case "none": if case .none = value { return true }; return false
        case "string": if case .str = value { return true }; return false
        case "number": switch value { case .int, .double: return true; default: return false }
        case "integer": if case .int = value { return true }; return false
        case "float": if case .double = value { return true }; return false
        case "boolean": if case .bool = value { return true }; return false
        case "true": if case .bool(true) = value { return true }; return false
        case "false": if case .bool(false) = value { return true }; return false
        case "mapping": if case .dict = value { return true }; return false
        case "sequence", "iterable":
            switch value { case .str, .list, .dict: return true; default: return false }
        case "callable":
            switch value { case .macro, .function: return true; default: return false }
        case "odd", "even":
            guard case .int(let i)? = value.number else { throw Failure("test '\(name)' needs a number") }
            return (i % 2 != 0) == (name == "odd")
        case "divisibleby":
            guard case .int(let i)? = value.number, case .int(let n)? = try argument().number, n != 0 else { throw Failure("divisibleby needs integers") }
            return i % n == 0
        case "equalto", "eq", "==", "sameas": return Value.equal(value, try argument())
        case "ne", "!=": return !Value.equal(value, try argument())
        case "lt", "lessthan", "<": return try Value.less(value, try argument())
        case "gt", "greaterthan", ">": return try Value.less(try argument(), value)
        case "le", "<=": return try !Value.less(try argument(), value)
        case "ge", ">=": return try !Value.less(value, try argument())
        case "in": return try interpreter.contains(try argument(), value)
        case "lower": if case .str(let s) = value { return s.plain == s.plain.lowercased() }; return false
        case "upper": if case .str(let s) = value { return s.plain == s.plain.uppercased() }; return false
        default: throw Failure("no test named '\(name)'")
        }
    }
}
