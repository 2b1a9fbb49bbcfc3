/// Exit statuses from BSD `sysexits.h`, which every prouter tool uses so that
/// shell pipelines and cron jobs can tell a bad input from a bad invocation.
public enum ExitStatus: Int32, Sendable {
    case success = 0
    /// The command line was wrong (`EX_USAGE`).
    case usage = 64
    /// An input file had bad data: malformed JSON, a missing field, a corrupted graph (`EX_DATAERR`).
    case dataError = 65
    /// An input file could not be opened (`EX_NOINPUT`).
    case noInput = 66
    /// A service (a judge endpoint) is not there (`EX_UNAVAILABLE`).
    case unavailable = 69
    /// An output file could not be created (`EX_CANTCREAT`).
    case cannotCreate = 73
    /// Reading or writing failed part-way (`EX_IOERR`).
    case ioError = 74
    /// A remote service kept failing; running again later may succeed (`EX_TEMPFAIL`).
    case temporaryFailure = 75
    /// A remote service refused the credentials (`EX_NOPERM`).
    case noPermission = 77
}

/// An error every prouter tool reports as one line on stderr, exiting with `status`.
public protocol ToolError: Error, CustomStringConvertible {
    /// The process exit status this error maps to.
    var status: ExitStatus { get }
}

/// Where a record came from: a file name (or `<stdin>`) and a 1-based line number.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int

    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }

    public var description: String { "\(file):\(line)" }
}

/// Bad data in an input file, located to its line and, when known, its field:
/// `responses.jsonl:12: field "cost": expected a number >= 0, got "abc"`.
public struct DataError: ToolError, Equatable {
    public var location: SourceLocation?
    public var field: String?
    public var message: String

    public init(_ message: String, at location: SourceLocation? = nil, field: String? = nil) {
        self.location = location
        self.field = field
        self.message = message
    }

    public var status: ExitStatus { .dataError }

    public var description: String {
        var text = ""
        if let location { text += "\(location): " }
        if let field { text += "field \"\(field)\": " }
        return text + message
    }
}

extension DataError {
    /// Runs `body`, putting `file` (`-`: standard input) in front of the data errors it
    /// throws that name no file: "no interactions" about a whole input says which input.
    public static func naming<T>(_ file: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DataError where error.location == nil {
            throw DataError("\(FileIO.displayName(file)): \(error.description)")
        }
    }
}

/// A file that could not be opened, read, written or renamed.
public struct FileError: ToolError, Equatable {
    public var path: String
    public var message: String
    public var status: ExitStatus

    public init(path: String, message: String, status: ExitStatus) {
        self.path = path
        self.message = message
        self.status = status
    }

    public var description: String { "\(path): \(message)" }
}

/// A combination of options that cannot work together, found after argument parsing.
public struct UsageError: ToolError, Equatable {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var status: ExitStatus { .usage }
    public var description: String { message }
}

/// A remote service (a judge endpoint) that refused or kept failing, with the exit
/// status that tells a cron job what to do: 69 unavailable (wrong address), 75 try
/// again later, 77 bad credentials.
public struct ServiceError: ToolError, Equatable {
    public var message: String
    public var status: ExitStatus

    public init(_ message: String, status: ExitStatus) {
        self.message = message
        self.status = status
    }

    public var description: String { message }
}
