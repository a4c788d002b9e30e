import Foundation
import XCTest
import GGUF

/// The real fixture files parse, with the values their README promises.
final class GGUFReaderTests: XCTestCase {
    func testVocabFixture() throws {
        guard let file = try Fixtures.open("llama2-vocab.gguf") else { return }
        XCTAssertEqual(file.version, 3)
        XCTAssertEqual(file.tensors.count, 0)
        XCTAssertEqual(file.metadata.count, 22)
        XCTAssertEqual(file.alignment, 32)
        XCTAssertEqual(file.architecture, "llama")
        XCTAssertEqual(file.string("tokenizer.ggml.model"), "llama")
        XCTAssertEqual(file.int("llama.embedding_length"), 4096)
        XCTAssertEqual(file.int("llama.block_count"), 32)
        XCTAssertEqual(file.int("tokenizer.ggml.bos_token_id"), 1)
        XCTAssertEqual(file.int("tokenizer.ggml.eos_token_id"), 2)
        XCTAssertEqual(file.int("tokenizer.ggml.unknown_token_id"), 0)
        XCTAssertEqual(file.bool("tokenizer.ggml.add_bos_token"), true)
        XCTAssertEqual(file.bool("tokenizer.ggml.add_eos_token"), false)
        XCTAssertEqual(file.double("llama.attention.layer_norm_rms_epsilon") ?? 0, 1e-5, accuracy: 1e-9)
        XCTAssertNil(file["no.such.key"])
        XCTAssertNil(file.tensor(named: "token_embd.weight"))

        let tokens = try XCTUnwrap(file["tokenizer.ggml.tokens"]?.arrayValue)
        XCTAssertEqual(tokens.elementType, .string)
        XCTAssertEqual(tokens.count, 32000)
        let pieces = try XCTUnwrap(tokens.strings)
        XCTAssertEqual(pieces.count, 32000)
        XCTAssertEqual(Array(pieces.prefix(3)), ["<unk>", "<s>", "</s>"])
        XCTAssertEqual(pieces[3], "<0x00>")
        XCTAssertEqual(pieces[13], "<0x0A>")
        XCTAssertTrue(pieces.contains("▁the"))
        XCTAssertEqual(tokens.values.prefix(3).map(\.stringValue), ["<unk>", "<s>", "</s>"])
        XCTAssertNil(tokens.floats)
        XCTAssertNil(tokens.ints)

        let scores = try XCTUnwrap(file["tokenizer.ggml.scores"]?.arrayValue?.floats)
        XCTAssertEqual(scores.count, 32000)
        XCTAssertEqual(Array(scores.prefix(3)), [0, 0, 0])
        XCTAssertTrue(scores.allSatisfy(\.isFinite))
        XCTAssertNil(file["tokenizer.ggml.scores"]?.arrayValue?.strings)

        let types = try XCTUnwrap(file["tokenizer.ggml.token_type"]?.arrayValue)
        XCTAssertEqual(types.elementType, .int32)
        let typeInts = try XCTUnwrap(types.ints)
        XCTAssertEqual(Array(typeInts.prefix(4)), [2, 3, 3, 6])
        XCTAssertEqual(typeInts[300], 1)
        XCTAssertEqual(types.floats?.prefix(3).map { $0 }, [2, 3, 3])
    }

    func testModelFixturesShareTheConfiguration() throws {
        for name in Fixtures.models {
            guard let file = try Fixtures.open(name) else { continue }
            XCTAssertEqual(file.version, 3, name)
            XCTAssertEqual(file.tensors.count, 21, name)
            XCTAssertEqual(file.architecture, "llama", name)
            XCTAssertEqual(file.modelName, "ghost-test", name)
            XCTAssertEqual(file.int("llama.embedding_length"), 256, name)
            XCTAssertEqual(file.int("llama.block_count"), 2, name)
            XCTAssertEqual(file.int("llama.attention.head_count"), 4, name)
            XCTAssertEqual(file.int("llama.attention.head_count_kv"), 2, name)
            XCTAssertEqual(file.int("llama.feed_forward_length"), 768, name)
            XCTAssertEqual(file.int("llama.context_length"), 512, name)
            XCTAssertEqual(file.int("llama.rope.dimension_count"), 64, name)
            XCTAssertEqual(file.double("llama.rope.freq_base"), 10000, name)
            XCTAssertEqual(file.double("llama.attention.layer_norm_rms_epsilon") ?? 0, 1e-5, accuracy: 1e-9, name)
            XCTAssertEqual(file["tokenizer.ggml.tokens"]?.arrayValue?.count, 32000, name)
            let template = try XCTUnwrap(file.string("tokenizer.chat_template"), name)
            XCTAssertTrue(template.contains("[INST]") && template.contains("<<SYS>>"), name)
            XCTAssertEqual(file.parameterCount, 2 * 256 * 32000 + 256 + 2 * (2 * 256 + 2 * 256 * 256 + 2 * 256 * 128 + 3 * 256 * 768), name)

            for blk in 0..<2 {
                let q = try XCTUnwrap(file.tensor(named: "blk.\(blk).attn_q.weight"), name)
                XCTAssertEqual(q.dimensions, [256, 256])
                XCTAssertEqual(file.tensor(named: "blk.\(blk).attn_k.weight")?.dimensions, [256, 128], name)
                XCTAssertEqual(file.tensor(named: "blk.\(blk).attn_v.weight")?.dimensions, [256, 128], name)
                XCTAssertEqual(file.tensor(named: "blk.\(blk).ffn_gate.weight")?.dimensions, [256, 768], name)
                XCTAssertEqual(file.tensor(named: "blk.\(blk).ffn_down.weight")?.dimensions, [768, 256], name)
                let norm = try XCTUnwrap(file.tensor(named: "blk.\(blk).attn_norm.weight"), name)
                XCTAssertEqual(norm.dimensions, [256])
                XCTAssertEqual(norm.type, .f32)
                XCTAssertEqual(norm.byteCount, 1024)
            }
            let embd = try XCTUnwrap(file.tensor(named: "token_embd.weight"), name)
            XCTAssertEqual(embd.dimensions, [256, 32000])
            XCTAssertEqual(embd.rowLength, 256)
            XCTAssertEqual(embd.rowCount, 32000)
            XCTAssertEqual(embd.elementCount, 256 * 32000)
            XCTAssertEqual(file.tensor(named: "output.weight")?.dimensions, [256, 32000], name)
            XCTAssertEqual(file.tensor(named: "output_norm.weight")?.type, .f32, name)
            assertLayoutIsSound(file, name: name)
        }
    }

    func testTensorTypesPerFixture() throws {
        let expected: [(file: String, fileType: GGUFFileType, matrix: GGMLType, output: GGMLType)] = [
            ("tiny-llama-f16.gguf", .mostlyF16, .f16, .f16),
            ("tiny-llama-q8_0.gguf", .mostlyQ8_0, .q8_0, .q8_0),
            ("tiny-llama-q4_0.gguf", .mostlyQ4_0, .q4_0, .q6_K),
            ("tiny-llama-q4_k_m.gguf", .mostlyQ4_K_M, .q4_K, .q6_K),
        ]
        for e in expected {
            guard let file = try Fixtures.open(e.file) else { continue }
            XCTAssertEqual(file.fileType, e.fileType, e.file)
            XCTAssertEqual(file.tensor(named: "output.weight")?.type, e.output, e.file)
            XCTAssertEqual(file.tensor(named: "token_embd.weight")?.type, e.matrix, e.file)
            XCTAssertEqual(file.tensor(named: "blk.0.attn_q.weight")?.type, e.matrix, e.file)
            for t in file.tensors where t.dimensions.count == 1 {
                XCTAssertEqual(t.type, .f32, "\(e.file) \(t.name)")
            }
            if e.file == "tiny-llama-q4_k_m.gguf" {
                // Q4_K_M keeps some matrices at Q6_K.
                XCTAssertEqual(file.tensor(named: "blk.1.ffn_down.weight")?.type, .q6_K)
                XCTAssertEqual(Set(file.tensorTypeHistogram.map(\.type)), [.q4_K, .q6_K, .f32])
            }
        }
    }

    func testQ4_0OutputIsQ6_KWithExactSizes() throws {
        guard let file = try Fixtures.open("tiny-llama-q4_0.gguf") else { return }
        let output = try XCTUnwrap(file.tensor(named: "output.weight"))
        XCTAssertEqual(output.type, .q6_K)
        XCTAssertEqual(output.byteCount, 32000 * 210)
        XCTAssertEqual(output.rowByteCount, 210)
        XCTAssertEqual(output.relativeOffset, 0)
        XCTAssertEqual(file.dataOffset, 726048)  // the table ends at 726026; padded to 32
        let embd = try XCTUnwrap(file.tensor(named: "token_embd.weight"))
        XCTAssertEqual(embd.type, .q4_0)
        XCTAssertEqual(embd.rowByteCount, 8 * 18)
        XCTAssertEqual(embd.byteCount, 32000 * 8 * 18)
        XCTAssertEqual(embd.relativeOffset, 6721024)
        let histogram = file.tensorTypeHistogram
        XCTAssertEqual(histogram.first?.type, .q4_0)
        XCTAssertEqual(histogram.map(\.count).reduce(0, +), 21)
        XCTAssertEqual(histogram.first(where: { $0.type == .q6_K })?.count, 1)
        XCTAssertEqual(histogram.first(where: { $0.type == .f32 })?.count, 5)
    }

    func testTensorBytesAreTheFileBytes() throws {
        guard let path = Fixtures.path("tiny-llama-f16.gguf"), let file = try Fixtures.open("tiny-llama-f16.gguf") else { return }
        let whole = try Data(contentsOf: URL(fileURLWithPath: path))
        XCTAssertEqual(file.fileSize, whole.count)
        XCTAssertEqual(file.dataOffset, 725984)  // the table ends at 725982; padded to 32
        let norm = try XCTUnwrap(file.tensor(named: "output_norm.weight"))
        XCTAssertEqual(norm.fileOffset, 725984 + 19533824)
        let bytes = file.bytes(for: norm)
        XCTAssertEqual(bytes.count, 1024)
        XCTAssertEqual(Array(bytes), [UInt8](whole[norm.fileOffset..<norm.fileOffset + 1024]))
        XCTAssertEqual(file.data(for: norm), bytes.baseAddress)
        let first = bytes.loadUnaligned(as: Float.self)
        XCTAssertEqual(first, 0.9499834, accuracy: 1e-6)
        // RMS-norm weights of this random model hover around 1.
        let values = (0..<256).map { bytes.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self) }
        XCTAssertTrue(values.allSatisfy { $0 > 0.5 && $0 < 1.5 })
    }

    func testEveryFixtureDecodesEveryValue() throws {
        for name in Fixtures.all {
            guard let file = try Fixtures.open(name) else { continue }
            var keys = Set<String>()
            for (key, value) in file.metadata {
                XCTAssertTrue(keys.insert(key).inserted, "\(name): duplicate \(key)")
                XCTAssertEqual(file[key], value, "\(name): \(key)")
                XCTAssertGreaterThan(touchAll(value), 0)
            }
        }
    }

    /// Offsets are aligned, in order, non-overlapping and inside the file.
    private func assertLayoutIsSound(_ file: GGUFFile, name: String) {
        XCTAssertEqual(file.dataOffset % file.alignment, 0, name)
        var end = 0
        for t in file.tensors {
            XCTAssertEqual(t.relativeOffset % file.alignment, 0, "\(name) \(t.name)")
            XCTAssertEqual(t.fileOffset, file.dataOffset + t.relativeOffset, "\(name) \(t.name)")
            XCTAssertGreaterThanOrEqual(t.relativeOffset, end, "\(name) \(t.name) overlaps the previous tensor")
            XCTAssertEqual(t.byteCount, t.elementCount / t.type.blockSize * t.type.typeSize, "\(name) \(t.name)")
            XCTAssertEqual(t.byteCount, t.rowByteCount * t.rowCount, "\(name) \(t.name)")
            XCTAssertLessThanOrEqual(t.fileOffset + t.byteCount, file.fileSize, "\(name) \(t.name)")
            XCTAssertEqual(file.tensor(named: t.name), t, name)
            end = t.relativeOffset + t.byteCount
        }
        XCTAssertEqual((file.dataOffset + end + file.alignment - 1) / file.alignment * file.alignment, file.fileSize, "\(name): trailing bytes")
    }
}
