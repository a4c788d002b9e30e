import Foundation
import TestSupport
import GGUF
import Tokenizer
import XCTest

/// The shared fixtures (`../shared/fixtures` from the package root), used in place.
enum Fixtures {
    static let directory: String = FixtureLocator.sharedDirectory.path

    static var vocabPath: String { directory + "/llama2-vocab.gguf" }
    static var referencePath: String { directory + "/tokenizer.ref.json" }

    /// One string tokenized by llama.cpp.
    struct Case: Decodable {
        var text: String
        var ids_no_bos: [Int32]
        var ids_with_bos: [Int32]
        var detokenized: String
    }

    struct Missing: Error, CustomStringConvertible {
        var path: String
        var description: String { "fixture missing: \(path)" }
    }

    /// A fixture's path, failing the test loudly (never skipping) if it is absent.
    static func require(_ path: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        guard FileManager.default.fileExists(atPath: path) else {
            XCTFail("fixture missing: \(path)", file: file, line: line)
            throw Missing(path: path)
        }
        return path
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var cachedTokenizer: Tokenizer?

    /// The real Llama 2 tokenizer, loaded once per test run.
    static func llama2(file: StaticString = #filePath, line: UInt = #line) throws -> Tokenizer {
        lock.lock()
        defer { lock.unlock() }
        if let cachedTokenizer { return cachedTokenizer }
        let path = try require(vocabPath, file: file, line: line)
        let tokenizer = try Tokenizer(gguf: GGUFFile(path: path))
        cachedTokenizer = tokenizer
        return tokenizer
    }

    /// llama.cpp's tokenization of the reference strings.
    static func cases(file: StaticString = #filePath, line: UInt = #line) throws -> [Case] {
        let path = try require(referencePath, file: file, line: line)
        let cases = try JSONDecoder().decode([Case].self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        XCTAssertEqual(cases.count, 24, "tokenizer.ref.json should hold 24 cases", file: file, line: line)
        return cases
    }
}

/// Runs `tokens` through a streaming decoder one at a time, checking each step.
func streamed(_ tokens: [Token], with tokenizer: Tokenizer, file: StaticString = #filePath, line: UInt = #line) -> (outputs: [String], flushed: String) {
    var decoder = StreamingDecoder(tokenizer: tokenizer)
    var outputs: [String] = []
    for token in tokens { outputs.append(decoder.append(token)) }
    let flushed = decoder.flush()
    XCTAssertEqual(decoder.flush(), "", "a second flush has nothing left", file: file, line: line)
    return (outputs, flushed)
}
