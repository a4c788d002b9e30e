import Foundation

/// Where ghostchat keeps its files, following the XDG base-directory spec.
///
/// `GHOSTCHAT_DATA_DIR` / `GHOSTCHAT_CONFIG_DIR` override everything, so tests and scripts can
/// point ghostchat at a scratch directory and never touch the real home.
public enum ChatPaths {
    public static func dataDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let dir = environment["GHOSTCHAT_DATA_DIR"], !dir.isEmpty { return URL(fileURLWithPath: dir) }
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") {
            return URL(fileURLWithPath: xdg).appendingPathComponent("ghostchat")
        }
        return home(environment).appendingPathComponent(".local/share/ghostchat")
    }

    public static func configDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let dir = environment["GHOSTCHAT_CONFIG_DIR"], !dir.isEmpty { return URL(fileURLWithPath: dir) }
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") {
            return URL(fileURLWithPath: xdg).appendingPathComponent("ghostchat")
        }
        return home(environment).appendingPathComponent(".config/ghostchat")
    }

    public static func userPresetsFile(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        configDirectory(environment: environment).appendingPathComponent("presets.toml")
    }

    /// `config.toml`: the model, theme and chat defaults (see `UserConfig`).
    public static func configFile(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        configDirectory(environment: environment).appendingPathComponent("config.toml")
    }

    /// `path` with a leading `~` replaced by `$HOME` (not the password file's home, so a
    /// changed `HOME` is honoured as the shell does).
    public static func expandingTilde(_ path: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        return home(environment).path + path.dropFirst()
    }

    private static func home(_ environment: [String: String]) -> URL {
        URL(fileURLWithPath: environment["HOME"] ?? NSHomeDirectory())
    }
}
