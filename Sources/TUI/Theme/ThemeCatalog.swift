import Foundation

/// Finds themes by name. Search order: `$GHOSTCHAT_THEMES_DIR`, the user's
/// `$XDG_CONFIG_HOME/ghostchat/themes` (or `~/.config/…`), the `themes/` directory shipped
/// next to the package (found by walking up from the executable), then the built-ins.
public struct ThemeCatalog: Sendable {
    public var directories: [URL]

    public init(directories: [URL]) {
        self.directories = directories
    }

    /// The standard search path for this process.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment,
                                executablePath: String = CommandLine.arguments.first ?? "") -> ThemeCatalog {
        var directories: [URL] = []
        if let dir = environment["GHOSTCHAT_THEMES_DIR"], !dir.isEmpty {
            directories.append(URL(fileURLWithPath: dir, isDirectory: true))
        }
        if let config = environment["XDG_CONFIG_HOME"], !config.isEmpty {
            directories.append(URL(fileURLWithPath: config).appendingPathComponent("ghostchat/themes", isDirectory: true))
        } else if let home = environment["HOME"], !home.isEmpty {
            directories.append(URL(fileURLWithPath: home).appendingPathComponent(".config/ghostchat/themes", isDirectory: true))
        }
        if let shipped = shippedThemesDirectory(executablePath: executablePath) { directories.append(shipped) }
        return ThemeCatalog(directories: directories)
    }

    /// Walks up from the (symlink-resolved) executable looking for a `themes` directory
    /// holding `dark.toml`: finds the package's copy from `.build/release/ghostchat`, or an
    /// installed `share/ghostchat/themes`.
    static func shippedThemesDirectory(executablePath: String) -> URL? {
        guard !executablePath.isEmpty else { return nil }
        var path = executablePath
        if !path.contains("/") {
            // Invoked through PATH: /proc knows the real file.
            path = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? path
        }
        var directory = URL(fileURLWithPath: path).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<8 {
            for candidate in ["themes", "share/ghostchat/themes"] {
                let url = directory.appendingPathComponent(candidate, isDirectory: true)
                if FileManager.default.fileExists(atPath: url.appendingPathComponent("dark.toml").path) { return url }
            }
            let parent = directory.deletingLastPathComponent()
            if parent.path == directory.path { break }
            directory = parent
        }
        return nil
    }

    /// Every theme name available, sorted, built-ins included.
    public func names() -> [String] {
        var names = Set(BuiltinThemes.all.keys)
        for directory in directories {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            for file in files where file.hasSuffix(".toml") { names.insert(String(file.dropLast(5))) }
        }
        return names.sorted()
    }

    /// Loads a theme by name (first match on the search path) or from a `.toml` path.
    public func load(_ name: String) throws -> Theme {
        if name.hasSuffix(".toml"), name.contains("/") {
            return try read(URL(fileURLWithPath: name), name: URL(fileURLWithPath: name).deletingPathExtension().lastPathComponent)
        }
        guard !name.isEmpty, !name.contains("/"), !name.hasPrefix(".") else {
            throw Theme.LoadError(message: "'\(name)' is not a theme name")
        }
        for directory in directories {
            let url = directory.appendingPathComponent(name + ".toml")
            if FileManager.default.fileExists(atPath: url.path) { return try read(url, name: name) }
        }
        if let text = BuiltinThemes.all[name] { return try Theme(toml: text, fallbackName: name) }
        throw Theme.LoadError(message: "no theme '\(name)' (available: \(names().joined(separator: ", ")))")
    }

    private func read(_ url: URL, name: String) throws -> Theme {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw Theme.LoadError(message: "cannot read \(url.path): \(error.localizedDescription)")
        }
        return try Theme(toml: text, fallbackName: name)
    }
}
