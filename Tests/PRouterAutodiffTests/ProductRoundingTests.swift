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
