#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Plain POSIX file helpers: whole-file reads and atomic writes.
public enum FileIO {
    /// The bytes of the file at `path`.
    public static func readAll(path: String) throws -> [UInt8] {
        let fd = try openInput(path)
        defer { close(fd) }
        return try readAll(fd: fd, name: path)
    }

    /// Everything readable from `fd` until end of file, read straight into one buffer
    /// sized from `fstat` (grown by doubling if the file grows meanwhile or is a pipe).
    public static func readAll(fd: Int32, name: String) throws -> [UInt8] {
        var status = stat()
        var capacity = max(fstat(fd, &status) == 0 ? Int(status.st_size) : 0, 1 << 16) + 1
        var bytes: [UInt8] = []
        while true {
            var failure: Int32?
            var ended = false
            // Reads into the array's spare capacity, which needs no zero-filling.
            bytes = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
                preferHugePages(buffer.baseAddress, count: buffer.count)
                let start = bytes.count
                bytes.withUnsafeBytes { UnsafeMutableRawBufferPointer(buffer).copyMemory(from: $0) }
                initialized = start
                while initialized < buffer.count {
                    let n = read(fd, buffer.baseAddress! + initialized, buffer.count - initialized)
                    if n < 0, errno == EINTR { continue }
                    if n < 0 { failure = errno; return }
                    if n == 0 { ended = true; return }
                    initialized += n
                }
            }
            if let failure {
                throw FileError(path: name, message: "read failed: \(String(cString: strerror(failure)))", status: .ioError)
            }
            if ended { return bytes }
            capacity *= 2
        }
    }

    /// Writes `bytes` to `path` atomically: a temporary file in the same directory is
    /// written, flushed to disk and renamed over `path`, so readers see either the old
    /// file or the complete new one, never a torn write. A device, FIFO or socket is
    /// written into instead (``OutputDestination``).
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let (temp, fd, target) = try createTemporary(for: path)
        var failure = writeAll(bytes, to: fd)
        if failure == nil, temp != nil, fsync(fd) != 0 { failure = "fsync failed: \(errnoText())" }
        close(fd)
        if failure == nil, let temp, rename(temp, target) != 0 { failure = "rename failed: \(errnoText())" }
        if let failure {
            if let temp { unlink(temp) }
            throw FileError(path: path, message: failure, status: .ioError)
        }
    }

    /// Writes every byte to `fd`; the failure as text, if any.
    static func writeAll(_ bytes: [UInt8], to fd: Int32) -> String? {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return "write failed: \(errnoText())"
                }
                offset += n
            }
            return nil
        }
    }

    /// A descriptor of the regular file (or pipe) at `path`, opened for reading: a missing
    /// file or a directory is exit status 66.
    public static func openInput(_ path: String) throws -> Int32 {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw FileError(path: path, message: "cannot open: \(errnoText())", status: .noInput)
        }
        var status = stat()
        if fstat(fd, &status) == 0, status.st_mode & S_IFMT == S_IFDIR {
            close(fd)
            throw FileError(path: path, message: "cannot open: is a directory", status: .noInput)
        }
        return fd
    }

    /// The suffix of temporary files, before the writer's process id: `TARGET.tmp.PID`.
    static let temporarySuffix = ".tmp."

    /// How messages name the input at `path`: `<stdin>` for `-`, else the path.
    public static func displayName(_ path: String) -> String {
        path == "-" ? "<stdin>" : path
    }

    /// Checks, before any work, that `path` can be written: a non-empty name, not a
    /// directory, in an existing writable directory, or a device, FIFO or socket that
    /// can be opened for writing (exit status 73 otherwise). Also removes the temporary
    /// files `path.tmp.PID` that writers killed before renaming left behind (their
    /// process no longer exists).
    public static func checkOutput(_ path: String) throws {
        _ = try checkedDestination(path)
    }

    /// ``checkOutput(_:)``, returning where `path` leads.
    private static func checkedDestination(_ path: String) throws -> OutputDestination {
        guard !path.isEmpty else {
            throw FileError(path: "''", message: "cannot create: empty file name", status: .cannotCreate)
        }
        let destination = try OutputDestination(path)
        switch destination {
        case .stream(let target):
            guard OutputDestination.inheritedDescriptor(target) != nil || access(target, W_OK) == 0 else {
                throw FileError(path: path, message: "cannot open for writing: \(errnoText())", status: .cannotCreate)
            }
        case .file(let target, _):
            guard access(Self.directory(of: target), W_OK) == 0 else {
                throw FileError(path: path, message: "cannot create: \(errnoText())", status: .cannotCreate)
            }
            removeStaleTemporaries(of: target)
        }
        return destination
    }

    /// Opens the output `path` (after ``checkOutput(_:)``): for a file, a new temporary
    /// file next to its target (symbolic links resolved) with the target's mode and, where
    /// permitted, owner; for a device, FIFO or socket, the destination itself (no
    /// temporary: `temp` is nil).
    static func createTemporary(for path: String) throws -> (temp: String?, fd: Int32, target: String) {
        let destination = try checkedDestination(path)
        guard case .file(let target, let keep) = destination else {
            return (nil, try destination.openStream(), path)
        }
        let temp = target + temporarySuffix + String(getpid())
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, keep?.mode ?? 0o644)
        guard fd >= 0 else {
            throw FileError(path: path, message: "cannot create: \(errnoText())", status: .cannotCreate)
        }
        if let keep {
            _ = fchmod(fd, keep.mode)
            _ = fchown(fd, keep.user, keep.group)  // permitted for root, or to change the group to one's own
        }
        return (temp, fd, target)
    }

    /// Removes `path.tmp.PID` files whose writer process is gone.
    static func removeStaleTemporaries(of path: String) {
        let directory = Self.directory(of: path)
        let prefix = String(path.split(separator: "/", omittingEmptySubsequences: false).last!) + temporarySuffix
        guard let stream = opendir(directory) else { return }
        defer { closedir(stream) }
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard name.hasPrefix(prefix), let pid = Int32(name.dropFirst(prefix.count)), pid > 0, pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { unlink(directory + "/" + name) }
        }
    }

    /// What tells one version of the file at `path` from another: its size, modification
    /// time and inode, as text, for stamps that record work done on that very version.
    package static func version(of path: String) throws -> String {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw FileError(path: path, message: "cannot open: \(errnoText())", status: .noInput)
        }
        return "\(status.st_size) \(status.st_mtim.tv_sec).\(status.st_mtim.tv_nsec) \(status.st_ino)"
    }

    /// The directory part of `path` (`.` for a bare name).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The current `errno` as text.
    public static func errnoText() -> String {
        String(cString: strerror(errno))
    }
}

extension FileIO {
    /// Asks the kernel to back the 2 MiB-aligned interior of a freshly allocated block of
    /// `count` bytes at `start` with transparent huge pages (where the system allows them
    /// on request), before its first write: filling a block of hundreds of megabytes then
    /// costs hundreds of page faults instead of tens of thousands.
    static func preferHugePages(_ start: UnsafeMutableRawPointer?, count: Int) {
        #if canImport(Glibc)
        let huge = 2 << 20
        guard let start, count >= 2 * huge else { return }
        let first = (Int(bitPattern: start) + huge - 1) & ~(huge - 1)
        let end = (Int(bitPattern: start) + count) & ~(huge - 1)
        guard end > first else { return }
        _ = madvise(UnsafeMutableRawPointer(bitPattern: first), end - first, MADV_HUGEPAGE)
        #endif
    }
}
