import GGUF
import Kernels
import TestSupport
import XCTest

/// Real llama.cpp-quantized tensors against the F16 model they were made from.
final class FixtureTests: XCTestCase {
    func open(_ name: String) throws -> GGUFFile {
        let path = fixtureDirectory + "/" + name
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("fixture \(path) missing") }
        return try GGUFFile(path: path)
    }

    func floats(_ f: GGUFFile, _ name: String) throws -> (GGUFTensorInfo, [Float]) {
        let t = try XCTUnwrap(f.tensor(named: name), name)
        return (t, Kernels.dequantize(f.data(for: t), type: t.type, count: t.elementCount))
    }

    /// Max |quantized − f16| relative to the tensor's max |f16|.
    func check(file: String, tensor: String, type: GGMLType, bound: Float) throws {
        let f16 = try open("tiny-llama-f16.gguf"), q = try open(file)
        let (rt, ref) = try floats(f16, tensor)
        let (qt, got) = try floats(q, tensor)
        XCTAssertEqual(qt.type, type, "\(file) \(tensor) type")
        XCTAssertEqual(rt.dimensions, qt.dimensions)
        var maxErr: Float = 0, maxRef: Float = 0
        for i in ref.indices {
            maxErr = max(maxErr, abs(got[i] - ref[i]))
            maxRef = max(maxRef, abs(ref[i]))
        }
        print("\(file) \(tensor) [\(type.name)]: max abs error \(maxErr) (max |w| \(maxRef), ratio \(maxErr / maxRef))")
        XCTAssertLessThan(maxErr, bound * maxRef, "\(file) \(tensor)")

        // dequantizeRow agrees with dequantize of the whole tensor.
        let m = WeightMatrix(type: qt.type, rows: qt.rowCount, columns: qt.rowLength, data: q.data(for: qt))
        var row = [Float](repeating: 0, count: m.columns)
        for r in [0, m.rows / 2, m.rows - 1] {
            Kernels.dequantizeRow(m, row: r, into: &row)
            XCTAssertEqual(row, Array(got[r * m.columns..<(r + 1) * m.columns]))
        }
    }

    // Bounds relative to the tensor's max |w|: Q8_0 half a step (1/254); Q4_0 one step (1/8,
    // the side opposite the signed max is clamped at +7); K-quants' searched scales and
    // mins land in between. Plus fp16 scale rounding.
    func testQ8_0() throws { try check(file: "tiny-llama-q8_0.gguf", tensor: "blk.0.attn_q.weight", type: .q8_0, bound: 0.005) }
    func testQ4_0() throws { try check(file: "tiny-llama-q4_0.gguf", tensor: "blk.0.attn_q.weight", type: .q4_0, bound: 0.13) }
    func testQ6_KInQ4_0File() throws { try check(file: "tiny-llama-q4_0.gguf", tensor: "output.weight", type: .q6_K, bound: 0.03) }
    func testQ4_K() throws { try check(file: "tiny-llama-q4_k_m.gguf", tensor: "blk.0.attn_q.weight", type: .q4_K, bound: 0.1) }
    func testQ6_KInQ4_K_M() throws {
        let q = try open("tiny-llama-q4_k_m.gguf")
        let name = try XCTUnwrap(q.tensors.first { $0.type == .q6_K }?.name)
        try check(file: "tiny-llama-q4_k_m.gguf", tensor: name, type: .q6_K, bound: 0.03)
    }

    /// Our reference quantizers reproduce llama.cpp's blocks bit for bit.
    func testQuantizeMatchesLlamaCppBytes() throws {
        let f16 = try open("tiny-llama-f16.gguf")
        for (file, type) in [("tiny-llama-q8_0.gguf", GGMLType.q8_0), ("tiny-llama-q4_0.gguf", .q4_0)] {
            let q = try open(file)
            for name in ["blk.0.attn_q.weight", "blk.1.ffn_down.weight"] {
                let (_, src) = try floats(f16, name)
                let qt = try XCTUnwrap(q.tensor(named: name))
                XCTAssertEqual(qt.type, type)
                let mine = Kernels.quantize(src, count: src.count, to: type)
                let theirs = Array(q.bytes(for: qt))
                XCTAssertEqual(mine.count, theirs.count)
                var differing = 0
                for i in mine.indices where mine[i] != theirs[i] { differing += 1 }
                XCTAssertEqual(differing, 0, "\(file) \(name): \(differing) of \(mine.count) bytes differ")
            }
        }
    }

    /// Matvec on real weights ≈ f16 matvec of the same tensor (end-to-end sanity).
    func testMatvecOnFixtureWeights() throws {
        let f16 = try open("tiny-llama-f16.gguf"), q8 = try open("tiny-llama-q8_0.gguf")
        let name = "blk.0.ffn_down.weight"
        let a = try XCTUnwrap(f16.tensor(named: name)), b = try XCTUnwrap(q8.tensor(named: name))
        let ma = WeightMatrix(type: a.type, rows: a.rowCount, columns: a.rowLength, data: f16.data(for: a))
        let mb = WeightMatrix(type: b.type, rows: b.rowCount, columns: b.rowLength, data: q8.data(for: b))
        var rng = SeededRandom(seed: 5)
        let x = randomActivation(ma.columns, rng: &rng)
        var ya = [Float](repeating: 0, count: ma.rows), yb = ya
        let pool = ThreadPool(threads: 2), scratch = MatMulScratch()
        Kernels.matmul(ma, input: x, tokens: 1, output: &ya, pool: pool, scratch: scratch)
        Kernels.matmul(mb, input: x, tokens: 1, output: &yb, pool: pool, scratch: scratch)
        let scale = ya.map(abs).max()!
        for r in 0..<ma.rows { XCTAssertLessThan(abs(ya[r] - yb[r]), 0.02 * scale, "row \(r)") }
    }
}
