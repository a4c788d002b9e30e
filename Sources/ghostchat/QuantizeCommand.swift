import ArgumentParser
import Foundation
import GGUF
import Kernels

/// `ghostchat quantize`: F32/F16/BF16 model → Q8_0 or Q4_0.
struct QuantizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quantize",
        abstract: "Quantize an F32/F16/BF16 model to q8_0 or q4_0.",
        discussion: """
        Every 2-D weight whose rows are whole 32-element blocks is quantized with the same \
        rounding as llama.cpp's reference quantizer; norms stay F32. With q4_0, output.weight \
        is stored as Q8_0 (llama.cpp uses Q6_K there) to keep the unembedding precise.
        """
    )

    enum Target: String, ExpressibleByArgument, CaseIterable {
        case q8_0, q4_0

        var type: GGMLType { self == .q8_0 ? .q8_0 : .q4_0 }
        var fileType: GGUFFileType { self == .q8_0 ? .mostlyQ8_0 : .mostlyQ4_0 }
    }

    @Argument(help: "Input GGUF file (F32, F16 or BF16 weights).")
    var input: String
    @Argument(help: "Output GGUF file.")
    var output: String
    @Argument(help: "Target type: q8_0 or q4_0.")
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

        var converted = 0
        for info in file.tensors {
            let target = targetType(for: info)
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

    private func targetType(for info: GGUFTensorInfo) -> GGMLType {
        let floating: Set<GGMLType> = [.f32, .f16, .bf16]
        guard floating.contains(info.type), info.dimensions.count == 2, info.name.hasSuffix(".weight"),
              info.dimensions[0] % 32 == 0 else { return info.type }
        if type == .q4_0 && info.name == "output.weight" { return .q8_0 }
        return type.type
    }
}
