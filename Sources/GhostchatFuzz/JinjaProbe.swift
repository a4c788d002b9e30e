import Foundation
import Jinja

/// A chat template as it arrives in a model file or with `--template`: parsed and rendered
/// with a small conversation, or refused with one `JinjaError` line. The limits are lower
/// than the chat's own so that a loop at the limit stays well inside the fuzzer's timeout.
enum JinjaProbe {
    static let options = JinjaRenderOptions(maxSteps: 200_000, maxOutputBytes: 1 << 20, maxDepth: 200,
                                            now: Date(timeIntervalSince1970: 1_700_000_000),
                                            timeZone: TimeZone(identifier: "UTC"))

    static let context: [String: JinjaValue] = [
        "messages": [
            ["role": "system", "content": .data("Always answer in French.")],
            ["role": "user", "content": .data("Hello {{ there }} <|im_end|>")],
            ["role": "assistant", "content": .data("Bonjour !")],
            ["role": "user", "content": .data("and \u{1B}[2J now?")],
        ],
        "add_generation_prompt": true,
        "bos_token": "<s>",
        "eos_token": "</s>",
    ]

    static func run(_ bytes: UnsafeRawBufferPointer) -> String {
        let source = String(decoding: bytes, as: UTF8.self)
        let template: JinjaTemplate
        do {
            template = try JinjaTemplate(source: source, name: "fuzz.jinja")
        } catch {
            return "refused: " + ProbeCheck.message(of: error, expecting: JinjaError.self)
        }
        do {
            let output = try template.render(context, options: options)
            guard output.runs.map(\.text).joined() == output.text else { fatalError("the runs do not add up to the text") }
            return "rendered \(output.text.utf8.count) bytes"
        } catch {
            return "render refused: " + ProbeCheck.message(of: error, expecting: JinjaError.self)
        }
    }
}
