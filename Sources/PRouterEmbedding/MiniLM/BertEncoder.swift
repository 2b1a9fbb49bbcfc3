#if canImport(Glibc)
import Glibc
#endif
import COpenBLAS
import PRouterAutodiff
import PRouterIO

/// Inference of a BERT encoder (post-layer-norm, GELU, absolute positions) on OpenBLAS,
/// reading its weights in place from a memory-mapped safetensors file. Every projection
/// is dgemms over all the tokens of a batch (in chunks of rows and blocks of columns, of
/// the whole or of each half of its columns); attention is two dgemms per sequence and
/// head. Products sum in double over the widened float operands and round once to float
/// as every summation order rounds them (PRouterAutodiff's `ProductRounding`), so
/// OpenBLAS's kernel choice (AVX2, AVX-512) and thread count do not reach the vectors. A
/// batch is padded to its longest sequence, and attention reads only each sequence's own
/// tokens.
struct BertEncoder: @unchecked Sendable {
    /// The sizes of the model.
    struct Shape: Equatable {
        var vocabulary = 30522
        var hidden = 384
        var heads = 12
        var intermediate = 1536
        var layers = 6
        var positions = 512
        var layerNormEpsilon: Float = 1e-12
    }

    /// How the projections are multiplied. `.whole`: all output columns at once (dgemm on
    /// OpenBLAS's threads as set). The halves: the output columns in two fixed halves,
    /// each on the calling thread's OpenBLAS settings, and attention in two halves of the
    /// heads; one after the other, or side by side on two threads in lockstep. All give the same
    /// bytes, so a text's vector does not depend on whether it was encoded alone (halves
    /// side by side, both cores on one text) or among others (texts side by side).
    enum Products {
        case whole, halvesInSequence, halvesSideBySide

        var parts: Int { self == .whole ? 1 : 2 }
    }

    /// One weight matrix (`[out, in]`, as PyTorch stores it) and its bias, read in place
    /// from the mapped file (immutable, so threads share it).
    private struct Linear: @unchecked Sendable {
        let weight: UnsafeBufferPointer<Float>
        let bias: UnsafeBufferPointer<Float>
        let outputs: Int
        let inputs: Int
        /// The norm of each output column's weights, for ``ProductRounding``.
        let norms: [Double]

        /// Rows of `x` widened and multiplied at a time.
        static let rowChunk = 256
        /// Output columns whose weights are widened at a time (at most 2.3 MiB of
        /// doubles: the weights are widened once per chunk of rows, not kept widened,
        /// which would double the memory of a lone query and its process's start).
        static let columnBlock = 192

        init(_ file: SafeTensors, _ name: String, outputs: Int, inputs: Int) throws {
            weight = try file.floats(name + ".weight", shape: [outputs, inputs])
            bias = try file.floats(name + ".bias", shape: [outputs])
            (self.outputs, self.inputs) = (outputs, inputs)
            norms = (0..<outputs).map { [weight] column in
                weight[column * inputs..<(column + 1) * inputs].reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            }
        }

        /// Part `index` of `parts` equal parts of the columns of `y = x · Wᵀ + b`, for
        /// `rows` rows of `x`; with `gelu`, then GELU on each of its elements.
        func apply(part index: Int, of parts: Int, _ x: UnsafeMutablePointer<Float>, rows: Int,
                   to y: UnsafeMutablePointer<Float>, gelu: Bool = false) {
            let width = outputs / parts
            let columns = index * width..<(index + 1) * width
            let chunk = max(1, min(rows, Self.rowChunk)), block = min(width, Self.columnBlock)
            let wideX = UnsafeMutablePointer<Double>.allocate(capacity: chunk * inputs)
            let wideW = UnsafeMutablePointer<Double>.allocate(capacity: block * inputs)
            let wideY = UnsafeMutablePointer<Double>.allocate(capacity: chunk * block)
            let wideBias = UnsafeMutablePointer<Double>.allocate(capacity: width)
            defer { for buffer in [wideX, wideW, wideY, wideBias] { buffer.deallocate() } }
            WideBlock.widen(bias.baseAddress! + columns.lowerBound, rows: 1, cols: width, stride: 0, into: wideBias)
            for first in stride(from: 0, to: rows, by: chunk) {
                let count = min(chunk, rows - first)
                WideBlock.widen(x + first * inputs, rows: count, cols: inputs, stride: inputs, into: wideX)
                for column in stride(from: columns.lowerBound, to: columns.upperBound, by: block) {
                    let n = min(block, columns.upperBound - column)
                    // Rows column..<column+n of W (outputs x inputs) are contiguous.
                    WideBlock.widen(weight.baseAddress! + column * inputs, rows: 1, cols: n * inputs, stride: 0, into: wideW)
                    let columnBias = wideBias + (column - columns.lowerBound)
                    for row in 0..<count { (wideY + row * n).update(from: columnBias, count: n) }
                    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(count), Int32(n), Int32(inputs),
                                1, wideX, Int32(inputs), wideW, Int32(inputs), 1, wideY, Int32(n))
                    ProductRounding.narrow(wideY, shape: (count, n, inputs), .init(wideX, leading: inputs),
                                           .init(wideW, leading: inputs, transposed: true),
                                           bNorms: norms[column..<column + n], offset: (UnsafePointer(columnBias), 0),
                                           into: y + first * outputs + column, stride: outputs)
                }
            }
            guard gelu else { return }
            for row in 0..<rows { VectorMath.apply(y + row * outputs + columns.lowerBound, count: width, VectorMath.gelu) }
        }
    }

    private struct LayerNorm {
        /// The columns a step of `apply` takes.
        typealias Lanes = SIMD8<Float>

        let gamma: UnsafeBufferPointer<Float>
        let beta: UnsafeBufferPointer<Float>
        let epsilon: Float

        init(_ file: SafeTensors, _ name: String, width: Int, epsilon: Float) throws {
            gamma = try file.floats(name + ".weight", shape: [width])
            beta = try file.floats(name + ".bias", shape: [width])
            self.epsilon = epsilon
        }

        /// Normalizes `rows` of `x` in place (a vector of columns at a time: the width is
        /// a multiple of the vector's, as ``BertEncoder/init(file:shape:)`` checks).
        func apply(_ x: UnsafeMutablePointer<Float>, rows: Range<Int>) {
            let width = gamma.count, vectors = width / Lanes.scalarCount
            let gammas = UnsafeRawPointer(gamma.baseAddress!), betas = UnsafeRawPointer(beta.baseAddress!)
            func lanes(_ base: UnsafeRawPointer, _ index: Int) -> Lanes {
                base.loadUnaligned(fromByteOffset: index * MemoryLayout<Lanes>.stride, as: Lanes.self)
            }
            for r in rows {
                let row = UnsafeMutableRawPointer(x + r * width)
                var sum = Lanes()
                for index in 0..<vectors { sum += lanes(row, index) }
                let mean = sum.sum() / Float(width)
                var squares = Lanes()
                for index in 0..<vectors {
                    let centered = lanes(row, index) - mean
                    squares += centered * centered
                }
                let scale = 1 / (squares.sum() / Float(width) + epsilon).squareRoot()
                for index in 0..<vectors {
                    let normalized = (lanes(row, index) - mean) * scale * lanes(gammas, index) + lanes(betas, index)
                    row.storeBytes(of: normalized, toByteOffset: index * MemoryLayout<Lanes>.stride, as: Lanes.self)
                }
            }
        }
    }

    private struct Layer {
        let query, key, value, attentionOutput, intermediate, output: Linear
        let attentionNorm, outputNorm: LayerNorm
    }

    let shape: Shape
    private let file: SafeTensors
    private let words, positions, tokenTypes: UnsafeBufferPointer<Float>
    private let embeddingNorm: LayerNorm
    private let layers: [Layer]

    /// The encoder whose weights `file` holds under the Hugging Face `BertModel` names.
    init(file: SafeTensors, shape: Shape = Shape()) throws {
        precondition(shape.hidden % LayerNorm.Lanes.scalarCount == 0, "the layer norms take the width in whole vectors")
        self.file = file
        self.shape = shape
        let (h, eps) = (shape.hidden, shape.layerNormEpsilon)
        words = try file.floats("embeddings.word_embeddings.weight", shape: [shape.vocabulary, h])
        positions = try file.floats("embeddings.position_embeddings.weight", shape: [shape.positions, h])
        tokenTypes = try file.floats("embeddings.token_type_embeddings.weight", shape: [2, h])
        embeddingNorm = try LayerNorm(file, "embeddings.LayerNorm", width: h, epsilon: eps)
        layers = try (0..<shape.layers).map { index in
            let prefix = "encoder.layer.\(index)."
            return Layer(query: try Linear(file, prefix + "attention.self.query", outputs: h, inputs: h),
                         key: try Linear(file, prefix + "attention.self.key", outputs: h, inputs: h),
                         value: try Linear(file, prefix + "attention.self.value", outputs: h, inputs: h),
                         attentionOutput: try Linear(file, prefix + "attention.output.dense", outputs: h, inputs: h),
                         intermediate: try Linear(file, prefix + "intermediate.dense", outputs: shape.intermediate, inputs: h),
                         output: try Linear(file, prefix + "output.dense", outputs: h, inputs: shape.intermediate),
                         attentionNorm: try LayerNorm(file, prefix + "attention.output.LayerNorm", width: h, epsilon: eps),
                         outputNorm: try LayerNorm(file, prefix + "output.LayerNorm", width: h, epsilon: eps))
        }
    }

    /// The last hidden states of `sequences` (token ids, each at most `positions` long,
    /// none empty), padded to the longest: `sequences.count x length x hidden`, row-major.
    func hiddenStates(_ sequences: [[Int32]], products: Products) -> (states: [Float], length: Int) {
        let length = sequences.map(\.count).max() ?? 0
        let space = Workspace(shape, rows: sequences.count * length, length: length)
        defer { space.deallocate() }
        let pass = Pass(encoder: self, sequences: sequences, length: length, space: space, parts: products.parts)
        if products != .halvesSideBySide || !Lockstep.run({ member, barrier in pass.run(member: member, of: 2, barrier: barrier) }) {
            pass.run(member: 0, of: 1, barrier: nil)
        }
        return (Array(UnsafeBufferPointer(start: space.x, count: space.rows * shape.hidden)), length)
    }

    /// The buffers of one forward pass, shared by its threads (each writes its own parts).
    private struct Workspace: @unchecked Sendable {
        let rows: Int
        let x, q, k, v, context, attended, inner: UnsafeMutablePointer<Float>
        /// Attention scores, `length x length` per thread.
        let scores: [UnsafeMutablePointer<Float>]

        /// Every buffer is written before it is read but `context`, whose padded rows
        /// attention leaves as they are: only it starts as zeros.
        init(_ shape: Shape, rows: Int, length: Int) {
            func buffer(_ count: Int) -> UnsafeMutablePointer<Float> { .allocate(capacity: max(count, 1)) }
            self.rows = rows
            let width = rows * shape.hidden
            (x, q, k, v, attended) = (buffer(width), buffer(width), buffer(width), buffer(width), buffer(width))
            context = buffer(width)
            context.initialize(repeating: 0, count: max(width, 1))
            inner = buffer(rows * shape.intermediate)
            scores = [buffer(length * length), buffer(length * length)]
        }

        func deallocate() {
            for buffer in [x, q, k, v, context, attended, inner] + scores { buffer.deallocate() }
        }
    }

    /// One forward pass, run by one thread or by two in lockstep: each thread computes
    /// its parts of every product (its column halves, its half of the heads) and its rows
    /// of every row-wise step, then waits for the other at the barrier before the next
    /// step reads what both wrote.
    private struct Pass: @unchecked Sendable {
        let encoder: BertEncoder
        let sequences: [[Int32]]
        let length: Int
        let space: Workspace
        let parts: Int

        func run(member: Int, of members: Int, barrier: Lockstep.Barrier?) {
            let shape = encoder.shape, h = shape.hidden, rows = space.rows
            let mine = Array(stride(from: member, to: parts, by: members))
            let myRows = rows * member / members..<rows * (member + 1) / members
            func sync() { barrier?.wait() }
            /// `target = linear(source)`, this thread's parts, then the barrier.
            func project(_ linear: Linear, _ source: UnsafeMutablePointer<Float>, to target: UnsafeMutablePointer<Float>, gelu: Bool = false) {
                for part in mine { linear.apply(part: part, of: parts, source, rows: rows, to: target, gelu: gelu) }
                sync()
            }
            /// `target = norm(target + residual)`, this thread's rows, then the barrier.
            func addAndNormalize(_ norm: LayerNorm, _ target: UnsafeMutablePointer<Float>, adding residual: UnsafeMutablePointer<Float>) {
                for i in myRows.lowerBound * h..<myRows.upperBound * h { target[i] += residual[i] }
                norm.apply(target, rows: myRows)
                sync()
            }
            for row in myRows {
                let (s, position) = row.quotientAndRemainder(dividingBy: length)
                let ids = sequences[s]
                let id = position < ids.count ? Int(ids[position]) : 0
                for i in 0..<h {
                    space.x[row * h + i] = encoder.words[id * h + i] + encoder.positions[position * h + i] + encoder.tokenTypes[i]
                }
            }
            encoder.embeddingNorm.apply(space.x, rows: myRows)
            sync()
            for layer in encoder.layers {
                for part in mine {
                    layer.query.apply(part: part, of: parts, space.x, rows: rows, to: space.q)
                    layer.key.apply(part: part, of: parts, space.x, rows: rows, to: space.k)
                    layer.value.apply(part: part, of: parts, space.x, rows: rows, to: space.v)
                }
                sync()
                for part in mine { attention(heads: shape.heads * part / parts..<shape.heads * (part + 1) / parts, scores: space.scores[member]) }
                sync()
                project(layer.attentionOutput, space.context, to: space.attended)
                addAndNormalize(layer.attentionNorm, space.attended, adding: space.x)
                project(layer.intermediate, space.attended, to: space.inner, gelu: true)
                project(layer.output, space.inner, to: space.x)
                addAndNormalize(layer.outputNorm, space.x, adding: space.attended)
            }
        }

        /// Self-attention of every sequence over its own tokens, for `heads`: the context
        /// columns of those heads.
        private func attention(heads: Range<Int>, scores: UnsafeMutablePointer<Float>) {
            let h = encoder.shape.hidden
            let width = h / encoder.shape.heads
            let scale = 1 / Float(width).squareRoot()
            // One sequence's queries, keys and values, its scores and its context, widened.
            let (q, k, v, context) = (UnsafeMutablePointer<Double>.allocate(capacity: max(1, length * h)),
                                      UnsafeMutablePointer<Double>.allocate(capacity: max(1, length * h)),
                                      UnsafeMutablePointer<Double>.allocate(capacity: max(1, length * h)),
                                      UnsafeMutablePointer<Double>.allocate(capacity: max(1, length * width)))
            let wideScores = UnsafeMutablePointer<Double>.allocate(capacity: max(1, length * length))
            defer { for buffer in [q, k, v, context, wideScores] { buffer.deallocate() } }
            for (s, ids) in sequences.enumerated() {
                let valid = ids.count
                let rows = s * length * h
                for (source, target) in [(space.q, q), (space.k, k), (space.v, v)] {
                    WideBlock.widen(source + rows, rows: valid, cols: h, stride: h, into: target)
                }
                for head in heads {
                    let offset = head * width
                    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(valid), Int32(valid), Int32(width),
                                Double(scale), q + offset, Int32(h), k + offset, Int32(h), 0, wideScores, Int32(valid))
                    ProductRounding.narrow(wideScores, shape: (valid, valid, width), .init(q + offset, leading: h),
                                           .init(k + offset, leading: h, transposed: true), alpha: Double(scale), into: scores, stride: valid)
                    for row in 0..<valid {
                        let start = scores + row * valid
                        var top = -Float.infinity
                        for i in 0..<valid { top = max(top, start[i]) }
                        VectorMath.apply(start, count: valid) { VectorMath.exp(nonPositive: $0 - top) }
                        var sum: Float = 0
                        for i in 0..<valid { sum += start[i] }
                        let reciprocal = 1 / sum
                        for i in 0..<valid { start[i] *= reciprocal }
                    }
                    WideBlock.widen(scores, rows: valid, cols: valid, stride: valid, into: wideScores)
                    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(valid), Int32(width), Int32(valid),
                                1, wideScores, Int32(valid), v + offset, Int32(h), 0, context, Int32(width))
                    ProductRounding.narrow(context, shape: (valid, width, valid), .init(wideScores, leading: valid),
                                           .init(v + offset, leading: h), into: space.context + rows + offset, stride: h)
                }
            }
        }
    }
}

/// Copies row-strided float blocks into packed double ones, for the products that sum in
/// double and round once.
private enum WideBlock {
    /// `rows` x `cols` floats of `source` (rows `stride` apart) into packed `target`.
    static func widen(_ source: UnsafePointer<Float>, rows: Int, cols: Int, stride: Int, into target: UnsafeMutablePointer<Double>) {
        for row in 0..<rows {
            for column in 0..<cols { target[row * cols + column] = Double(source[row * stride + column]) }
        }
    }
}
