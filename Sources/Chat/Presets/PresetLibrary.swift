import Foundation
import SafeText
import TOML
import TOMLKit

/// The presets available: the built-in file plus the user's own.
public struct PresetLibrary: Sendable {
    public private(set) var presets: [String: Preset] = [:]
    /// Problems met while loading (a malformed user file, a bad entry); loading goes on.
    public private(set) var warnings: [String] = []

    public init() {}

    /// Preset names, sorted (for listings and Tab completion).
    public var names: [String] { presets.keys.sorted() }

    /// Loads the built-in presets and then `userFile` (default: the XDG config location),
    /// whose entries override built-ins of the same name.
    public static func standard(userFile: URL? = ChatPaths.userPresetsFile()) -> PresetLibrary {
        var library = PresetLibrary()
        if let url = BuiltinResources.presetsFile(), let text = try? String(contentsOf: url, encoding: .utf8) {
            library.add(toml: text, source: "built-in presets")
        } else {
            library.warn("built-in presets file not found next to the executable; only your own presets are available")
        }
        if let userFile, FileManager.default.fileExists(atPath: userFile.path) {
            do {
                library.add(toml: try String(contentsOf: userFile, encoding: .utf8), source: userFile.path)
            } catch {
                library.warn("\(userFile.path): cannot read (\(error.localizedDescription))")
            }
        }
        return library
    }

    /// Adds the presets of a TOML document: one table per preset with `text`, optional
    /// `terse`, `kind` ("base"/"constraint") and `check`.
    public mutating func add(toml: String, source: String) {
        let table: TOMLTable
        do {
            table = try TOMLDocument.parse(toml)
        } catch {
            warn("\(source): \(error); its presets are ignored")
            return
        }
        for name in table.keys.sorted() {
            guard let entry = table[name]?.table else {
                warn("\(source): '\(name)' is not a table; ignored")
                continue
            }
            guard let text = entry["text"]?.string, !text.isEmpty else {
                warn("\(source): preset '\(name)' has no text; ignored")
                continue
            }
            var rule: ConstraintRule?
            if let check = entry["check"]?.string {
                rule = ConstraintRule(argument: check)
                if rule == nil { warn("\(source): preset '\(name)': unknown check '\(check)'; ignored") }
            }
            let kind = entry["kind"]?.string.flatMap(Preset.Kind.init(rawValue:)) ?? .constraint
            add(Preset(name: name.lowercased(), kind: kind, text: text, terse: entry["terse"]?.string, check: rule))
        }
    }

    public mutating func add(_ preset: Preset) { presets[preset.name] = preset }

    /// Records a problem; names and values it quotes from the file have their control
    /// characters escaped, so each warning is one clean line.
    private mutating func warn(_ text: String) { warnings.append(SafeText.quoted(text)) }

    /// Looks up "a+b+c"; throws naming the first unknown part.
    public func resolve(_ spec: String) throws -> [Preset] {
        let names = spec.split(separator: "+", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard !names.isEmpty, !names.contains(where: \.isEmpty) else {
            throw ChatError("empty preset name in '\(spec)'")
        }
        return try names.map { name in
            guard let preset = presets[name] else {
                // Name at most 20: a file with thousands of presets must not make a huge line.
                let known = presets.keys.sorted()
                let listed = known.prefix(20).joined(separator: ", ") + (known.count > 20 ? ", … \(known.count - 20) more" : "")
                throw ChatError("unknown preset '\(name)' (known: \(listed))")
            }
            return preset
        }
    }
}
