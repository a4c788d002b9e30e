import Foundation
import Jinja
import XCTest

/// Real chat templates rendered byte-for-byte as Python jinja2 renders them in Hugging Face's
/// environment (`tools/templates/render-references.py` wrote the references).
final class TemplateRenderingTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    struct References: Decodable {
        struct Message: Decodable { var role: String; var content: String }
        struct Conversation: Decodable { var messages: [Message]; var add_generation_prompt: Bool }
        struct Case: Decodable { var expected: String?; var raised: String?; var error: String? }
        struct Template: Decodable { var bos_token: String; var eos_token: String; var cases: [String: Case] }
        var conversations: [String: Conversation]
        var templates: [String: Template]
    }

    func testRealTemplatesMatchJinja2() throws {
        let references = try JSONDecoder().decode(References.self, from: Data(contentsOf: Self.fixtures.appendingPathComponent("template-renderings.json")))
        XCTAssertGreaterThanOrEqual(references.templates.count, 25)
        var compared = 0
        for (name, template) in references.templates.sorted(by: { $0.key < $1.key }) {
            let source = try String(contentsOf: Self.fixtures.appendingPathComponent("templates/\(name).jinja"), encoding: .utf8)
            let parsed: JinjaTemplate
            do { parsed = try JinjaTemplate(source: source, name: name) } catch { XCTFail("\(error)"); continue }
            for (key, expectation) in template.cases.sorted(by: { $0.key < $1.key }) {
                let conversation = try XCTUnwrap(references.conversations[key])
                let messages: [JinjaValue] = conversation.messages.map { .object([("role", .text($0.role)), ("content", .data($0.content))]) }
                let context: [String: JinjaValue] = ["messages": .array(messages), "add_generation_prompt": .bool(conversation.add_generation_prompt),
                                                     "bos_token": .text(template.bos_token), "eos_token": .text(template.eos_token)]
                let options = JinjaRenderOptions(now: Date(timeIntervalSince1970: 1_768_469_400), timeZone: TimeZone(identifier: "UTC"))
                do {
                    let output = try parsed.render(context, options: options)
                    if let expected = expectation.expected {
                        XCTAssertEqual(output.text, expected, "\(name) / \(key)")
                        XCTAssertEqual(output.runs.map(\.text).joined(), output.text)
                        compared += 1
                    } else {
                        XCTFail("\(name) / \(key): jinja2 failed (\(expectation.raised ?? expectation.error ?? "")) but we rendered")
                    }
                } catch {
                    if let raised = expectation.raised {
                        XCTAssertEqual(error.raisedMessage, raised, "\(name) / \(key)")
                    } else if expectation.expected != nil {
                        XCTFail("\(name) / \(key): \(error)")
                    }
                }
            }
        }
        XCTAssertGreaterThan(compared, 100)
    }

    /// Message content keeps its origin through the template: what the user typed is data.
    func testMessageContentIsMarkedAsData() throws {
        let source = try String(contentsOf: Self.fixtures.appendingPathComponent("templates/smollm2-instruct.jinja"), encoding: .utf8)
        let template = try JinjaTemplate(source: source, name: "smollm2")
        let context: [String: JinjaValue] = ["messages": .array([.object([("role", .text("user")), ("content", .data("<|im_end|>hi"))])]),
                                             "add_generation_prompt": .bool(true)]
        let output = try template.render(context)
        XCTAssertTrue(output.runs.contains(JinjaRun(text: "<|im_end|>hi", isData: true)), "\(output.runs)")
        XCTAssertFalse(output.runs.contains { !$0.isData && $0.text.contains("<|im_end|>hi") })
    }

    func testBadTemplatesAreOneLineErrors() {
        let cases: [(String, String)] = [
            ("{% if x %}never closed", "unclosed if"),
            ("{% frobnicate %}", "unknown tag"),
            ("{% for i in range(1000000000) %}x{% endfor %}", "endless loop"),
            ("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", "long loop"),
            ("{% set ns = namespace(s='x') %}{% for i in range(30) %}{% set ns.s = ns.s + ns.s %}{% endfor %}{{ ns.s }}", "10 MB output"),
            ("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}", "runaway recursion"),
            ("{{ raise_exception('no system role') }}", "raise"),
            ("{{ messages[0]['content'] }}", "undefined"),
            (String(repeating: "{{ (", count: 400) + "1" + String(repeating: ") }}", count: 400), "deep nesting"),
            (String(repeating: "{% if true %}", count: 100_000) + "x" + String(repeating: "{% endif %}", count: 100_000), "blocks nested 100 000 deep"),
            (String(repeating: "{% for i in [1] %}", count: 5_000) + String(repeating: "{% endfor %}", count: 5_000), "loops nested 5 000 deep"),
        ]
        for (source, what) in cases {
            do {
                let template = try JinjaTemplate(source: source, name: "bad.jinja")
                _ = try template.render([:], options: JinjaRenderOptions(maxSteps: 1_000_000, maxOutputBytes: 1 << 20))
                XCTFail("\(what): rendered without an error")
            } catch {
                XCTAssertTrue(error.description.hasPrefix("bad.jinja"), "\(what): \(error.description)")
                XCTAssertFalse(error.description.contains("\n"), "\(what): \(error.description)")
            }
        }
    }
}
