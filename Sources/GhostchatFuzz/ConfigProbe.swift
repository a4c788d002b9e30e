import Chat
import Foundation

/// `config.toml` and `presets.toml` as ghostchat reads them at start: the same bytes parsed
/// as both. A config is accepted or refused with one `ChatError` line; presets never stop
/// the start, and each warning about them is one clean line. Every accepted preset can be
/// looked up by its name and composed into a system prompt.
enum ConfigProbe {
    static func run(_ bytes: UnsafeRawBufferPointer) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        var steps: [String] = []
        do {
            let config = try UserConfig(toml: text, source: "config.toml", home: "/home/fuzz")
            steps.append("config accepted (\(config.unknownKeys.count) unknown keys)")
        } catch {
            steps.append("config refused: " + ProbeCheck.message(of: error, expecting: ChatError.self))
        }
        var library = PresetLibrary()
        library.add(toml: text, source: "presets.toml")
        for warning in library.warnings { ProbeCheck.requireOneLine(warning, what: "preset warning") }
        for name in library.names {
            do {
                let presets = try library.resolve(name)
                _ = SystemPrompt(custom: nil, presets: presets)
            } catch {
                // Names holding '+' are compositions by construction; any refusal is one line.
                _ = ProbeCheck.message(of: error, expecting: ChatError.self)
            }
        }
        if library.names.count > 1 {
            do { _ = try library.resolve(library.names.prefix(3).joined(separator: "+")) } catch {
                _ = ProbeCheck.message(of: error, expecting: ChatError.self)
            }
        }
        steps.append("\(library.names.count) presets, \(library.warnings.count) warnings")
        return steps.joined(separator: "; ")
    }
}
