#if canImport(Glibc)
import Glibc
#endif
import CJansson
import Dispatch

extension JSONLReader {
    /// Lines per batch decoded in parallel.
    package static let batchSize = 8192

    /// Decodes the records with `decode` on all cores, a batch of lines at a time, and
    /// calls `body` with each decoded value in input order. The first bad line in input
    /// order is the one reported, as with ``forEach(skippingBadLines:_:)``; with `skip`, a
    /// line that `decode` or `body` rejects with a ``DataError`` is handed to `skip` instead.
    /// `whenIdle` is called before waiting for input that has not arrived yet, once every
    /// line read so far has gone to `body` (a pipe's reader can then act on what came).
    public func forEachDecoded<T>(skippingBadLines skip: ((DataError) -> Void)? = nil, whenIdle: () throws -> Void = {},
                                  _ decode: @escaping @Sendable (JSONRecord) throws -> T,
                                  _ body: (T) throws -> Void) throws {
        Self.seedHashOnce
        var batch = LineBatch()
        let workers = max(1, min(System.activeProcessorCount, 8))
        func deliver(_ batch: LineBatch) throws {
            for result in Self.decode(batch, name: name, workers: workers, decode) {
                do {
                    try body(result.get())
                } catch let error as DataError where skip != nil {
                    skip!(error)
                }
            }
        }
        func idle() throws {
            if batch.count > 0 {
                try deliver(batch)
                batch = LineBatch()
            }
            try whenIdle()
        }
        try forEachLine(whenIdle: idle) { bytes, line in
            batch.append(bytes, line: line)
            if batch.count == Self.batchSize {
                try deliver(batch)
                batch = LineBatch()
            }
        }
        if batch.count > 0 { try deliver(batch) }
    }

    /// jansson seeds its object hash function on first use; doing it before any thread
    /// starts keeps parsing thread-safe.
    private static let seedHashOnce: Void = { json_object_seed(0) }()

    private static func decode<T>(_ batch: LineBatch, name: String, workers: Int,
                                  _ decode: @escaping @Sendable (JSONRecord) throws -> T) -> [Result<T, Error>] {
        let results = ResultSlots<Result<T, Error>>(count: batch.count)
        let chunk = (batch.count + workers - 1) / workers
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let range = worker * chunk..<min(batch.count, (worker + 1) * chunk)
            for index in range {
                results.set(index, Result {
                    var value: T?
                    try batch.withLine(index) { bytes, line in
                        try parseObject(bytes, at: SourceLocation(file: name, line: line)) { value = try decode($0) }
                    }
                    return value!
                })
            }
        }
        return results.values
    }
}

/// Lines copied into one buffer, with their line numbers.
struct LineBatch: @unchecked Sendable {
    private var bytes: [UInt8] = []
    private var starts: [Int] = [0]
    private var lines: [Int] = []

    var count: Int { lines.count }

    mutating func append(_ line: UnsafeRawBufferPointer, line number: Int) {
        bytes.append(contentsOf: line)
        starts.append(bytes.count)
        lines.append(number)
    }

    func withLine<R>(_ index: Int, _ body: (UnsafeRawBufferPointer, Int) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes { raw in
            try body(UnsafeRawBufferPointer(rebasing: raw[starts[index]..<starts[index + 1]]), lines[index])
        }
    }
}

/// One result slot per work item (a line, a chunk), written by exactly one worker each. The slots live in one
/// buffer allocated up front: an array's `withUnsafeMutableBufferPointer` moves the array
/// out during the call, so concurrent calls on a shared array would race.
package final class ResultSlots<T>: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<T?>

    package init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }

    deinit {
        slots.deinitialize()
        slots.deallocate()
    }

    package func set(_ index: Int, _ value: T) {
        slots[index] = value
    }

    package var values: [T] { slots.map { $0! } }
}

/// The number of processors available to this process.
package enum System {
    package static var activeProcessorCount: Int {
        #if canImport(Glibc)
        return Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        #else
        return 1
        #endif
    }
}
