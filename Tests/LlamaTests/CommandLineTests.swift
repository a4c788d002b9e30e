import Foundation
import GGUF
import TestSupport
import XCTest

/// Drives the real `ghostchat` binary the way a user or script does.
final class CommandLineTests: XCTestCase {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static var binary: URL {
        // The test bundle sits in the build products directory, beside the executable.
        var url = Bundle(for: CommandLineTests.self).bundleURL
        while url.pathExtension == "xctest" || url.lastPathComponent == "Contents" || url.lastPathComponent == "MacOS" {
            url.deleteLastPathComponent()
        }
        return url.appendingPathComponent("ghostchat")
    }

    func ghostchat(_ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    func assertCleanFailure(_ result: Result, mentions: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.status, 1, "exit status; stderr: \(result.stderr)", file: file, line: line)
        let lines = result.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, "one error line, got: \(result.stderr)", file: file, line: line)
        XCTAssertTrue(result.stderr.contains(mentions), "error mentions '\(mentions)': \(result.stderr)", file: file, line: line)
        XCTAssertTrue(result.stdout.isEmpty, "nothing on stdout: \(result.stdout)", file: file, line: line)
    }

    func testTokenizeOnVocabularyOnlyFile() throws {
        let vocab = try Fixtures.path("llama2-vocab.gguf")
        XCTAssertEqual(try ghostchat(["tokenize", "-m", vocab, "Hello world"]).stdout, "1 15043 3186\n")
        XCTAssertEqual(try ghostchat(["tokenize", "-m", vocab, "--no-bos", "Hello world"]).stdout, "15043 3186\n")
        // Special-looking text stays text.
        let special = try ghostchat(["tokenize", "-m", vocab, "--no-bos", "<s>[INST]"]).stdout
        XCTAssertFalse(special.split(separator: " ").contains("1"))
    }

    func testTokenizeSpecialAndPiecesWithLlama3() throws {
        let vocab = try Fixtures.path("llama3-vocab.gguf")
        // Typed control-token text stays text; with --special it is the token (llama.cpp's --parse-special).
        let plain = try ghostchat(["tokenize", "-m", vocab, "--no-bos", "<|eot_id|>"]).stdout
        XCTAssertFalse(plain.split(separator: " ").contains("128009"))
        XCTAssertEqual(try ghostchat(["tokenize", "-m", vocab, "--no-bos", "--special", "<|eot_id|>"]).stdout, "128009\n")
        // --pieces: one "id<TAB>piece" line per token, the piece escaped so no token drives the terminal.
        let pieces = try ghostchat(["tokenize", "-m", vocab, "--no-bos", "--pieces", "a\nb\u{1B}[2J\tc"])
        XCTAssertEqual(pieces.status, 0, pieces.stderr)
        let shown = pieces.stdout.split(separator: "\n").map { $0.split(separator: "\t", maxSplits: 1).last.map(String.init) ?? "" }
        XCTAssertEqual(shown.joined(), "a\\nb\\u{1b}[2J\\tc")
        XCTAssertFalse(pieces.stdout.contains("\u{1B}"))
    }

    /// `ghostchat run` adds BOS only where the vocabulary asks (SmolLM2's does not), as
    /// llama.cpp does; the greedy continuation then starts as llama.cpp's.
    func testRunFollowsTheVocabularyForBOS() throws {
        let model = try FixtureLocator.smolLM2()
        let prompt = "def fibonacci(n):\n    \"\"\"Return the n-th Fibonacci number.\"\"\"\n"
        let ids = try ghostchat(["tokenize", "-m", model, prompt]).stdout
        XCTAssertFalse(ids.hasPrefix("1 "), "SmolLM2's vocabulary adds no BOS (id 1): \(ids)")
        let result = try ghostchat(["run", "-m", model, "-p", prompt, "-n", "1", "--temp", "0", "-t", "2"])
        XCTAssertEqual(result.status, 0, result.stderr)
        // With a BOS forced in, the model started over with "\ndef fibonacci(n):"; llama.cpp continues with "```".
        XCTAssertTrue(result.stdout.hasPrefix("```"), result.stdout.debugDescription)
        XCTAssertTrue(result.stderr.contains("\(ids.split(separator: " ").count) prompt"), result.stderr)
    }

    func testRunGreedyMatchesLlamaCpp() throws {
        let reference = try Fixtures.reference("tiny-llama-f16")
        let prompt = reference.prompts[0]
        let n = 8
        let result = try ghostchat(["run", "-m", try Fixtures.path("tiny-llama-f16.gguf"), "-p", prompt.text, "-n", "\(n)", "--temp", "0", "-t", "2", "--raw"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, prompt.greedy_prefix_texts[n] + "\n")
    }

    func testRunSameSeedSameText() throws {
        let model = try Fixtures.path("tiny-llama-q4_0.gguf")
        let args = ["run", "-m", model, "-p", "Once upon a time", "-n", "12", "--seed", "42", "--temp", "1.0"]
        let a = try ghostchat(args), b = try ghostchat(args)
        XCTAssertEqual(a.status, 0, a.stderr)
        XCTAssertEqual(a.stdout, b.stdout)
        XCTAssertFalse(a.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
    }

    func testPerplexityLastLine() throws {
        let reference = try Fixtures.reference("tiny-llama-q8_0")
        let result = try ghostchat(["perplexity", "-m", try Fixtures.path("tiny-llama-q8_0.gguf"), "-f", try Fixtures.path("essay.txt"), "-c", "128"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let last = result.stdout.split(separator: "\n").last.map(String.init) ?? ""
        XCTAssertTrue(last.hasPrefix("PPL = "), last)
        let value = Double(last.dropFirst("PPL = ".count)) ?? 0
        XCTAssertEqual(value, reference.perplexity.ppl, accuracy: reference.perplexity.ppl * 0.01)
    }

    func testInfoDescribesModel() throws {
        let result = try ghostchat(["info", "-m", try Fixtures.path("tiny-llama-q4_0.gguf")])
        XCTAssertEqual(result.status, 0, result.stderr)
        for needle in ["llama", "dim 256", "layers 2", "kv heads 2", "Q4_0", "Q6_K", "32000 tokens", "llama2", "512 tokens"] {
            XCTAssertTrue(result.stdout.contains(needle), "info mentions \(needle):\n\(result.stdout)")
        }
        let vocab = try ghostchat(["info", "-m", try Fixtures.path("llama2-vocab.gguf")])
        XCTAssertEqual(vocab.status, 0)
        XCTAssertTrue(vocab.stdout.contains("vocabulary-only"))
    }

    func testInfoEscapesControlCharactersFromTheFile() throws {
        var writer = GGUFWriter()
        writer.set("general.architecture", .string("llama\u{1b}]52;c;aGk=\u{07}"))
        writer.set("general.name", .string("evil\u{1b}[2J\nsecond line"))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("info-escape-\(UUID().uuidString).gguf").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try writer.write(to: path)
        let result = try ghostchat(["info", "-m", path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertFalse(result.stdout.unicodeScalars.contains { $0 == "\u{1b}" || $0 == "\u{07}" }, result.stdout)
        XCTAssertTrue(result.stdout.contains("evil\\u{1b}[2J\\nsecond line"), result.stdout)
    }

    func testBadInputGivesOneLineAndExitOne() throws {
        assertCleanFailure(try ghostchat(["run", "-m", "/no/such/model.gguf", "-p", "hi"]), mentions: "/no/such/model.gguf")
        assertCleanFailure(try ghostchat(["run", "-m", try Fixtures.path("tiny-llama-q4_0.gguf"), "-p", "hi", "--no-such-flag"]), mentions: "no-such-flag")
        assertCleanFailure(try ghostchat(["run", "-m", try Fixtures.path("llama2-vocab.gguf"), "-p", "hi"]), mentions: "token_embd")
        assertCleanFailure(try ghostchat(["tokenize", "-m", "/etc/hostname", "x"]), mentions: "not a GGUF file")
        assertCleanFailure(try ghostchat(["run", "-m", try Fixtures.path("tiny-llama-q4_0.gguf"), "-p", "hi", "--top-p", "3"]), mentions: "top-p")
        assertCleanFailure(try ghostchat(["perplexity", "-m", try Fixtures.path("tiny-llama-q4_0.gguf"), "-f", try Fixtures.path("essay.txt"), "-c", "3"]),
                           mentions: "too short: give at least -c 4")
        // Logits a context of a million tokens would need are counted first, never allocated.
        assertCleanFailure(try ghostchat(["perplexity", "-m", try Fixtures.path("tiny-llama-q4_0.gguf"), "-f", try Fixtures.path("essay.txt"), "-c", "1048576"]),
                           mentions: "for its logits")
        // A path or value quoted in an error never reaches the terminal as a control sequence.
        let hostile = try ghostchat(["run", "-m", "/tmp/\u{1b}]52;c;cHduZWQ=\u{07}\u{1b}[2J.gguf", "-p", "hi"])
        assertCleanFailure(hostile, mentions: "]52;c;cHduZWQ=")
        XCTAssertFalse(hostile.stderr.unicodeScalars.contains { $0 == "\u{1b}" || $0 == "\u{07}" }, hostile.stderr)

        // A model cut short in the middle of its weights.
        let source = try Data(contentsOf: URL(fileURLWithPath: try Fixtures.path("tiny-llama-q4_0.gguf")))
        let truncated = FileManager.default.temporaryDirectory.appendingPathComponent("ghostchat-truncated-\(getpid()).gguf")
        try source.prefix(source.count / 2).write(to: truncated)
        defer { try? FileManager.default.removeItem(at: truncated) }
        assertCleanFailure(try ghostchat(["run", "-m", truncated.path, "-p", "hi"]), mentions: "truncated")
    }

    func testQuantizeOutputLoadsAndMatchesReferenceBlocks() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ghostchat-quantize-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let f16 = try Fixtures.path("tiny-llama-f16.gguf")
        for type in ["q8_0", "q4_0", "q4_k_m"] {
            let out = directory.appendingPathComponent("tiny-\(type).gguf").path
            let result = try ghostchat(["quantize", f16, out, type])
            XCTAssertEqual(result.status, 0, result.stderr)
            let run = try ghostchat(["run", "-m", out, "-p", "Hello", "-n", "4", "--temp", "0"])
            XCTAssertEqual(run.status, 0, run.stderr)
            try QuantizeComparison.assertBlocksMatch(ours: out, reference: try Fixtures.path("tiny-llama-\(type).gguf"))
            try QuantizeComparison.assertMatchesDigests(ours: out, ftype: type)
        }
    }

    /// The types added for real downloads: every tensor (Q6_K unembedding included) is
    /// byte-identical to what llama.cpp's quantizer wrote, and the file runs.
    func testQuantizeNewTypesMatchLlamaCppDigests() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ghostchat-quantize-new-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let f16 = try Fixtures.path("tiny-llama-f16.gguf")
        for type in ["q4_1", "q5_0", "q5_1", "q6_k", "q4_k_m", "q5_k_m"] {
            let out = directory.appendingPathComponent("tiny-\(type).gguf").path
            let result = try ghostchat(["quantize", f16, out, type])
            XCTAssertEqual(result.status, 0, result.stderr)
            try QuantizeComparison.assertMatchesDigests(ours: out, ftype: type)
            let run = try ghostchat(["run", "-m", out, "-p", "Hello", "-n", "4", "--temp", "0"])
            XCTAssertEqual(run.status, 0, run.stderr)
        }
    }

    /// `run` makes the model's control characters visible unless `--raw` (the Q4_0 fixture's
    /// greedy text carries raw 0x1d, 0x0d and 0x02 bytes).
    func testRunOutputIsSanitizedUnlessRaw() throws {
        let args = ["run", "-m", try Fixtures.path("tiny-llama-q4_0.gguf"), "-p", "Once upon a time", "-n", "48", "--temp", "0", "-t", "1"]
        let shown = try ghostchat(args), raw = try ghostchat(args + ["--raw"])
        XCTAssertEqual(shown.status, 0, shown.stderr)
        let controls = { (text: String) in text.unicodeScalars.filter { $0.value < 0x20 && $0 != "\n" && $0 != "\t" }.count }
        XCTAssertGreaterThan(controls(raw.stdout), 0, "the fixture emits raw controls: \(raw.stdout.debugDescription)")
        XCTAssertEqual(controls(shown.stdout), 0, shown.stdout.debugDescription)
        // Each control is one visible symbol (U+2400 + code): the same text otherwise.
        let pictured = String(String.UnicodeScalarView(raw.stdout.unicodeScalars.map { c in
            c.value < 0x20 && c != "\n" && c != "\t" ? Unicode.Scalar(0x2400 + c.value)! : c
        }))
        XCTAssertEqual(shown.stdout, pictured)
    }

    /// Negative values are read as values, not flags: `-n -1` (until the model stops or the
    /// context is full) and `--temp -1` (greedy, as `--temp 0`).
    func testNegativeValuesNeedNoEqualsSign() throws {
        let model = try Fixtures.path("tiny-llama-q4_0.gguf")
        let untilFull = try ghostchat(["run", "-m", model, "-p", "Once upon a time", "-n", "-1", "-c", "24", "-t", "1", "--temp", "0"])
        XCTAssertEqual(untilFull.status, 0, untilFull.stderr)
        let greedy = try ghostchat(["run", "-m", model, "-p", "Once upon a time", "-n", "6", "--temp", "-1", "-t", "1"])
        let zero = try ghostchat(["run", "-m", model, "-p", "Once upon a time", "-n", "6", "--temp", "0", "-t", "1"])
        XCTAssertEqual(greedy.status, 0, greedy.stderr)
        XCTAssertEqual(greedy.stdout, zero.stdout)
        let tiny = try ghostchat(["run", "-m", model, "-p", "Once upon a time", "-n", "6", "--temp", "1e-38", "-t", "1", "--seed", "3"])
        XCTAssertEqual(tiny.stdout, zero.stdout, "a temperature that overflows logit/T is greedy")
    }
}
