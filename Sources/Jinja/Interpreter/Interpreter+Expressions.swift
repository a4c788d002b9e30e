import Foundation

extension Interpreter {
    func evaluate(_ expr: Expr, _ scope: Scope) throws -> Value {
        switch expr {
        case .literal(let value):
            return value
        case .name(let name):
            return scope.lookup(name) ?? .undefined("'\(name)' is undefined")
        case .list(let items), .tuple(let items):
            return .list(try items.map { try evaluate($0, scope) })
        case .dict(let pairs):
            var dict = Dict()
            for (key, value) in pairs { try dict.set(try evaluate(key, scope), try evaluate(value, scope)) }
            return .dict(dict)
        case .attribute(let object, let name):
            return try attribute(of: try evaluate(object, scope), name)
        case .item(let object, let index):
            return try item(of: try evaluate(object, scope), try evaluate(index, scope))
        case .slice(let object, let start, let stop, let stride):
            let target = try evaluate(object, scope)
            return try slice(target, try start.map { try evaluate($0, scope) }, try stop.map { try evaluate($0, scope) },
                             try stride.map { try evaluate($0, scope) })
        case .call(let callee, let arguments, let keywords):
            let function = try evaluate(callee, scope)
            let values = try arguments.map { try evaluate($0, scope) }
            let named = try keywords.map { ($0.0, try evaluate($0.1, scope)) }
            return try call(function, values, named)
        case .filter(let object, let name, let arguments, let keywords):
            let value = try evaluate(object, scope)
            let values = try arguments.map { try evaluate($0, scope) }
            let named = try keywords.map { ($0.0, try evaluate($0.1, scope)) }
            try step()
            return try Filters.apply(name, value, values, named, self)
        case .test(let object, let name, let arguments, let negated):
            let value = try evaluate(object, scope)
            let values = try arguments.map { try evaluate($0, scope) }
            let result = try TestFunctions.apply(name, value, values, self)
            return .bool(negated ? !result : result)
        case .unary(let op, let operand):
            let value = try evaluate(operand, scope)
            switch op {
            case "not": return .bool(!value.truthy)
            case "-":
                switch value.number {
                case .int(let i)?:
                    guard i != Int.min else { throw Failure("integer overflow") }
                    return .int(-i)
                case .double(let d)?: return .double(-d)
                default: throw Failure(value.isUndefined ? undefinedMessage(value) : "bad operand type for unary -: '\(value.typeName)'")
                }
            default:
                guard let n = value.number else { throw Failure("bad operand type for unary +: '\(value.typeName)'") }
                return n
            }
        case .binary(let op, let left, let right):
            return try binary(op, try evaluate(left, scope), try evaluate(right, scope))
        case .and(let left, let right):
            let l = try evaluate(left, scope)
            return l.truthy ? try evaluate(right, scope) : l
        case .or(let left, let right):
            let l = try evaluate(left, scope)
            return l.truthy ? l : try evaluate(right, scope)
        case .conditional(let then, let condition, let otherwise):
            if try evaluate(condition, scope).truthy { return try evaluate(then, scope) }
            if let otherwise { return try evaluate(otherwise, scope) }
            return .undefined("the conditional expression had no else branch")
        }
    }

    func undefinedMessage(_ value: Value) -> String {
        if case .undefined(let message) = value { return message }
        return "value is undefined"
    }

    // MARK: access

    /// `a.b`: an attribute (method) first, then an item, as jinja2's `getattr`.
    func attribute(of value: Value, _ name: String) throws -> Value {
        switch value {
        case .undefined(let message):
            throw Failure(message)
        case .dict(let dict):
            if let method = Methods.method(of: value, name) { return method }
            return dict.get(name) ?? .undefined("'dict object' has no attribute '\(name)'")
        case .namespace(let ns):
            return ns.attributes.get(name) ?? .undefined("'Namespace' object has no attribute '\(name)'")
        default:
            if let method = Methods.method(of: value, name) { return method }
            return .undefined("'\(value.typeName) object' has no attribute '\(name)'")
        }
    }

    /// `a[b]`: an item first, then an attribute, as jinja2's `getitem`.
    func item(of value: Value, _ key: Value) throws -> Value {
        switch value {
        case .undefined(let message):
            throw Failure(message)
        case .dict(let dict):
            if let found = dict.get(key) { return found }
            if case .str(let s) = key, let method = Methods.method(of: value, s.plain) { return method }
            return .undefined("'dict object' has no attribute '\(key.stringValue.plain)'")
        case .list(let items):
            guard case .int(var index)? = key.number else {
                if case .str(let s) = key, let method = Methods.method(of: value, s.plain) { return method }
                return .undefined("'list object' has no attribute '\(key.stringValue.plain)'")
            }
            if index < 0 { index += items.count }
            guard index >= 0 && index < items.count else { return .undefined("list object has no element \(key.stringValue.plain)") }
            return items[index]
        case .str(let s):
            guard case .int(var index)? = key.number else {
                if case .str(let name) = key, let method = Methods.method(of: value, name.plain) { return method }
                return .undefined("'str object' has no attribute '\(key.stringValue.plain)'")
            }
            let count = s.scalarCount
            if index < 0 { index += count }
            guard index >= 0 && index < count else { return .undefined("str object has no element \(key.stringValue.plain)") }
            return .str(s.slice(index..<(index + 1)))
        case .namespace(let ns):
            if case .str(let name) = key, let found = ns.attributes.get(name.plain) { return found }
            return .undefined("'Namespace' object has no attribute '\(key.stringValue.plain)'")
        default:
            return .undefined("'\(value.typeName) object' has no attribute '\(key.stringValue.plain)'")
        }
    }

    func slice(_ value: Value, _ start: Value?, _ stop: Value?, _ stride: Value?) throws -> Value {
        func int(_ v: Value?) throws -> Int? {
            guard let v else { return nil }
            if case .none = v { return nil }
            guard case .int(let i)? = v.number else { throw Failure("slice indices must be integers or None") }
            return i
        }
        let step = try int(stride) ?? 1
        guard step != 0 else { throw Failure("slice step cannot be zero") }
        let count: Int
        switch value {
        case .list(let items): count = items.count
        case .str(let s): count = s.scalarCount
        case .undefined(let message): throw Failure(message)
        default: throw Failure("'\(value.typeName)' object is not subscriptable")
        }
        // Python's slice.indices().
        func clamp(_ v: Int?, _ defaultValue: Int) -> Int {
            guard var v else { return defaultValue }
            if v < 0 {
                v += count
                if v < 0 { v = step < 0 ? -1 : 0 }
            } else if v >= count {
                v = step < 0 ? count - 1 : count
            }
            return v
        }
        let lower = clamp(try int(start), step < 0 ? count - 1 : 0)
        let upper = clamp(try int(stop), step < 0 ? -1 : count)
        var indices: [Int] = []
        var i = lower
        while step > 0 ? i < upper : i > upper {
            indices.append(i)
            i += step
        }
        switch value {
        case .list(let items):
            return .list(indices.map { items[$0] })
        case .str(let s):
            let all = s.scalars
            return .str(JStr(scalars: indices.map { all[$0] }))
        default:
            return .none
        }
    }

    // MARK: operators

    func binary(_ op: String, _ a: Value, _ b: Value) throws -> Value {
        switch op {
        case "==": return .bool(Value.equal(a, b))
        case "!=": return .bool(!Value.equal(a, b))
        case "<": return .bool(try Value.less(a, b))
        case ">": return .bool(try Value.less(b, a))
        case "<=": return .bool(try Value.less(a, b) || Value.equal(a, b))
        case ">=": return .bool(try Value.less(b, a) || Value.equal(a, b))
        case "in": return .bool(try contains(b, a))
        case "not in": return .bool(!(try contains(b, a)))
        case "~":
            let joined = a.stringValue + b.stringValue
            try checkSize(joined)
            return .str(joined)
        default: break
        }
        if a.isUndefined { throw Failure(undefinedMessage(a)) }
        if b.isUndefined { throw Failure(undefinedMessage(b)) }
        switch (op, a, b) {
        case ("+", .str(let x), .str(let y)):
            let joined = x + y
            try checkSize(joined)
            return .str(joined)
        case ("+", .list(let x), .list(let y)):
            return .list(x + y)
        case ("*", .str(let s), _), ("*", _, .str(let s)):
            guard case .int(let n)? = (a.number ?? b.number) else { break }
            if n <= 0 { return .str(JStr()) }
            if s.byteCount.multipliedReportingOverflow(by: n).overflow || s.byteCount * n > options.maxOutputBytes {
                throw Failure("output limit of \(options.maxOutputBytes) bytes exceeded by string repetition")
            }
            var out = JStr()
            for _ in 0..<n { out.append(s) }
            return .str(out)
        case ("*", .list(let items), _), ("*", _, .list(let items)):
            guard case .int(let n)? = (a.number ?? b.number) else { break }
            if n <= 0 { return .list([]) }
            if items.count.multipliedReportingOverflow(by: n).overflow || items.count * n > options.maxSteps {
                throw Failure("step limit of \(options.maxSteps) exceeded by list repetition")
            }
            return .list(Array([[Value]](repeating: items, count: n).joined()))
        case ("%", .str(let format), _):
            return .str(try Filters.percentFormat(format, a: b))
        default:
            break
        }
        guard let x = a.number, let y = b.number else {
            throw Failure("unsupported operand type(s) for \(op): '\(a.typeName)' and '\(b.typeName)'")
        }
        if case .int(let i) = x, case .int(let j) = y {
            switch op {
            case "+": return try checked(i.addingReportingOverflow(j))
            case "-": return try checked(i.subtractingReportingOverflow(j))
            case "*": return try checked(i.multipliedReportingOverflow(by: j))
            case "/":
                guard j != 0 else { throw Failure("division by zero") }
                return .double(Double(i) / Double(j))
            case "//":
                guard j != 0 else { throw Failure("integer division or modulo by zero") }
                var q = i / j
                if (i % j != 0) && ((i < 0) != (j < 0)) { q -= 1 }
                return .int(q)
            case "%":
                guard j != 0 else { throw Failure("integer division or modulo by zero") }
                var r = i % j
                if r != 0 && ((r < 0) != (j < 0)) { r += j }
                return .int(r)
            case "**":
                if j < 0 { return .double(pow(Double(i), Double(j))) }
                var result = 1
                var base = i
                var e = j
                while e > 0 {
                    if e & 1 == 1 {
                        let (r, o) = result.multipliedReportingOverflow(by: base)
                        if o { throw Failure("integer overflow in **") }
                        result = r
                    }
                    e >>= 1
                    if e > 0 {
                        let (bb, o) = base.multipliedReportingOverflow(by: base)
                        if o { throw Failure("integer overflow in **") }
                        base = bb
                    }
                }
                return .int(result)
            default: break
            }
        }
        let p = x.asDouble
        let q = y.asDouble
        switch op {
        case "+": return .double(p + q)
        case "-": return .double(p - q)
        case "*": return .double(p * q)
        case "/":
            guard q != 0 else { throw Failure("float division by zero") }
            return .double(p / q)
        case "//":
            guard q != 0 else { throw Failure("float floor division by zero") }
            return .double((p / q).rounded(.down))
        case "%":
            guard q != 0 else { throw Failure("float modulo") }
            let r = p - q * (p / q).rounded(.down)
            return .double(r)
        case "**": return .double(pow(p, q))
        default: throw Failure("unknown operator \(op)")
        }
    }

    private func checked(_ result: (partialValue: Int, overflow: Bool)) throws -> Value {
        if result.overflow { throw Failure("integer overflow") }
        return .int(result.partialValue)
    }

    /// Python's `needle in haystack`.
    func contains(_ haystack: Value, _ needle: Value) throws -> Bool {
        switch haystack {
        case .str(let s):
            guard case .str(let n) = needle else {
                throw Failure("'in <string>' requires string as left operand, not \(needle.typeName)")
            }
            return n.plain.isEmpty || scalarContains(s.plain, n.plain)
        case .list(let items): return items.contains { Value.equal($0, needle) }
        case .dict(let dict): return dict.get(needle) != nil
        case .undefined: return false
        case .namespace(let ns): return ns.attributes.get(needle) != nil
        default: throw Failure("argument of type '\(haystack.typeName)' is not iterable")
        }
    }

    /// Substring search on scalars (Swift's `contains` compares by grapheme, Python by code point).
    private func scalarContains(_ text: String, _ part: String) -> Bool {
        let h = Array(text.unicodeScalars)
        let n = Array(part.unicodeScalars)
        guard n.count <= h.count else { return false }
        outer: for i in 0...(h.count - n.count) {
            for k in 0..<n.count where h[i + k] != n[k] { continue outer }
            return true
        }
        return false
    }
}
