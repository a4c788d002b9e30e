import Chat
import ChatLlama
import Llama
import Tokenizer
import XCTest

/// The session manager on the real engine, in process.
final class LlamaEngineTests: XCTestCase {
    func makeSession(_ model: LlamaModel, seed: UInt64 = 11) -> ChatSession {
        var sampling = SamplingParameters()
        sampling.seed = seed
        return ChatSession(engine: LlamaChatEngine(model: model),
                           options: SessionOptions(template: .llama2, system: SystemPrompt(text: "Act as Napoleon.", terse: "Figure: Napoleon."),
                                                   sampling: sampling, maxReplyTokens: 12), store: nil)
    }

    func testCacheMirrorsEngineAndTranscriptRoundTripGivesSameReply() throws {
        for name in ["tiny-llama-f16.gguf", "tiny-llama-q4_k_m.gguf"] {
            let model = try LlamaModel(path: try Fixtures.path(name), contextLength: 256, threads: 1)
            let session = makeSession(model)
            try session.reply(to: "Hello")
            try session.reply(to: "Where were you born?")
            XCTAssertEqual(model.position, session.cachedTokens.count)
            let data = try session.transcript.jsonData()

            let other = try LlamaModel(path: try Fixtures.path(name), contextLength: 256, threads: 1)
            let loaded = try ChatSession(engine: LlamaChatEngine(model: other), transcript: try Transcript.decode(json: data), store: nil)
            let a = try session.reply(to: "And then?")
            let b = try loaded.reply(to: "And then?")
            XCTAssertEqual(a.text, b.text, name)
            XCTAssertEqual(session.transcript.messages.last?.tokens, loaded.transcript.messages.last?.tokens, name)
            XCTAssertEqual(b.stats.cacheHit, 0, "a loaded chat starts with an empty cache")
            XCTAssertGreaterThan(a.stats.cacheHit, 0)
        }
    }

    func testModelInfoDescribesTheFile() throws {
        let path = try Fixtures.path("tiny-llama-q8_0.gguf")
        let model = try LlamaModel(path: path, contextLength: 64, threads: 1)
        let info = LlamaChatEngine(model: model).modelInfo
        XCTAssertEqual(info.fileName, "tiny-llama-q8_0.gguf")
        XCTAssertEqual(info.fileSize, try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        XCTAssertEqual(TemplateDetection.detect(info.chatTemplate).name, .llama2)
        XCTAssertNil(TemplateDetection.detect(info.chatTemplate).warning)
    }
}
