import Foundation

/// The global functions templates get: jinja2's `range`, `namespace`, `dict`, and Hugging
/// Face's `raise_exception` and `strftime_now`.
enum Globals {
    static func install(into scope: Scope) {
        scope.variables["range"] = .function("range") { interpreter, positional, _ in
            let ints = try positional.map { v -> Int in
                guard case .int(let i)? = v.number else { throw Failure("range: '\(v.typeName)' object cannot be interpreted as an integer") }
                return i
            }
            let (start, stop, step): (Int, Int, Int)
            switch ints.count {
            case 1: (start, stop, step) = (0, ints[0], 1)
            case 2: (start, stop, step) = (ints[0], ints[1], 1)
            case 3: (start, stop, step) = (ints[0], ints[1], ints[2])
            default: throw Failure("range expected 1 to 3 arguments, got \(ints.count)")
            }
            guard step != 0 else { throw Failure("range() arg 3 must not be zero") }
            let count = step > 0 ? max(0, (stop - start + step - 1) / step) : max(0, (start - stop - step - 1) / -step)
            guard count <= interpreter.options.maxSteps else {
                throw Failure("step limit of \(interpreter.options.maxSteps) exceeded by range(\(ints.map(String.init).joined(separator: ", ")))")
            }
            return .list((0..<count).map { .int(start + $0 * step) })
        }
        scope.variables["namespace"] = .function("namespace") { interpreter, positional, keywords in
            var attributes = Dict()
            if case .dict(let initial)? = positional.first { attributes = initial }
            for (key, value) in keywords { attributes.set(key, value) }
            return .namespace(interpreter.made(NamespaceBox(attributes)))
        }
        scope.variables["dict"] = .function("dict") { _, positional, keywords in
            var result = Dict()
            if case .dict(let initial)? = positional.first { result = initial }
            for (key, value) in keywords { result.set(key, value) }
            return .dict(result)
        }
        scope.variables["raise_exception"] = .function("raise_exception") { _, positional, _ in
            let message = positional.first?.stringValue.plain ?? "raise_exception() was called"
            throw Failure("the template raised: \(message)", raised: message)
        }
        scope.variables["strftime_now"] = .function("strftime_now") { interpreter, positional, _ in
            guard case .str(let format)? = positional.first else { throw Failure("strftime_now needs a format string") }
            return .text(strftime(format.plain, interpreter.options.now ?? Date(), interpreter.options.timeZone ?? .current))
        }
    }

    /// Python's `strftime` for the directives templates use.
    static func strftime(_ format: String, _ date: Date, _ zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
        let days = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
        func two(_ n: Int?) -> String { String(format: "%02d", n ?? 0) }
        var out = ""
        var iterator = format.makeIterator()
        while let ch = iterator.next() {
            guard ch == "%", let code = iterator.next() else { out.append(ch); continue }
            let month = (c.month ?? 1) - 1, weekday = (c.weekday ?? 1) - 1
            switch code {
            case "Y": out += String(c.year ?? 0)
            case "y": out += two((c.year ?? 0) % 100)
            case "m": out += two(c.month)
            case "d": out += two(c.day)
            case "e": out += String(format: "%2d", c.day ?? 0)
            case "H": out += two(c.hour)
            case "I": out += two(((c.hour ?? 0) + 11) % 12 + 1)
            case "M": out += two(c.minute)
            case "S": out += two(c.second)
            case "p": out += (c.hour ?? 0) < 12 ? "AM" : "PM"
            case "B": out += months[month]
            case "b", "h": out += String(months[month].prefix(3))
            case "A": out += days[weekday]
            case "a": out += String(days[weekday].prefix(3))
            case "j": out += String(format: "%03d", calendar.ordinality(of: .day, in: .year, for: date) ?? 0)
            case "%": out += "%"
            default: out += "%\(code)"
            }
        }
        return out
    }
}
