import Foundation
import TestSupport
import XCTest

/// Locates `../shared/fixtures` beside the package and decodes llama.cpp's reference files.
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

    static let models = ["tiny-llama-f16", "tiny-llama-q8_0", "tiny-llama-q4_0", "tiny-llama-q4_k_m"]

    struct Reference: Decodable {
        struct Prompt: Decodable {
            var text: String
            var tokens: [Int32]
            var argmax: [Int32]
            var margin: [Float]
            var logit_std: [Float]
            var last_logits: [Float]
            var greedy: [Int32]
            var greedy_text: String
            var greedy_margin_over_std: [Float]
            var greedy_prefix_texts: [String]
        }
        struct Perplexity: Decodable {
            var ctx: Int
            var chunks: Int
            var tokens: Int
            var scored: Int
            var ppl: Double
        }
        var model: String
        var prompts: [Prompt]
        var perplexity: Perplexity
    }

    static func reference(_ model: String) throws -> Reference {
        let data = try Data(contentsOf: URL(fileURLWithPath: try path(model + ".ref.json")))
        return try JSONDecoder().decode(Reference.self, from: data)
    }
}
