import Foundation
import GGUF
import Llama
import Tokenizer
import XCTest

/// What fuzzing the model loader (tools/fuzz) found, kept as ordinary tests: each case is a
/// small model file that reproduced the finding, and must now load or fail with one clean
/// line. `tools/fuzz/findings` holds the inputs that crashed; every one of them is replayed
/// here through the same loading path as `ghostchat`.
final class FuzzRegressionTests: XCTestCase {
    static let findings = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("tools/fuzz/findings")

    /// The micro-sized q8_0 model of the seed corpus: fast to load, complete.
    static let seed = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("tools/fuzz/corpus/model/micro-q8_0.gguf")

    private var written: [String] = []

    override func tearDown() {
        for path in written { try? FileManager.default.removeItem(atPath: path) }
        written = []
    }

    /// The seed model with `edit` applied, written to a temporary file.
    private func variant(_ edit: (inout GGUFWriter) -> Void) throws -> String {
        var writer = GGUFWriter(copying: try GGUFFile(path: Self.seed.path))
        edit(&writer)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ghostchat-fuzz-regression-\(UUID().uuidString.prefix(8)).gguf").path
        try writer.write(to: path)
        written.append(path)
        return path
    }

    /// Loads `path` as `ghostchat` does: `ghostchat info`'s reading, then the model. Returns
    /// the error's message, which must be one line free of control characters.
    @discardableResult
    private func loadError(_ path: String, file: StaticString = #filePath, line: UInt = #line) -> String? {
        if let parsed = try? GGUFFile(path: path) {
            _ = parsed.summary
            _ = try? Tokenizer(gguf: parsed)
        }
        do {
            let model = try LlamaModel(path: path, contextLength: 8, threads: 1)
            try model.evaluate(Array(model.tokenizer.encode("Hi").prefix(4)))
            return nil
        } catch {
            let message = "\(error)"
            let control = message.unicodeScalars.first { $0.properties.generalCategory == .control }
            XCTAssertNil(control, "control character in: \(message.debugDescription)", file: file, line: line)
            return message
        }
    }

    func testTheSeedModelLoads() throws {
        XCTAssertNil(loadError(Self.seed.path))
    }

    // Finding 1: names and values quoted from the file reached ModelError and TokenizerError
    // raw, so an architecture or tokenizer name holding ESC or a newline was printed to the
    // terminal as is (a multi-line message, or escape sequences run by the terminal).
    func testControlCharactersFromTheFileAreEscapedInErrors() throws {
        let arch = loadError(try variant { $0.set("general.architecture", .string("ll\u{1b}[2Jma")) })
        XCTAssertEqual(arch?.contains("unsupported architecture 'll\\u{1b}[2Jma'"), true, arch ?? "loaded")

        let tokenizer = loadError(try variant { $0.set("tokenizer.ggml.model", .string("ll\nma")) })
        XCTAssertEqual(tokenizer?.contains("unsupported tokenizer 'll\\nma'"), true, tokenizer ?? "loaded")

        let scaling = loadError(try variant { $0.set("llama.rope.scaling.type", .string("yarn\u{7}")) })
        XCTAssertEqual(scaling?.contains("'yarn\\u{7}'"), true, scaling ?? "loaded")

        let duplicate = loadError(try variant { writer in
            let pieces = (try? GGUFFile(path: Self.seed.path))?["tokenizer.ggml.tokens"]?.arrayValue?.strings ?? []
            var edited = pieces
            edited[300] = "\u{1b}]52;c;AAAA\u{7}"
            edited[301] = edited[300]
            writer.set("tokenizer.ggml.tokens", .array(.strings(edited)))
        })
        XCTAssertEqual(duplicate?.contains("duplicate token '\\u{1b}]52;c;AAAA\\u{7}'"), true, duplicate ?? "loaded")
    }

    // Finding 2: the config accepted heads up to 1024 wide, but the attention kernel takes at
    // most 512 (`precondition`, SIGILL): a 27 KB file with `attention.key_length` 514 loaded
    // and then killed `ghostchat` at its first token. Now the load is refused.
    func testHeadsWiderThanTheAttentionKernelAreRefused() throws {
        let path = Self.findings.appendingPathComponent("head-width-514.gguf").path
        let header = try GGUFFile(path: path)
        XCTAssertEqual(header.int("llama.attention.key_length"), 514)
        let message = loadError(path)
        XCTAssertEqual(message?.contains("head width 514 is not supported"), true, message ?? "loaded")
    }

    /// A u64 too large for Int is out of range, not "missing".
    func testAHugeContextLengthIsOutOfRangeNotMissing() throws {
        let path = try variant { $0.set("llama.context_length", .uint64(UInt64.max)) }
        let message = loadError(path)
        XCTAssertEqual(message?.contains("'llama.context_length' = 18446744073709551615 is out of range"), true, message ?? "loaded")
    }

    /// Millions of empty tokens (a small file) are refused by count, before any table is built.
    func testAHugeVocabularyIsRefusedByCount() throws {
        let path = try variant { $0.set("tokenizer.ggml.tokens", .array(.strings(Array(repeating: "", count: (1 << 21) + 1)))) }
        let message = loadError(path)
        XCTAssertEqual(message?.contains("has 2097153 tokens; ghostchat accepts at most 2097152"), true, message ?? "loaded")
    }

    /// Every input the fuzzer saved loads or fails cleanly.
    func testRecordedFindingsLoadOrFailCleanly() throws {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: Self.findings.path)) ?? []
        for name in names.sorted() where name.hasSuffix(".gguf") {
            loadError(Self.findings.appendingPathComponent(name).path)
        }
    }
}
