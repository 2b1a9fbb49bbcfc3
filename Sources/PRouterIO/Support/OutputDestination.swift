#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where an output path leads, decided before any work.
///
/// - A regular file, new or existing, is written atomically: a temporary file next to
///   it, renamed over it, with the existing file's mode and (where permitted) owner.
/// - A symbolic link is followed: its final target is what is replaced (a dangling
///   link's target is created), and the link stays.
/// - A character or block device, a FIFO or a socket, and `/dev/stdout`, `/dev/stderr`
///   and `/dev/fd/N`, are written straight into, never replaced.
enum OutputDestination: Equatable {
    /// Replace the regular file at `path` (symbolic links resolved); `keep` is the
    /// existing file's mode and owner.
    case file(path: String, keep: Ownership?)
    /// Write into the open descriptor that opening the path gives.
    case stream(path: String)

    struct Ownership: Equatable {
        var mode: mode_t
        var user: uid_t
        var group: gid_t
    }

    /// Links followed at most, as the kernel's own limit on resolution.
    static let maximumLinks = 40

    /// The destination of `path`.
    init(_ path: String) throws {
        if Self.inheritedDescriptor(path) != nil {
            self = .stream(path: path)
            return
        }
        var resolved = path
        var status = stat()
        var links = 0
        while lstat(resolved, &status) == 0, status.st_mode & S_IFMT == S_IFLNK {
            links += 1
            guard links <= Self.maximumLinks, let target = Self.readLink(resolved) else {
                throw FileError(path: path, message: "cannot create: too many levels of symbolic links", status: .cannotCreate)
            }
            resolved = target.hasPrefix("/") ? target : FileIO.directory(of: resolved) + "/" + target
        }
        guard lstat(resolved, &status) == 0 else {
            self = .file(path: resolved, keep: nil)
            return
        }
        switch status.st_mode & S_IFMT {
        case S_IFREG:
            self = .file(path: resolved, keep: Ownership(mode: status.st_mode & 0o7777, user: status.st_uid, group: status.st_gid))
        case S_IFDIR:
            throw FileError(path: path, message: "cannot create: is a directory", status: .cannotCreate)
        default:
            self = .stream(path: resolved)
        }
    }

    /// The descriptor `/dev/stdout`, `/dev/stderr`, `/dev/fd/N` or `/proc/self/fd/N` names.
    static func inheritedDescriptor(_ path: String) -> Int32? {
        switch path {
        case "/dev/stdout": return 1
        case "/dev/stderr": return 2
        default:
            for prefix in ["/dev/fd/", "/proc/self/fd/"] where path.hasPrefix(prefix) {
                return Int32(path.dropFirst(prefix.count))
            }
            return nil
        }
    }

    private static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Opens a stream destination for writing (a duplicate of an inherited descriptor).
    func openStream() throws -> Int32 {
        guard case .stream(let path) = self else { preconditionFailure("not a stream destination") }
        let fd = Self.inheritedDescriptor(path).map { fcntl($0, F_DUPFD_CLOEXEC, 0) } ?? open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError(path: path, message: "cannot open for writing: \(FileIO.errnoText())", status: .cannotCreate) }
        return fd
    }

    /// What identifies the destination among other paths: device and inode when it
    /// exists, else its resolved path.
    var identity: String {
        switch self {
        case .file(let path, _), .stream(let path):
            var status = stat()
            let found = Self.inheritedDescriptor(path).map { fstat($0, &status) } ?? stat(path, &status)
            return found == 0 ? Self.fileKey(status) : "path:" + path
        }
    }

    /// `device:inode`: what names one file whatever the path to it.
    static func fileKey(_ status: stat) -> String { "\(status.st_dev):\(status.st_ino)" }

    /// Whether the destination is a character device named by its path (such as
    /// /dev/null), which several outputs may share.
    var isCharacterDevice: Bool {
        guard case .stream(let path) = self, Self.inheritedDescriptor(path) == nil else { return false }
        var status = stat()
        return stat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFCHR
    }
}

extension FileIO {
    /// Refuses (exit 64), before any work, an output path given for two outputs or one
    /// that names one of the inputs (the same file, whatever the path). Character
    /// devices such as /dev/null may take several outputs; `-` is standard input or
    /// output, never a file; nil paths are options not given.
    public static func checkDistinct(outputs: [(option: String, path: String?)], inputs: [(option: String, path: String?)]) throws {
        var seen: [String: String] = [:]
        for case let (option, path?) in inputs where path != "-" {
            var status = stat()
            guard stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { continue }
            seen[OutputDestination.fileKey(status)] = "the input \(option) \(path)"
        }
        var written: [String: String] = [:]
        for case let (option, path?) in outputs where path != "-" {
            let destination = try OutputDestination(path)
            guard !destination.isCharacterDevice else { continue }
            if let input = seen[destination.identity] {
                throw UsageError("\(option) \(path) would replace \(input): give another output path")
            }
            if let other = written[destination.identity] {
                throw UsageError("\(option) \(path) is also the path of \(other): give each output its own path")
            }
            written[destination.identity] = "\(option) \(path)"
        }
    }
}
