import Foundation
import XCTest

/// Runs the built `ghostchat` binary the way a script does: arguments, stdin, environment.
enum GhostchatProcess {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var stdoutLines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) }
    }

    static var binary: URL {
        // The test bundle sits in the build products directory, beside the executable.
        var url = Bundle(for: Marker.self).bundleURL
        while url.pathExtension == "xctest" || url.lastPathComponent == "Contents" || url.lastPathComponent == "MacOS" {
            url.deleteLastPathComponent()
        }
        return url.appendingPathComponent("ghostchat")
    }

    private final class Marker {}

    /// Runs with `GHOSTCHAT_DATA_DIR`/`GHOSTCHAT_CONFIG_DIR` inside `home`, never the real home.
    static func run(_ arguments: [String], input: String = "", home: URL, environment extra: [String: String] = [:]) throws -> Result {
        let raw = try runRaw(arguments, input: input, home: home, environment: extra)
        return Result(status: raw.status, stdout: String(decoding: raw.stdout, as: UTF8.self), stderr: raw.stderr)
    }

    /// `run` with stdout as the exact bytes written.
    static func runRaw(_ arguments: [String], input: String = "", home: URL, environment extra: [String: String] = [:]) throws
        -> (status: Int32, stdout: Data, stderr: String) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = home.path
        environment["GHOSTCHAT_DATA_DIR"] = home.appendingPathComponent("data").path
        environment["GHOSTCHAT_CONFIG_DIR"] = home.appendingPathComponent("config").path
        environment.merge(extra) { _, new in new }
        process.environment = environment
        let stdin = Pipe(), out = Pipe(), err = Pipe()
        process.standardInput = stdin
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Drain both pipes while feeding stdin so no side blocks on a full buffer.
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data(), errData = Data()
        DispatchQueue.global().async(group: group) { outData = out.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { errData = err.fileHandleForReading.readDataToEndOfFile() }
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        group.wait()
        process.waitUntilExit()
        return (process.terminationStatus, outData, String(decoding: errData, as: UTF8.self))
    }
}
