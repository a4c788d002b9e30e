import Foundation
import XCTest

/// A real, tiny file system (tmpfs) mounted for one test, to run out of space for real.
/// Needs root (CI runs as root); elsewhere the test is skipped with the reason.
final class TinyDisk {
    let mountPoint: URL
    private var filler: URL { mountPoint.appendingPathComponent("filler") }

    init(_ test: XCTestCase, kilobytes: Int, readOnly: Bool = false) throws {
        mountPoint = try temporaryDirectory(test).appendingPathComponent("disk")
        try FileManager.default.createDirectory(at: mountPoint, withIntermediateDirectories: true)
        let options = "size=\(kilobytes)k,mode=0755" + (readOnly ? ",ro" : "")
        let (status, output) = Self.run("/bin/mount", ["-t", "tmpfs", "-o", options, "ghostchat-test", mountPoint.path])
        guard status == 0 else { throw XCTSkip("cannot mount a tmpfs here (\(output.trimmingCharacters(in: .whitespacesAndNewlines))); these tests need root") }
        let point = mountPoint
        // Runs before the scratch directory's removal (teardown blocks run last-in first-out).
        test.addTeardownBlock { _ = Self.run("/bin/umount", ["-l", point.path]) }
    }

    /// Writes a file until the disk is full; returns the bytes it took.
    @discardableResult
    func fill() -> Int {
        let fd = open(filler.path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        let chunk = [UInt8](repeating: 0x2E, count: 4096)
        var total = 0
        // Whole pages first, then single bytes for the last partial page.
        for size in [4096, 512, 1] {
            while true {
                let n = chunk.withUnsafeBytes { write(fd, $0.baseAddress!, size) }
                if n <= 0 { break }
                total += n
            }
        }
        return total
    }

    func free() { unlink(filler.path) }

    static func run(_ path: String, _ arguments: [String]) -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch { return (-1, "\(error)") }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}
