import Foundation

/// Variables visible at one point; lookups walk outwards, assignments stay local.
final class Scope {
    var variables: [String: Value] = [:]
    let parent: Scope?

    init(parent: Scope?) { self.parent = parent }

    func lookup(_ name: String) -> Value? {
        var scope: Scope? = self
        while let current = scope {
            if let value = current.variables[name] { return value }
            scope = current.parent
        }
        return nil
    }
}

/// Executes a parsed template against one context, enforcing the render limits.
final class Interpreter {
    enum Flow { case normal, breakLoop, continueLoop }

    let options: JinjaRenderOptions
    private(set) var line = 1
    private var steps = 0
    private var depth = 0
    /// Output buffers: the template's, then one per macro call or captured block.
    private var buffers: [JStr] = [JStr()]
    /// Scopes that define a macro (the macro holds its scope, the scope holds the macro) and
    /// namespaces (one may be stored in itself): reference cycles, broken when a render ends
    /// so that rendering a template leaks nothing (found by the `jinja` fuzzer).
    private var macroScopes: [Scope] = []
    private var namespaces: [NamespaceBox] = []

    init(options: JinjaRenderOptions) { self.options = options }

    func render(_ body: [Stmt], context: [String: JinjaValue]) throws -> JStr {
        let globals = Scope(parent: nil)
        Globals.install(into: globals)
        let top = Scope(parent: globals)
        defer { breakCycles() }
        for (key, value) in context { top.variables[key] = value.internalValue }
        _ = try execute(body, top)
        return buffers[0]
    }

    /// A namespace made by `namespace(...)`, remembered so its cycles can be broken.
    func made(_ namespace: NamespaceBox) -> NamespaceBox {
        namespaces.append(namespace)
        return namespace
    }

    private func breakCycles() {
        for scope in macroScopes { scope.variables.removeAll() }
        for namespace in namespaces { namespace.attributes = Dict() }
        macroScopes.removeAll()
        namespaces.removeAll()
    }

    // MARK: limits

    func step() throws {
        steps += 1
        if steps > options.maxSteps {
            throw Failure("step limit of \(options.maxSteps) exceeded (an endless or very long loop, or runaway recursion)")
        }
    }

    func checkSize(_ s: JStr) throws {
        if s.byteCount > options.maxOutputBytes {
            throw Failure("output limit of \(options.maxOutputBytes) bytes exceeded")
        }
    }

    func enter() throws {
        depth += 1
        if depth > options.maxDepth { throw Failure("recursion depth limit of \(options.maxDepth) exceeded") }
    }

    func leave() { depth -= 1 }

    private func emit(_ s: JStr) throws {
        guard !s.isEmpty else { return }
        buffers[buffers.count - 1].append(s)
        try checkSize(buffers[buffers.count - 1])
    }

    /// Runs `body` with its output captured instead of emitted.
    func capture(_ body: [Stmt], _ scope: Scope) throws -> JStr {
        buffers.append(JStr())
        defer { buffers.removeLast() }
        _ = try execute(body, scope)
        return buffers[buffers.count - 1]
    }

    // MARK: statements

    func execute(_ body: [Stmt], _ scope: Scope) throws -> Flow {
        for stmt in body {
            try step()
            switch stmt {
            case .text(let text):
                try emit(JStr(text))
            case .output(let expr, let l):
                line = l
                let value = try evaluate(expr, scope)
                try emit(value.stringValue)
            case .ifChain(let branches, let otherwise, let l):
                line = l
                var taken = false
                for (condition, branch) in branches {
                    if try evaluate(condition, scope).truthy {
                        taken = true
                        let flow = try execute(branch, scope)
                        if flow != .normal { return flow }
                        break
                    }
                }
                if !taken {
                    let flow = try execute(otherwise, scope)
                    if flow != .normal { return flow }
                }
            case .forLoop(let targets, let iterable, let filter, let loopBody, let otherwise, let l):
                line = l
                try runFor(targets: targets, iterable: iterable, filter: filter, body: loopBody, otherwise: otherwise, scope)
            case .set(let target, let expr, let l):
                line = l
                try assign(target, try evaluate(expr, scope), scope)
            case .setBlock(let name, let filters, let blockBody, let l):
                line = l
                var value = Value.str(try capture(blockBody, scope))
                value = try applyFilters(filters, value, scope)
                scope.variables[name] = value
            case .macro(let name, let parameters, let macroBody, _):
                scope.variables[name] = .macro(MacroBox(name: name, parameters: parameters, body: macroBody, scope: scope))
                macroScopes.append(scope)
            case .filterBlock(let filters, let blockBody, let l):
                line = l
                let captured = Value.str(try capture(blockBody, scope))
                try emit(try applyFilters(filters, captured, scope).stringValue)
            case .breakLoop:
                return .breakLoop
            case .continueLoop:
                return .continueLoop
            }
        }
        return .normal
    }

    private func applyFilters(_ filters: [FilterCall], _ start: Value, _ scope: Scope) throws -> Value {
        var value = start
        for f in filters {
            let arguments = try f.arguments.map { try evaluate($0, scope) }
            let keywords = try f.keywords.map { ($0.0, try evaluate($0.1, scope)) }
            value = try Filters.apply(f.name, value, arguments, keywords, self)
        }
        return value
    }

    private func assign(_ target: SetTarget, _ value: Value, _ scope: Scope) throws {
        switch target {
        case .names(let names):
            if names.count == 1 {
                scope.variables[names[0]] = value
            } else {
                let items = try unpack(value, count: names.count)
                for (name, item) in zip(names, items) { scope.variables[name] = item }
            }
        case .attribute(let object, let attribute):
            guard case .namespace(let ns)? = scope.lookup(object) else {
                throw Failure("cannot assign attribute '\(attribute)' on '\(object)': it is not a namespace")
            }
            ns.attributes.set(attribute, value)
        }
    }

    private func unpack(_ value: Value, count: Int) throws -> [Value] {
        let items = try iterate(value)
        if items.count > count { throw Failure("too many values to unpack (expected \(count))") }
        if items.count < count { throw Failure("not enough values to unpack (expected \(count), got \(items.count))") }
        return items
    }

    private func runFor(targets: [String], iterable: Expr, filter: Expr?, body: [Stmt], otherwise: [Stmt], _ scope: Scope) throws {
        var items = try iterate(try evaluate(iterable, scope))
        let loopScope = Scope(parent: scope)
        func bind(_ item: Value) throws {
            if targets.count == 1 {
                loopScope.variables[targets[0]] = item
            } else {
                for (name, part) in zip(targets, try unpack(item, count: targets.count)) { loopScope.variables[name] = part }
            }
        }
        if let filter {
            var kept: [Value] = []
            for item in items {
                try step()
                try bind(item)
                if try evaluate(filter, loopScope).truthy { kept.append(item) }
            }
            items = kept
        }
        if items.isEmpty {
            _ = try execute(otherwise, scope)
            return
        }
        let count = items.count
        for (index, item) in items.enumerated() {
            try step()
            try bind(item)
            var loop = Dict()
            loop.set("index", .int(index + 1))
            loop.set("index0", .int(index))
            loop.set("revindex", .int(count - index))
            loop.set("revindex0", .int(count - index - 1))
            loop.set("first", .bool(index == 0))
            loop.set("last", .bool(index == count - 1))
            loop.set("length", .int(count))
            loop.set("depth", .int(1))
            loop.set("depth0", .int(0))
            loop.set("previtem", index > 0 ? items[index - 1] : .undefined("there is no previous item"))
            loop.set("nextitem", index + 1 < count ? items[index + 1] : .undefined("there is no next item"))
            loop.set("cycle", .function("cycle") { _, arguments, _ in
                guard !arguments.isEmpty else { throw Failure("no items for cycling given") }
                return arguments[index % arguments.count]
            })
            loopScope.variables["loop"] = .dict(loop)
            let flow = try execute(body, loopScope)
            if flow == .breakLoop { break }
        }
    }

    /// What a `for` loop (or `list`) sees when it iterates `value`.
    func iterate(_ value: Value) throws -> [Value] {
        switch value {
        case .list(let items): return items
        case .dict(let dict): return dict.keys
        case .str(let s): return s.scalars.map { .str(JStr(String($0.0), data: $0.1)) }
        case .undefined: return []
        case .namespace(let ns): return ns.attributes.keys
        default: throw Failure("'\(value.typeName)' object is not iterable")
        }
    }

    // MARK: calls

    func call(_ callee: Value, _ arguments: [Value], _ keywords: [(String, Value)]) throws -> Value {
        try step()
        switch callee {
        case .function(_, let body):
            try enter()
            defer { leave() }
            return try body(self, arguments, keywords)
        case .macro(let macro):
            return try callMacro(macro, arguments, keywords)
        case .undefined(let message):
            throw Failure(message)
        default:
            throw Failure("'\(callee.typeName)' object is not callable")
        }
    }

    private func callMacro(_ macro: MacroBox, _ arguments: [Value], _ keywords: [(String, Value)]) throws -> Value {
        try enter()
        defer { leave() }
        let savedLine = line
        defer { line = savedLine }
        let scope = Scope(parent: macro.scope)
        if arguments.count > macro.parameters.count {
            throw Failure("macro '\(macro.name)' takes not more than \(macro.parameters.count) argument(s)")
        }
        var bound: [String: Value] = [:]
        for (index, argument) in arguments.enumerated() { bound[macro.parameters[index].0] = argument }
        for (name, value) in keywords {
            guard macro.parameters.contains(where: { $0.0 == name }) else {
                throw Failure("macro '\(macro.name)' has no argument named '\(name)'")
            }
            bound[name] = value
        }
        for (name, defaultValue) in macro.parameters {
            if let value = bound[name] {
                scope.variables[name] = value
            } else if let defaultValue {
                scope.variables[name] = try evaluate(defaultValue, scope)
            } else {
                scope.variables[name] = .undefined("parameter '\(name)' was not provided")
            }
        }
        return .str(try capture(macro.body, scope))
    }
}
