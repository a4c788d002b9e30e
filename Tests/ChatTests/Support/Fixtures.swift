import Foundation
import TestSupport
import GGUF
import Tokenizer
import XCTest

/// Locates `../shared/fixtures` beside the package root; a missing fixture fails loudly.
enum Fixtures {
    static let directory: URL = FixtureLocator.sharedDirectory

    static func path(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let url = directory.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else {
            XCTFail("fixture missing: \(url.path) (the shared fixtures must sit beside the repository)", file: file, line: line)
            throw CocoaError(.fileNoSuchFile)
        }
        return url.path
    }

    /// The real Llama 2 vocabulary, loaded once.
    static func llamaTokenizer() throws -> Tokenizer {
        if let cached = cache.tokenizer { return cached }
        let tokenizer = try Tokenizer(gguf: GGUFFile(path: path("llama2-vocab.gguf")))
        cache.tokenizer = tokenizer
        return tokenizer
    }

    private final class Cache: @unchecked Sendable { var tokenizer: Tokenizer? }
    private static let cache = Cache()
}

/// A scratch directory removed when the test ends.
func temporaryDirectory(_ test: XCTestCase) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("ghostchat-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}
