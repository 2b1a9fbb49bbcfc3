import Testing
import PRouterAutodiff

/// `BLAS.gemm` accumulates in double precision and rounds once, so its float results do
/// not depend on OpenBLAS's kernels, blocking or thread count (training that amplifies
/// rounding gives the same weights on every CPU).
struct ProductRoundingTests {
    static func matrix(_ rows: Int, _ cols: Int, seed: UInt64) -> Matrix {
        var generator = SplitMix64(seed: seed)
        return Matrix(rows: rows, cols: cols, data: (0..<rows * cols).map { _ in Float(generator.unit() * 2 - 1) })
    }

    /// Each element summed in double, in index order, then rounded to float once.
    static func reference(_ a: Matrix, _ b: Matrix) -> Matrix {
        var c = Matrix(rows: a.rows, cols: b.cols)
        for row in 0..<a.rows {
            for col in 0..<b.cols {
                var sum = 0.0
                for index in 0..<a.cols { sum += Double(a[row, index]) * Double(b[index, col]) }
                c[row, col] = Float(sum)
            }
        }
        return c
    }

    @Test(arguments: [(1, 1, 1), (7, 300, 5), (130, 64, 33), (257, 17, 64)])
    func productIsTheOnceRoundedSum(shape: (Int, Int, Int)) {
        let a = Self.matrix(shape.0, shape.1, seed: 3), b = Self.matrix(shape.1, shape.2, seed: 4)
        #expect(BLAS.product(a, b) == Self.reference(a, b))
        // Transposed operands give the same bits.
        let aT = BLAS.product(a, transposeA: true, Self.identity(a.rows))
        let bT = BLAS.product(b, transposeA: true, Self.identity(b.rows))
        #expect(BLAS.product(aT, transposeA: true, bT, transposeB: true) == Self.reference(a, b))
    }

    @Test func aRowsProductDoesNotDependOnTheOtherRows() {
        let a = Self.matrix(96, 48, seed: 5), b = Self.matrix(48, 40, seed: 6)
        let whole = BLAS.product(a, b)
        let part = BLAS.product(Matrix(rows: 5, cols: 48, data: Array(a.data[40 * 48..<45 * 48])), b)
        #expect(part.data == Array(whole.data[40 * 40..<45 * 40]))
        #expect(BLAS.withThreads(2) { BLAS.product(a, b) } == whole)
        // The row-at-a-time product rounds the same sums once, too.
        #expect(BLAS.rowStableProduct(a, b) == whole)
        #expect(BLAS.rowStableProduct(a, BLAS.product(b, transposeA: true, Self.identity(b.rows)), transposeB: true) == whole)
    }

    @Test func accumulatesIntoTheOutputWhenAsked() {
        let a = Self.matrix(9, 11, seed: 7), b = Self.matrix(11, 6, seed: 8)
        var c = Self.matrix(9, 6, seed: 9)
        let start = c
        BLAS.gemm(a, b, alpha: 0.5, beta: 2, into: &c)
        let product = Self.reference(a, b)
        for index in c.data.indices {
            #expect(abs(c.data[index] - (2 * start.data[index] + 0.5 * product.data[index])) <= 1e-6)
        }
    }

    static func identity(_ size: Int) -> Matrix {
        var matrix = Matrix(rows: size, cols: size)
        for index in 0..<size { matrix[index, index] = 1 }
        return matrix
    }
}

/// ``ProductRounding`` gives every summation order's sum the same float: a sum computed
/// differently (here: moved by a few units in its last place, as another kernel's order
/// moves it) rounds alike, also where the exact sum is a float rounding boundary.
struct OrderIndependentRoundingTests {
    /// `narrow` of the `m x n` product of row-major `a` (`m x k`) and `b` (`k x n`) from
    /// the sums `c`.
    static func narrowed(_ c: [Double], _ a: [Double], _ b: [Double], m: Int, n: Int, k: Int,
                         offset: [Double]? = nil) -> [Float] {
        var out = [Float](repeating: .nan, count: m * n)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                let bias = offset ?? []
                bias.withUnsafeBufferPointer { bias in
                    ProductRounding.narrow(c, shape: (m, n, k), .init(a.baseAddress!, leading: k), .init(b.baseAddress!, leading: n),
                                           offset: offset == nil ? nil : (bias.baseAddress!, 0), into: &out, stride: n)
                }
            }
        }
        return out
    }

    @Test func aSumOnABoundaryRoundsAlikeInEveryOrder() {
        // 1 + 2⁻²⁴ is the midpoint between the floats 1 and 1 + 2⁻²³: its double sum
        // rounds to 1 (to even), the same sum one unit above to 1 + 2⁻²³.
        let a: [Double] = [1, 0x1p-24], b: [Double] = [1, 1]
        let exact = 1 + 0x1p-24
        #expect(Float(exact) != Float(exact.nextUp))
        let results = [exact, exact.nextUp, exact.nextDown, exact.nextUp.nextUp].map { Self.narrowed([$0], a, b, m: 1, n: 1, k: 2) }
        #expect(results.allSatisfy { $0 == results[0] })
        // In a row of five, the boundary sum is among the four rounded side by side.
        let row: [Double] = [0.5, 0.25, 1, 0.75, 2, 0, 0, 1, 0, 0]
        let sums = [0.5, 0.25, exact, 0.75, 2]
        var moved = sums
        moved[2] = exact.nextUp
        #expect(Self.narrowed(sums, a, row, m: 1, n: 5, k: 2) == Self.narrowed(moved, a, row, m: 1, n: 5, k: 2))
        #expect(Self.narrowed(sums, a, row, m: 1, n: 5, k: 2)[2] == results[0][0])
        // A bias added to the sum is part of it.
        let biased = [exact + 2, (exact + 2).nextUp].map { Self.narrowed([$0], a, b, m: 1, n: 1, k: 2, offset: [2]) }
        #expect(biased[0] == biased[1] && biased[0] == [Float(1 + 0x1p-24 + 2)])
    }

    @Test func sumsInAnyOrderRoundAlike() {
        var generator = SplitMix64(seed: 17)
        let (m, n, k) = (40, 30, 200)
        let a = (0..<m * k).map { _ in Double(Float(generator.unit() * 2 - 1)) }
        let b = (0..<k * n).map { _ in Double(Float(generator.unit() * 2 - 1)) }
        func sums(reversed: Bool) -> [Double] {
            (0..<m * n).map { index in
                let terms = (0..<k).map { a[index / n * k + $0] * b[$0 * n + index % n] }
                return (reversed ? terms.reversed() : terms).reduce(0, +)
            }
        }
        let forward = sums(reversed: false), backward = sums(reversed: true)
        #expect(forward != backward)  // the orders differ in double
        // Every sum moved by up to 3 units in its last place too.
        let moved = forward.enumerated().map { index, sum in
            (0..<index % 4).reduce(sum) { value, _ in index % 2 == 0 ? value.nextUp : value.nextDown }
        }
        let reference = Self.narrowed(forward, a, b, m: m, n: n, k: k)
        #expect(Self.narrowed(backward, a, b, m: m, n: n, k: k) == reference)
        #expect(Self.narrowed(moved, a, b, m: m, n: n, k: k) == reference)
        #expect(zip(reference, forward).allSatisfy { $0 == Float($1) || abs(Double($0) - $1) < 1e-6 })
    }
}
