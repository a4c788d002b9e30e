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
}
