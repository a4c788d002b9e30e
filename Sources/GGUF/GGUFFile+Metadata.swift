import SafeText

/// Typed access to common metadata keys.
extension GGUFFile {
    /// `general.architecture` (e.g. "llama").
    public var architecture: String? { self["general.architecture"]?.stringValue }

    /// `general.name`, if the converter wrote one.
    public var modelName: String? { self["general.name"]?.stringValue }

    /// `general.file_type` as llama.cpp names it.
    public var fileType: GGUFFileType? {
        self["general.file_type"]?.intValue.flatMap { UInt32(exactly: $0) }.flatMap(GGUFFileType.init(rawValue:))
    }

    /// An integer value under `key`, or nil when absent or not an integer.
    public func int(_ key: String) -> Int? { self[key]?.intValue }

    /// A numeric value under `key` as Double.
    public func double(_ key: String) -> Double? { self[key]?.doubleValue }

    /// A string value under `key`.
    public func string(_ key: String) -> String? { self[key]?.stringValue }

    /// A bool value under `key`.
    public func bool(_ key: String) -> Bool? { self[key]?.boolValue }

    /// Tensors counted by type, most common first.
    public var tensorTypeHistogram: [(type: GGMLType, count: Int)] {
        var counts: [GGMLType: Int] = [:]
        for t in tensors { counts[t.type, default: 0] += 1 }
        return counts.map { ($0.key, $0.value) }.sorted { $0.count != $1.count ? $0.count > $1.count : $0.type.rawValue < $1.type.rawValue }
    }

    /// Total number of tensor elements (the parameter count).
    public var parameterCount: Int { tensors.reduce(0) { $0 + $1.elementCount } }

    /// One line describing the file, for logs and model listings, e.g.
    /// `model.gguf: GGUF v3, llama 'ghost-test', Q4_0, 7.3 M parameters in 21 tensors
    /// (Q4_0 ×15, F32 ×5, Q6_K ×1), 25 metadata keys, 12.3 MiB`.
    public var summary: String {
        var parts = ["GGUF v\(version)"]
        if let architecture {
            parts.append(architecture + (modelName.map { " \(GGUFError.quote($0))" } ?? ""))
        }
        if let fileType { parts.append(fileType.name) }
        let types = tensorTypeHistogram.map { "\($0.type.name) ×\($0.count)" }.joined(separator: ", ")
        parts.append(tensors.isEmpty
            ? "no tensors"
            : "\(Self.scaled(parameterCount, [(1_000_000_000, " B"), (1_000_000, " M"), (1_000, " K")])) parameters in \(tensors.count) tensors (\(types))")
        parts.append("\(metadata.count) metadata keys")
        parts.append(Self.scaled(fileSize, [(1 << 30, " GiB"), (1 << 20, " MiB"), (1 << 10, " KiB")], unit: " bytes"))
        return SafeText.quoted("\(path): " + parts.joined(separator: ", "))
    }

    /// `n` in the largest of `units` it reaches, with one decimal (`12.3 MiB`).
    public static func scaled(_ n: Int, _ units: [(Int, String)], unit: String = "") -> String {
        guard let (size, name) = units.first(where: { n >= $0.0 }) else { return "\(n)\(unit)" }
        let tenths = (n * 10 + size / 2) / size
        return "\(tenths / 10).\(tenths % 10)\(name)"
    }
}
