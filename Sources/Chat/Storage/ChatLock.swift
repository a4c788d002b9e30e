import Foundation

/// Holds one stored chat for this process, so a second ghostchat cannot write the same
/// messages (each would number its turns from the same point, and one would lose them).
///
/// An exclusive `flock` on `<data dir>/locks/<id>.lock`, which holds the owner's process id.
/// The kernel drops it when the process ends however it ends; this object drops it when it
/// is released (the chat closed, `/load` or `/clear` moved on).
public final class ChatLock {
    private let descriptor: Int32

    init(descriptor: Int32) { self.descriptor = descriptor }

    deinit { close(descriptor) }
}

extension SessionStore {
    /// Takes chat `id` for this process, or throws a one-line error naming the process that
    /// has it and how to continue a copy instead.
    public func lock(chat id: String) throws -> ChatLock {
        let folder = url.deletingLastPathComponent().appendingPathComponent("locks")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw ChatError("cannot create \(folder.path): \(error.localizedDescription)")
        }
        let path = folder.appendingPathComponent(id + ".lock").path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ChatError("cannot open \(path): \(String(cString: strerror(errno)))") }
        var result: Int32
        repeat { result = flock(fd, LOCK_EX | LOCK_NB) } while result != 0 && errno == EINTR
        guard result == 0 else {
            var buffer = [UInt8](repeating: 0, count: 24)
            let count = pread(fd, &buffer, buffer.count, 0)
            close(fd)
            let owner = count > 0 ? Int(String(decoding: buffer.prefix(count), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) : nil
            throw ChatError("chat \(id.prefix(8)) is open in another ghostchat\(owner.map { " (process \($0))" } ?? ""): "
                + "close it there, or continue a copy with: ghostchat chat --resume \(id.prefix(8)) --copy")
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pwrite(fd, pid, pid.count, 0)
        return ChatLock(descriptor: fd)
    }
}
