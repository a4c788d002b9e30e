import Chat
import Foundation

/// The model file a command uses, and why that one.
///
/// Order: `-m`, then (for a continued chat) the chat's own model, `GHOSTCHAT_MODEL`,
/// `model` in config.toml, and last the demo model that ships in the repository's
/// `models/` folder, so a fresh clone opens a working chat.
struct ModelChoice: Equatable {
    enum Origin: Equatable { case flag, transcript, environment, config, demo }

    var path: String
    var origin: Origin

    static let demoFileName = "ghostchat-demo.gguf"

    /// One line shown whenever the demo model is used.
    static let demoNotice = "note: using the built-in demo model, a tiny model trained for ghostchat's system-prompt demo (try /preset emoji); for a real model give -m FILE, set GHOSTCHAT_MODEL, or put model = \"FILE\" in \(ChatPaths.configFile().path)"

    static func resolve(flag: String?, transcript: String? = nil, config: UserConfig,
                        environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ModelChoice {
        if let flag { return ModelChoice(path: flag, origin: .flag) }
        if let transcript { return ModelChoice(path: transcript, origin: .transcript) }
        if let env = environment["GHOSTCHAT_MODEL"], !env.isEmpty { return ModelChoice(path: env, origin: .environment) }
        if let model = config.model { return ModelChoice(path: model, origin: .config) }
        if let demo = demoModelPath() { return ModelChoice(path: demo, origin: .demo) }
        throw ChatError("no model: give -m FILE, set GHOSTCHAT_MODEL, or put model = \"FILE\" in \(ChatPaths.configFile(environment: environment).path)")
    }

    /// Where the demo model is: beside an installed binary (`…/share/ghostchat/`), in the
    /// `models/` folder of the checkout the binary was built in (`swift run` puts it under
    /// `.build/…/release/`), or in the checkout these sources were compiled from.
    static func demoModelPath() -> String? {
        var candidates: [URL] = []
        if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath() {
            var directory = executable.deletingLastPathComponent()
            candidates.append(directory.appendingPathComponent(demoFileName))
            candidates.append(directory.appendingPathComponent("../share/ghostchat/\(demoFileName)").standardizedFileURL)
            for _ in 0..<6 {
                candidates.append(directory.appendingPathComponent("models/\(demoFileName)"))
                directory.deleteLastPathComponent()
            }
        }
        let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(checkout.appendingPathComponent("models/\(demoFileName)"))
        return candidates.first { FileManager.default.isReadableFile(atPath: $0.path) }?.path
    }
}
