import ArgumentParser
import Foundation
import GGUF
import Kernels

/// `ghostchat quantize`: F32/F16/BF16 model → Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q6_K, or
/// llama.cpp's Q4_K_M / Q5_K_M mixes.
struct QuantizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quantize",
        abstract: "Quantize an F32/F16/BF16 model to q8_0, q4_0, q4_1, q5_0, q5_1, q6_k, q4_k_m or q5_k_m.",
        discussion: """
        Every 2-D weight whose rows are whole blocks is quantized with the same rounding as \
        llama.cpp's reference quantizer; norms stay F32. As llama.cpp does, the unembedding \
        (output.weight, or token_embd.weight when the embeddings are tied) is stored as Q6_K \
        for every target but q8_0 (Q8_0 when its rows are not whole 256-element blocks). \
        q4_k_m and q5_k_m are llama.cpp's mixes: Q4_K (Q5_K) everywhere, Q6_K for attn_v and \
        ffn_down in the first and last eighth of the layers and every third layer between, \
        Q5_K (Q6_K) for fused attn_qkv.
        """
    )

    enum Target: String, ExpressibleByArgument, CaseIterable {
        case q8_0, q4_0, q4_1, q5_0, q5_1, q6_k, q4_k_m, q5_k_m

        var type: GGMLType {
            switch self {
            case .q8_0: return .q8_0
            case .q4_0: return .q4_0
            case .q4_1: return .q4_1
            case .q5_0: return .q5_0
            case .q5_1: return .q5_1
            case .q6_k: return .q6_K
            case .q4_k_m: return .q4_K
            case .q5_k_m: return .q5_K
            }
        }

        var fileType: GGUFFileType {
            switch self {
            case .q8_0: return .mostlyQ8_0
            case .q4_0: return .mostlyQ4_0
            case .q4_1: return .mostlyQ4_1
            case .q5_0: return .mostlyQ5_0
            case .q5_1: return .mostlyQ5_1
            case .q6_k: return .mostlyQ6_K
            case .q4_k_m: return .mostlyQ4_K_M
            case .q5_k_m: return .mostlyQ5_K_M
            }
        }
    }

    @Argument(help: "Input GGUF file (F32, F16 or BF16 weights).")
    var input: String
    @Argument(help: "Output GGUF file.")
    var output: String
    @Argument(help: "Target type: q8_0, q4_0, q4_1, q5_0, q5_1, q6_k, q4_k_m or q5_k_m.")
    var type: Target

    func run() throws {
        let file = try GGUFFile(path: input)
        guard !file.tensors.isEmpty else { throw ValidationError("\(input): has no tensors to quantize") }
        guard URL(fileURLWithPath: input).standardizedFileURL != URL(fileURLWithPath: output).standardizedFileURL else {
            throw ValidationError("output must differ from input")
        }
        var writer = GGUFWriter()
        for (key, value) in file.metadata { writer.set(key, value) }
        writer.set("general.file_type", .uint32(type.fileType.rawValue))
        writer.set("general.quantization_version", .uint32(2))

        let tied = file.tensor(named: "output.weight") == nil
        let layers = file.int("\(file.string("general.architecture") ?? "llama").block_count")
            ?? (file.tensors.filter { $0.name.hasSuffix(".attn_norm.weight") }.count)
        var converted = 0
        for info in file.tensors {
            let target = targetType(for: info, tiedEmbeddings: tied, layers: layers)
            if target == info.type {
                writer.addTensor(name: info.name, dimensions: info.dimensions, type: info.type) { Array(file.bytes(for: info)) }
            } else {
                converted += 1
                writer.addTensor(name: info.name, dimensions: info.dimensions, type: target) {
                    let floats = Kernels.dequantize(file.data(for: info), type: info.type, count: info.elementCount)
                    return floats.withUnsafeBufferPointer { Kernels.quantize($0.baseAddress!, count: info.elementCount, to: target) }
                }
            }
        }
        let bar = ProgressBar(title: "quantizing")
        try writer.write(to: output) { done, total in
            bar.update(done, of: total, detail: file.tensors[done - 1].name)
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: output)[.size] as? Int) ?? 0
        FileHandle.standardError.write(Data("ghostchat: wrote \(output) (\(formatBytes(size)), \(converted) tensors quantized to \(type.rawValue.uppercased()))\n".utf8))
    }

    /// llama.cpp's choice per tensor (src/llama-quant.cpp): the unembedding gets Q6_K unless
    /// the target is Q8_0, or Q8_0 when its rows are not whole 256-element blocks; the K-quant
    /// mixes give more bits to the tensors most sensitive to quantization; every other 2-D
    /// weight gets the target type when its rows are whole blocks of it, else llama.cpp's
    /// fallback type.
    private func targetType(for info: GGUFTensorInfo, tiedEmbeddings: Bool, layers: Int) -> GGMLType {
        let floating: Set<GGMLType> = [.f32, .f16, .bf16]
        guard floating.contains(info.type), info.dimensions.count == 2, info.name.hasSuffix(".weight") else { return info.type }
        let rowLength = info.dimensions[0]
        if info.name == "output.weight" || (tiedEmbeddings && info.name == "token_embd.weight") {
            if rowLength % GGMLType.q6_K.blockSize != 0 { return rowLength % 32 == 0 ? .q8_0 : info.type }
            return type == .q8_0 ? .q8_0 : .q6_K
        }
        var chosen = type.type
        if type == .q4_k_m || type == .q5_k_m, let layer = Self.layerIndex(info.name) {
            if info.name.hasSuffix(".attn_v.weight") || info.name.hasSuffix(".ffn_down.weight") {
                if Self.usesMoreBits(layer: layer, of: layers) { chosen = .q6_K }
            } else if info.name.hasSuffix(".attn_qkv.weight") {
                chosen = type == .q4_k_m ? .q5_K : .q6_K
            }
        }
        if rowLength % chosen.blockSize == 0 { return chosen }
        // Rows that are not whole 256-element blocks: llama.cpp's fallback for each K type.
        let fallback: GGMLType? = switch chosen {
        case .q4_K: .q5_0
        case .q5_K: .q5_1
        case .q6_K: .q8_0
        default: nil
        }
        if let fallback, rowLength % fallback.blockSize == 0 { return fallback }
        return info.type
    }

    /// llama.cpp's `use_more_bits`: the first and last eighth of the layers, and every third
    /// layer in between.
    static func usesMoreBits(layer: Int, of count: Int) -> Bool {
        layer < count / 8 || layer >= 7 * count / 8 || (layer - count / 8) % 3 == 2
    }

    /// The layer number of a `blk.N.…` tensor.
    static func layerIndex(_ name: String) -> Int? {
        let parts = name.split(separator: ".")
        guard parts.count > 2, parts[0] == "blk" else { return nil }
        return Int(parts[1])
    }
}
