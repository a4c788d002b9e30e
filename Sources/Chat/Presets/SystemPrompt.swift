/// The system message in force: its full text, its terse form and the rules it implies.
///
/// Built from free text (`--system`), from presets (`--system-preset emoji+french`), or both
/// (the free text first).
public struct SystemPrompt: Sendable, Equatable, Codable {
    public var text: String
    public var terse: String
    /// Names of the presets it was built from, in order ("" parts omitted).
    public var presets: [String]
    public var rules: [ConstraintRule]

    public init(text: String = "", terse: String? = nil, presets: [String] = [], rules: [ConstraintRule] = []) {
        self.text = text
        self.terse = terse ?? text
        self.presets = presets
        self.rules = rules
    }

    /// Combines presets: base prompts first, then constraints, each in the order given.
    public init(custom: String?, presets: [Preset]) {
        let ordered = presets.filter { $0.kind == .base } + presets.filter { $0.kind == .constraint }
        var texts: [String] = []
        var terses: [String] = []
        if let custom, !custom.isEmpty { texts.append(custom); terses.append(custom) }
        for preset in ordered {
            texts.append(preset.text)
            // A base prompt's terse form would only repeat the tone; the constraints are
            // what reinforcement is for, but with no constraint keep the base's.
            if preset.kind == .constraint || !ordered.contains(where: { $0.kind == .constraint }) { terses.append(preset.terse) }
        }
        self.init(text: texts.joined(separator: " "), terse: terses.joined(separator: " "),
                  presets: presets.map(\.name), rules: presets.compactMap(\.check))
    }

    public var isEmpty: Bool { text.isEmpty }
}
