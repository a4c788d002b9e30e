import Chat
import Foundation
import TestSupport
import XCTest

/// A model that replies with terminal attacks, run through the real engine, tokenizer,
/// streaming decoder and `ghostchat chat --plain`: the raw bytes on stdout never carry a
/// control sequence, a C1 control, a bidi override or invalid UTF-8.
final class HostileOutputTests: XCTestCase {
    /// Scalars that must never reach a terminal from a model.
    static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A: return false
        case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    /// Notices quote files (here a transcript's bad date): stderr gets no raw controls either.
    func testHostileTranscriptFieldsReachStderrDefused() throws {
        let home = try temporaryDirectory(self)
        let good = home.appendingPathComponent("good.json"), bad = home.appendingPathComponent("bad.json")
        let arguments = ["chat", "--plain", "-m", try Fixtures.path("tiny-llama-q4_0.gguf"), "-t", "1", "-c", "128", "-n", "4", "--no-store"]
        XCTAssertEqual(try GhostchatProcess.run(arguments, input: "hello\n/save \(good.path)\n", home: home).status, 0)
        var json = try String(contentsOf: good, encoding: .utf8)
        let date = try XCTUnwrap(json.range(of: #""createdAt" : "[^"]*""#, options: .regularExpression))
        json.replaceSubrange(date, with: #""createdAt" : "\u001b]52;c;cHduZWQ=\u0007\u001b[2J""#)
        try json.write(to: bad, atomically: true, encoding: .utf8)
        let result = try GhostchatProcess.run(arguments, input: "/load \(bad.path)\n", home: home)
        XCTAssertEqual(result.status, 0, result.stderr)
        // Quoted in an error, the bytes are escapes (one line, and what the file holds can be read).
        XCTAssertTrue(result.stderr.contains(#"bad date \u{1b}]52;c;cHduZWQ=\u{7}\u{1b}[2J"#), result.stderr)
        XCTAssertFalse(result.stderr.unicodeScalars.contains(where: Self.isForbidden), result.stderr.debugDescription)
    }

    func testHostileRepliesReachStdoutDefused() throws {
        let home = try temporaryDirectory(self)
        let vocabulary = try Fixtures.path("llama2-vocab.gguf")
        for attack in HostileReplies.all {
            let model = try ScriptedModel.write(replying: attack.bytes, vocabulary: vocabulary)
            defer { try? FileManager.default.removeItem(atPath: model) }
            let result = try GhostchatProcess.runRaw(["chat", "--plain", "-m", model, "-t", "1", "-c", "128", "-n", "64", "--temp", "0",
                                                      "--template", "llama2", "--no-store"], input: "hello\nagain\n", home: home)
            XCTAssertEqual(result.status, 0, "\(attack.name): \(result.stderr)")
            let bytes = [UInt8](result.stdout)
            XCTAssertNotNil(String(validating: bytes, as: UTF8.self), "\(attack.name): stdout is valid UTF-8: \(bytes)")
            // ASCII controls can be checked byte by byte (in UTF-8 no other byte equals them);
            // C1 and bidi controls are checked as decoded scalars below.
            for forbidden: UInt8 in [0x1B, 0x07, 0x0D, 0x00] {
                XCTAssertFalse(bytes.contains(forbidden), "\(attack.name): raw byte 0x\(String(forbidden, radix: 16)) on stdout")
            }
            let text = String(decoding: bytes, as: UTF8.self)
            XCTAssertFalse(text.unicodeScalars.contains(where: Self.isForbidden), "\(attack.name): \(text.debugDescription)")
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            XCTAssertEqual(lines.count, 2, "\(attack.name): one line per reply: \(text.debugDescription)")
            for line in lines {
                XCTAssertTrue(line.contains(attack.shown), "\(attack.name): the reply is shown as \(attack.shown.debugDescription): \(line.debugDescription)")
            }
        }
    }
}
