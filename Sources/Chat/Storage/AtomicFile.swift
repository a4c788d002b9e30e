import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes files so that a reader sees the old content or the new, never half of it, and so
/// that nobody else can read a transcript (mode 0600 from creation, not chmod afterwards).
enum AtomicFile {
    static func write(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        removeAbandonedTemporaries(of: url)
        let temp = directory.appendingPathComponent("\(temporaryPrefix(of: url))\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp")
        let fd = open(temp.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ChatError("cannot write \(url.path): \(String(cString: strerror(errno)))") }
        var ok = data.withUnsafeBytes { raw -> Bool in
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 { if errno == EINTR { continue }; return false }
                offset += n
            }
            return true
        }
        var failure = ok ? 0 : errno
        if ok, fsync(fd) != 0 { ok = false; failure = errno }
        // A full disk can surface only at close on some file systems (NFS, quotas).
        if close(fd) != 0, ok { ok = false; failure = errno }
        if ok, rename(temp.path, url.path) != 0 { ok = false; failure = errno }
        guard ok else {
            unlink(temp.path)
            throw ChatError("cannot write \(url.path): \(String(cString: strerror(failure)))")
        }
        // The rename itself must reach the disk for the new file to survive a power cut.
        let dirfd = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirfd >= 0 { fsync(dirfd); close(dirfd) }
    }

    /// ".chat.json." — temporaries of `url` are this, the writer's pid, a random number, ".tmp".
    static func temporaryPrefix(of url: URL) -> String { ".\(url.lastPathComponent)." }

    /// Deletes temporaries of `url` left by writers that were killed mid-write (their pid is
    /// gone). A live writer's file is never touched.
    static func removeAbandonedTemporaries(of url: URL) {
        let directory = url.deletingLastPathComponent()
        let prefix = temporaryPrefix(of: url)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return }
        for name in names where name.hasPrefix(prefix) && name.hasSuffix(".tmp") {
            let parts = name.dropFirst(prefix.count).dropLast(4).split(separator: ".")
            guard parts.count == 2, let pid = pid_t(parts[0]), UInt32(parts[1]) != nil else { continue }
            if pid != getpid(), kill(pid, 0) != 0, errno == ESRCH {
                unlink(directory.appendingPathComponent(name).path)
            }
        }
    }
}
