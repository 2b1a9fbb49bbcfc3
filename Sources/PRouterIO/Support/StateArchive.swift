/// A computed value's state flattened to two plain arrays, real numbers and counts, so
/// that a file can store what took long to compute (the anchored model's tables) and a
/// reader can restore it exactly: every `Float` and `Double` round-trips bit for bit.
///
/// Values write themselves in a fixed order and read themselves back in the same order
/// through ``StateArchive/Reader``, which fails (instead of trapping) on a short or
/// inconsistent archive.
package struct StateArchive: Equatable {
    package var reals: [Double] = []
    package var counts: [UInt32] = []

    /// An empty archive, or the arrays a file stored.
    package init(reals: [Double] = [], counts: [UInt32] = []) {
        self.reals = reals
        self.counts = counts
    }

    package mutating func append(_ value: Double) { reals.append(value) }
    package mutating func append<S: Sequence>(reals values: S) where S.Element == Double { reals.append(contentsOf: values) }
    package mutating func append<S: Sequence>(reals values: S) where S.Element == Float { reals.append(contentsOf: values.lazy.map(Double.init)) }
    package mutating func append(count value: Int) { counts.append(UInt32(truncatingIfNeeded: value)) }

    /// Reads an archive back, in the order it was written.
    package struct Reader {
        private let archive: StateArchive
        private var real = 0
        private var count = 0
        /// What a failure names: `"FILE: corrupted: WHAT"`.
        private let name: String

        package init(_ archive: StateArchive, name: String) {
            self.archive = archive
            self.name = name
        }

        package func corrupted() -> DataError { DataError("\(name): corrupted") }

        package mutating func next() throws -> Double {
            guard real < archive.reals.count else { throw corrupted() }
            defer { real += 1 }
            return archive.reals[real]
        }

        package mutating func reals(_ n: Int) throws -> ArraySlice<Double> {
            guard n >= 0, n <= archive.reals.count - real else { throw corrupted() }
            defer { real += n }
            return archive.reals[real..<real + n]
        }

        package mutating func floats(_ n: Int) throws -> [Float] { try reals(n).map { Float($0) } }

        /// The next count, at most `limit`.
        package mutating func count(atMost limit: Int = Int(Int32.max)) throws -> Int {
            guard count < archive.counts.count, Int(archive.counts[count]) <= limit else { throw corrupted() }
            defer { count += 1 }
            return Int(archive.counts[count])
        }

        /// Fails unless everything was read.
        package func finish() throws {
            guard real == archive.reals.count, count == archive.counts.count else { throw corrupted() }
        }
    }
}
