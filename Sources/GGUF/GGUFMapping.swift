#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole file mapped read-only into memory. Pages are loaded by the kernel when touched,
/// so opening a 40 GB model costs nothing until its weights are used.
public final class GGUFMapping: @unchecked Sendable {
    /// Path the mapping was made from (for error messages).
    public let path: String
    /// First byte of the file.
    public let base: UnsafeRawPointer
    /// Size of the file in bytes.
    public let count: Int

    /// Maps `path`. Throws a `GGUFError` naming the file if it cannot be opened or mapped.
    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw GGUFError(path: path, reason: String(cString: strerror(errno)).lowercased())
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw GGUFError(path: path, reason: String(cString: strerror(errno)).lowercased())
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw GGUFError(path: path, reason: "not a regular file")
        }
        count = Int(info.st_size)
        guard count > 0 else {
            throw GGUFError(path: path, reason: "file is empty")
        }
        guard let pointer = mmap(nil, count, PROT_READ, MAP_PRIVATE, fd, 0), pointer != MAP_FAILED else {
            throw GGUFError(path: path, reason: "cannot map file: \(String(cString: strerror(errno)))")
        }
        base = UnsafeRawPointer(pointer)
    }

    deinit {
        munmap(UnsafeMutableRawPointer(mutating: base), count)
    }

    /// Asks the kernel to start reading `range` ahead of use.
    public func prefetch(offset: Int, count: Int) {
        let page = 4096
        let start = offset & ~(page - 1)
        madvise(UnsafeMutableRawPointer(mutating: base + start), count + (offset - start), MADV_WILLNEED)
    }
}
