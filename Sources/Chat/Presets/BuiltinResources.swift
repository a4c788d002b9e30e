import Foundation

/// Finds files shipped in the Chat module's resource bundle.
///
/// SwiftPM's generated `Bundle.module` stops the process when the bundle is missing (a binary
/// copied elsewhere); a missing presets file must only cost the built-in presets, so the
/// bundle is looked for here instead.
enum BuiltinResources {
    static let bundleName = "ghostchat_Chat.resources"

    static func presetsFile() -> URL? {
        let env = ProcessInfo.processInfo.environment
        if let override = env["GHOSTCHAT_BUILTIN_PRESETS"] { return URL(fileURLWithPath: override) }
        var directories: [URL] = []
        if let exe = Bundle.main.executableURL?.resolvingSymlinksInPath() { directories.append(exe.deletingLastPathComponent()) }
        directories.append(Bundle.main.bundleURL)
        for bundle in Bundle.allBundles { directories.append(bundle.bundleURL.deletingLastPathComponent()) }
        for directory in directories {
            for candidate in [directory.appendingPathComponent(bundleName), directory.appendingPathComponent("../share/ghostchat/\(bundleName)")] {
                let file = candidate.appendingPathComponent("presets.toml")
                if FileManager.default.fileExists(atPath: file.path) { return file }
            }
        }
        return nil
    }
}
