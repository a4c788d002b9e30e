import Foundation
import GGUF

/// Identifies the model a chat ran on, for transcripts.
public struct ModelInfo: Sendable, Equatable, Codable {
    /// File name without directories.
    public var fileName: String
    public var path: String
    public var fileSize: Int
    /// FNV-1a 64 of the file's header (metadata and tensor table) as 16 hex digits: cheap
    /// to compute on a multi-GB file, and it changes whenever the weights' layout or the
    /// metadata (vocabulary, template) does.
    public var headerHash: String
    public var name: String?
    /// The GGUF `tokenizer.chat_template`, if any.
    public var chatTemplate: String?
    /// The file type as llama.cpp names it ("Q4_0", "Q4_K_M" …), when the file says.
    public var quantization: String?
    /// `general.architecture` ("llama", "falcon" …), when the file says.
    public var architecture: String?
    /// Weights in all tensors, when known.
    public var parameterCount: Int?

    public init(fileName: String, path: String, fileSize: Int, headerHash: String, name: String? = nil, chatTemplate: String? = nil) {
        self.fileName = fileName
        self.path = path
        self.fileSize = fileSize
        self.headerHash = headerHash
        self.name = name
        self.chatTemplate = chatTemplate
    }

    /// Describes an opened GGUF file.
    public init(gguf file: GGUFFile) {
        let headerLength = min(file.dataOffset, file.fileSize)
        let header = UnsafeRawBufferPointer(start: file.mapping.base, count: headerLength)
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in header { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        self.init(fileName: URL(fileURLWithPath: file.path).lastPathComponent, path: file.path, fileSize: file.fileSize,
                  headerHash: String(format: "%016llx", hash), name: file.modelName,
                  chatTemplate: file.string("tokenizer.chat_template"))
        quantization = file.fileType?.name
        architecture = file.architecture
        parameterCount = file.parameterCount
    }

    /// The model card `/info` shows: name and file, architecture, quantization, size.
    public var card: [String] {
        var facts: [String] = []
        if let architecture { facts.append(architecture) }
        if let quantization { facts.append(quantization) }
        if let parameterCount { facts.append(GGUFFile.scaled(parameterCount, [(1_000_000_000, " B"), (1_000_000, " M"), (1_000, " K")]) + " parameters") }
        facts.append(GGUFFile.scaled(fileSize, [(1 << 30, " GiB"), (1 << 20, " MiB"), (1 << 10, " KiB")], unit: " bytes"))
        return ["model: \(name.map { "\($0) (\(fileName))" } ?? fileName)", facts.joined(separator: " · "), "file: \(path)"]
    }
}
