import COpenBLAS

/// A dense, row-major float32 matrix: the only tensor shape the models need.
public struct Matrix: Sendable, Equatable {
    public var rows: Int
    public var cols: Int
    public var data: [Float]

    public init(rows: Int, cols: Int, repeating value: Float = 0) {
        self.rows = rows
        self.cols = cols
        data = [Float](repeating: value, count: rows * cols)
    }

    public init(rows: Int, cols: Int, data: [Float]) {
        precondition(data.count == rows * cols, "matrix data does not match its shape")
        self.rows = rows
        self.cols = cols
        self.data = data
    }

    /// Calls `body` with the elements, row by row, for loops without per-element checks.
    @inlinable
    public mutating func withElements<R>(_ body: (inout UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        try data.withUnsafeMutableBufferPointer(body)
    }

    /// Glorot-uniform initialization, drawn from `generator`.
    public static func glorot(rows: Int, cols: Int, generator: inout SplitMix64) -> Matrix {
        let limit = (6 / Float(rows + cols)).squareRoot()
        return Matrix(rows: rows, cols: cols,
                      data: (0..<rows * cols).map { _ in Float(generator.unit() * 2 - 1) * limit })
    }

    /// Row `index` as an array.
    public func elements(ofRow index: Int) -> [Float] { Array(data[index * cols..<(index + 1) * cols]) }

    public subscript(row: Int, col: Int) -> Float {
        get { data[row * cols + col] }
        set { data[row * cols + col] = newValue }
    }

    /// `self += other` elementwise.
    public mutating func add(_ other: Matrix) {
        precondition(rows == other.rows && cols == other.cols, "shape mismatch in add")
        cblas_saxpy(Int32(data.count), 1, other.data, 1, &data, 1)
    }
}

/// A dense, row-major float64 matrix, for the closed-form fits whose intermediate results
/// must not round to float (a ridge's eigenbasis, say: within an eigenvalue's space any
/// basis is right, and which one OpenBLAS's kernels give changes in float what the fit
/// only undoes in exact arithmetic).
package struct WideMatrix: Sendable, Equatable {
    package var rows: Int
    package var cols: Int
    package var data: [Double]

    package init(rows: Int, cols: Int, data: [Double]? = nil) {
        precondition(data == nil || data!.count == rows * cols, "matrix data does not match its shape")
        (self.rows, self.cols) = (rows, cols)
        self.data = data ?? [Double](repeating: 0, count: rows * cols)
    }

    /// `matrix`, widened.
    package init(_ matrix: Matrix) {
        self.init(rows: matrix.rows, cols: matrix.cols, data: BLAS.widened(matrix.data))
    }

    package subscript(row: Int, col: Int) -> Double {
        get { data[row * cols + col] }
        set { data[row * cols + col] = newValue }
    }

    /// Each element rounded once to float.
    package var narrowed: Matrix { Matrix(rows: rows, cols: cols, data: BLAS.narrowed(data)) }
}

/// Dense products through OpenBLAS.
public enum BLAS {
    /// `C = alpha * op(A) * op(B) + beta * C` for row-major matrices, where op
    /// transposes when asked. Shapes are checked.
    ///
    /// The float operands are widened and multiplied by OpenBLAS's dgemm (a product of two
    /// floats is exact in double), and each result is rounded to float once. sgemm's
    /// result depends in its last bits on the CPU's kernels (AVX2 and AVX-512 sum in
    /// different orders), the blocking and the thread count, and training amplifies those
    /// bits into different weights; dgemm's differences are about 2^-29 of a float's last
    /// bit, so the rounded results agree on every machine but for a sum that lands that
    /// close to a rounding boundary. dgemm runs on one OpenBLAS thread: at the models'
    /// shapes (thousands of rows by 32-256) its threads cost more than they saved.
    public static func gemm(_ a: Matrix, transposeA: Bool = false, _ b: Matrix, transposeB: Bool = false,
                            alpha: Float = 1, beta: Float = 0, into c: inout Matrix) {
        let m = transposeA ? a.cols : a.rows
        let k = transposeA ? a.rows : a.cols
        let kb = transposeB ? b.cols : b.rows
        let n = transposeB ? b.rows : b.cols
        precondition(k == kb && c.rows == m && c.cols == n, "shape mismatch in gemm")
        guard m > 0, n > 0 else { return }
        if k == 0 {
            if beta == 0 { c.data = [Float](repeating: 0, count: c.data.count) }
            return
        }
        // With beta 0, BLAS never reads C: no need to clear it.
        var wideC = beta == 0 ? [Double](unsafeUninitializedCapacity: c.data.count) { $1 = c.data.count } : widened(c.data)
        dgemm(widened(a.data), a.cols, transposeA, widened(b.data), b.cols, transposeB, (m, n, k),
              alpha: Double(alpha), beta: Double(beta), into: &wideC)
        c.data = narrowed(wideC)
    }

    /// `op(A) * op(B)` in double precision (dgemm on one OpenBLAS thread, as ``gemm``).
    package static func product(_ a: WideMatrix, transposeA: Bool = false, _ b: WideMatrix, transposeB: Bool = false) -> WideMatrix {
        let (m, k) = transposeA ? (a.cols, a.rows) : (a.rows, a.cols)
        let n = transposeB ? b.rows : b.cols
        precondition(k == (transposeB ? b.cols : b.rows), "shape mismatch in product")
        var c = WideMatrix(rows: m, cols: n)
        if m > 0, n > 0, k > 0 { dgemm(a.data, a.cols, transposeA, b.data, b.cols, transposeB, (m, n, k), alpha: 1, beta: 0, into: &c.data) }
        return c
    }

    /// `C = alpha op(A) op(B) + beta C` by dgemm on one OpenBLAS thread (`ldA`, `ldB`: the
    /// stored matrices' column counts; `C` is `m x n`).
    private static func dgemm(_ a: [Double], _ ldA: Int, _ transposeA: Bool, _ b: [Double], _ ldB: Int, _ transposeB: Bool,
                              _ shape: (m: Int, n: Int, k: Int), alpha: Double, beta: Double, into c: inout [Double]) {
        withThreads(1) {
            cblas_dgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                        Int32(shape.m), Int32(shape.n), Int32(shape.k), alpha, a, Int32(ldA), b, Int32(ldB), beta, &c, Int32(shape.n))
        }
    }

    /// `A * B` a row at a time (dgemv over the widened operands, on one OpenBLAS thread,
    /// each result rounded to float once as in ``gemm``), so that each
    /// row of the result depends only on that row of `a` and on `b`, to the last bit
    /// (``gemm``'s rows agree all but always, not always); routes use this product so that
    /// a query's scores never depend on which other queries were scored with it. The
    /// output columns go in blocks fixed by `b`'s shape alone (each block's part of `b`
    /// fits in cache and serves every row of `a` in turn), so a column's sum is the same
    /// whatever `a` is.
    public static func rowStableProduct(_ a: Matrix, _ b: Matrix, transposeB: Bool = false) -> Matrix {
        let n = transposeB ? b.rows : b.cols
        let k = a.cols
        precondition(k == (transposeB ? b.cols : b.rows), "shape mismatch in rowStableProduct")
        guard a.rows > 0, n > 0, k > 0 else { return Matrix(rows: a.rows, cols: n) }
        let (wideA, wideB) = (widened(a.data), widened(b.data))
        var wideC = [Double](repeating: 0, count: a.rows * n)
        let blockWidth = max(8, rowStableBlockElements / k)
        withThreads(1) {
            wideA.withUnsafeBufferPointer { x in
                wideB.withUnsafeBufferPointer { matrix in
                    wideC.withUnsafeMutableBufferPointer { y in
                        for start in stride(from: 0, to: n, by: blockWidth) {
                            let width = min(blockWidth, n - start)
                            for row in 0..<a.rows {
                                // Row-major b (k x n) times x is bᵀx over columns start..<start+width;
                                // with transposeB, b is n x k and it is bx over those rows of b.
                                if transposeB {
                                    cblas_dgemv(CblasRowMajor, CblasNoTrans, Int32(width), Int32(k), 1, matrix.baseAddress! + start * k,
                                                Int32(k), x.baseAddress! + row * k, 1, 0, y.baseAddress! + row * n + start, 1)
                                } else {
                                    cblas_dgemv(CblasRowMajor, CblasTrans, Int32(k), Int32(width), 1, matrix.baseAddress! + start,
                                                Int32(n), x.baseAddress! + row * k, 1, 0, y.baseAddress! + row * n + start, 1)
                                }
                            }
                        }
                    }
                }
            }
        }
        return Matrix(rows: a.rows, cols: n, data: narrowed(wideC))
    }

    /// How many doubles of `b` a block of ``rowStableProduct(_:_:transposeB:)`` spans (256 KiB).
    private static let rowStableBlockElements = 32_768

    /// `op(A) * op(B)` as a new matrix.
    public static func product(_ a: Matrix, transposeA: Bool = false, _ b: Matrix, transposeB: Bool = false) -> Matrix {
        var c = Matrix(rows: transposeA ? a.cols : a.rows, cols: transposeB ? b.rows : b.cols)
        gemm(a, transposeA: transposeA, b, transposeB: transposeB, into: &c)
        return c
    }

    fileprivate static func widened(_ values: [Float]) -> [Double] {
        [Double](unsafeUninitializedCapacity: values.count) { buffer, count in
            values.withUnsafeBufferPointer { source in
                for index in 0..<source.count { buffer[index] = Double(source[index]) }
            }
            count = values.count
        }
    }

    fileprivate static func narrowed(_ values: [Double]) -> [Float] {
        [Float](unsafeUninitializedCapacity: values.count) { buffer, count in
            values.withUnsafeBufferPointer { source in
                for index in 0..<source.count { buffer[index] = Float(source[index]) }
            }
            count = values.count
        }
    }

    /// Sets how many threads OpenBLAS uses.
    public static func setThreads(_ count: Int) {
        openblas_set_num_threads(Int32(max(1, count)))
    }

    /// Runs `body` with OpenBLAS on `count` threads (1 for code that runs sgemm on
    /// several threads of its own), then restores the previous count.
    package static func withThreads<T>(_ count: Int, _ body: () throws -> T) rethrows -> T {
        let previous = Int(openblas_get_num_threads())
        setThreads(count)
        defer { setThreads(previous) }
        return try body()
    }
}
