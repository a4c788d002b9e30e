import Foundation

/// A parsed Jinja template, rendered as jinja2 does in Hugging Face's chat-template
/// environment (`trim_blocks`, `lstrip_blocks`, loop controls, `raise_exception`,
/// `strftime_now`, its `tojson`).
public struct JinjaTemplate: Sendable {
    /// Names the template in error messages.
    public let name: String
    private let body: UncheckedBox

    /// Parses `source`. Throws a one-line `JinjaError` (`name:line: problem`) on a syntax error.
    public init(source: String, name: String) throws(JinjaError) {
        self.name = name
        do {
            body = UncheckedBox(try Self.onLargeStack { try Parser.parse(source) })
        } catch let failure as Failure {
            throw JinjaError(description: "\(name):\(failure.line.map(String.init) ?? "?"): \(failure.message)")
        } catch {
            throw JinjaError(description: "\(name): \(error)")
        }
    }

    /// Renders with `context`. Throws a one-line `JinjaError` when the template raises, uses an
    /// undefined value in a way jinja2 refuses, or exceeds a limit in `options`.
    public func render(_ context: [String: JinjaValue], options: JinjaRenderOptions = .init()) throws(JinjaError) -> JinjaOutput {
        let interpreter = Interpreter(options: options)
        let statements = body.statements
        do {
            let output = try Self.onLargeStack { try interpreter.render(statements, context: context) }
            let runs = output.segments.map { JinjaRun(text: $0.text, isData: $0.isData) }
            return JinjaOutput(runs: runs, text: output.plain)
        } catch let failure as Failure {
            let line = failure.line ?? interpreter.line
            throw JinjaError(description: "\(name):\(line): \(failure.message)", raisedMessage: failure.raised)
        } catch {
            throw JinjaError(description: "\(name): \(error)")
        }
    }

    /// Parsing and rendering recurse; a secondary thread's default stack (512 KiB) is too
    /// small for the depth limits, so both run on a thread of their own with 64 MiB.
    private static func onLargeStack<T>(_ work: @escaping () throws -> T) throws -> T {
        let slot = ResultSlot<T>()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            slot.result = Result { try work() }
            done.signal()
        }
        thread.stackSize = 64 << 20
        thread.start()
        done.wait()
        return try slot.result!.get()
    }
}

/// Hands a result from the rendering thread back to the caller, which waits for it.
private final class ResultSlot<T>: @unchecked Sendable {
    var result: Result<T, Error>?
}

/// The parsed statements; immutable after parsing, so sharing them is safe.
private final class UncheckedBox: @unchecked Sendable {
    let statements: [Stmt]
    init(_ statements: [Stmt]) { self.statements = statements }
}
