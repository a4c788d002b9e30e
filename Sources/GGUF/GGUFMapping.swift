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
    /// True when `base` is a heap copy (see `init(copying:path:)`) rather than an mmap.
    private let isHeapCopy: Bool

    /// Maps `path`. Throws a `GGUFError` naming the file if it cannot be opened or mapped.
    public init(path: String) throws {
        self.path = path
        // O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused below).
        guard !path.isEmpty else { throw GGUFError(path: path, reason: "cannot open: no file name given") }
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            throw GGUFError(path: path, reason: "cannot open: \(Self.lastError())")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw GGUFError(path: path, reason: "cannot open: \(Self.lastError())")
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw GGUFError(path: path, reason: "is a directory, not a GGUF file")
        default: throw GGUFError(path: path, reason: "not a regular file")
        }
        count = Int(info.st_size)
        guard count > 0 else {
            throw GGUFError(path: path, reason: "file is empty")
        }
        guard let pointer = mmap(nil, count, PROT_READ, MAP_PRIVATE, fd, 0), pointer != MAP_FAILED else {
            throw GGUFError(path: path, reason: "cannot map file: \(Self.lastError())")
        }
        base = UnsafeRawPointer(pointer)
        isHeapCopy = false
    }

    /// A copy of `bytes` on the heap, read as if it were the file `path`.
    ///
    /// For the fuzzer and tests: unlike a mapping, whose last page runs past the end of the
    /// file, a heap block ends exactly at `count`, so AddressSanitizer sees any read past
    /// the end of the "file".
    public init(copying bytes: UnsafeRawBufferPointer, path: String) throws {
        guard !bytes.isEmpty else { throw GGUFError(path: path, reason: "file is empty") }
        let copy = UnsafeMutableRawPointer.allocate(byteCount: bytes.count, alignment: 64)
        copy.copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
        self.path = path
        self.base = UnsafeRawPointer(copy)
        self.count = bytes.count
        self.isHeapCopy = true
    }

    deinit {
        if isHeapCopy {
            UnsafeMutableRawPointer(mutating: base).deallocate()
        } else {
            munmap(UnsafeMutableRawPointer(mutating: base), count)
        }
    }

    /// Asks the kernel to start reading `count` bytes at `offset` ahead of use. The range is
    /// clipped to the file.
    public func prefetch(offset: Int, count: Int) {
        guard !isHeapCopy else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        guard offset >= 0, offset < self.count, count > 0, page > 0 else { return }
        let end = offset + min(count, self.count - offset)
        let start = offset - offset % page
        madvise(UnsafeMutableRawPointer(mutating: base + start), end - start, MADV_WILLNEED)
    }

    static func lastError() -> String {
        String(cString: strerror(errno)).lowercased()
    }
}
