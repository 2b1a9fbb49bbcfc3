#if canImport(Glibc)
import Glibc
#endif
import COpenBLAS
import Dispatch

/// Inference of a BERT encoder (post-layer-norm, GELU, absolute positions) on OpenBLAS,
/// reading its weights in place from a memory-mapped safetensors file. Every projection
/// is one sgemm over all the tokens of a batch; attention is two sgemms per sequence and
/// head. A batch is padded to its longest sequence and padded keys are masked out.
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

    /// How the projections are multiplied. `.whole`: one sgemm each (on OpenBLAS's threads
    /// as set). The halves: the output columns in two fixed halves, one sgemm each on the
    /// calling thread's OpenBLAS settings, one after the other or on two threads. Both give
    /// the same bytes, so a text's vector does not depend on whether it was encoded alone
    /// (halves side by side, both cores on one text) or among others (texts side by side).
    enum Products {
        case whole, halvesInSequence, halvesSideBySide
    }

    /// One weight matrix (`[out, in]`, as PyTorch stores it) and its bias, read in place
    /// from the mapped file (immutable, so threads share it).
    private struct Linear: @unchecked Sendable {
        let weight: UnsafeBufferPointer<Float>
        let bias: UnsafeBufferPointer<Float>
        let outputs: Int
        let inputs: Int

        init(_ file: SafeTensors, _ name: String, outputs: Int, inputs: Int) throws {
            weight = try file.floats(name + ".weight", shape: [outputs, inputs])
            bias = try file.floats(name + ".bias", shape: [outputs])
            (self.outputs, self.inputs) = (outputs, inputs)
        }

        /// `x · Wᵀ + b` for `rows` rows of `x`, as `products` says; with `gelu`, then GELU
        /// on every element (each part its own columns, on its own thread).
        func callAsFunction(_ x: [Float], rows: Int, _ products: Products, gelu: Bool = false) -> [Float] {
            var y = [Float](unsafeUninitializedCapacity: rows * outputs) { buffer, count in
                for row in 0..<rows { _ = UnsafeMutableBufferPointer(rebasing: buffer[row * outputs..<(row + 1) * outputs]).update(fromContentsOf: bias) }
                count = rows * outputs
            }
            let parts = products == .whole ? 1 : 2
            y.withUnsafeMutableBufferPointer { y in
                let out = Output(start: y.baseAddress!)
                if products == .halvesSideBySide {
                    DispatchQueue.concurrentPerform(iterations: parts) { add(part: $0, of: parts, x, rows: rows, to: out, gelu: gelu) }
                } else {
                    for index in 0..<parts { add(part: index, of: parts, x, rows: rows, to: out, gelu: gelu) }
                }
            }
            return y
        }

        /// Adds `x · Wᵀ` to `out`'s columns of part `index` of `parts` equal parts (then
        /// applies GELU to them, with `gelu`).
        private func add(part index: Int, of parts: Int, _ x: [Float], rows: Int, to out: Output, gelu: Bool) {
            let width = outputs / parts
            let start = out.start + index * width
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(width), Int32(inputs),
                        1, x, Int32(inputs), weight.baseAddress! + index * width * inputs, Int32(inputs),
                        1, start, Int32(outputs))
            guard gelu else { return }
            for row in 0..<rows { VectorMath.apply(start + row * outputs, count: width, VectorMath.gelu) }
        }
    }

    /// A result that the parts of a product fill from several threads, each its own columns.
    private struct Output: @unchecked Sendable {
        let start: UnsafeMutablePointer<Float>
    }

    private struct LayerNorm {
        let gamma: UnsafeBufferPointer<Float>
        let beta: UnsafeBufferPointer<Float>
        let epsilon: Float

        init(_ file: SafeTensors, _ name: String, width: Int, epsilon: Float) throws {
            gamma = try file.floats(name + ".weight", shape: [width])
            beta = try file.floats(name + ".bias", shape: [width])
            self.epsilon = epsilon
        }

        /// Normalizes each row of `x` in place (a vector of columns at a time: the width is
        /// a multiple of the vector's, as ``BertEncoder/init(file:shape:)`` checks).
        func apply(_ x: inout [Float]) {
            typealias Lanes = VectorMath.Lanes
            let width = gamma.count, vectors = width / Lanes.scalarCount
            let gammas = UnsafeRawPointer(gamma.baseAddress!), betas = UnsafeRawPointer(beta.baseAddress!)
            x.withUnsafeMutableBytes { bytes in
                for start in stride(from: 0, to: bytes.count, by: width * MemoryLayout<Float>.stride) {
                    let row = bytes.baseAddress! + start
                    func lanes(_ base: UnsafeRawPointer, _ index: Int) -> Lanes {
                        base.loadUnaligned(fromByteOffset: index * MemoryLayout<Lanes>.stride, as: Lanes.self)
                    }
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
        precondition(shape.hidden % VectorMath.Lanes.scalarCount == 0, "the layer norms take the width in whole vectors")
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
        let h = shape.hidden
        let length = sequences.map(\.count).max() ?? 0
        let rows = sequences.count * length
        var x = [Float](repeating: 0, count: rows * h)
        for (s, ids) in sequences.enumerated() {
            for position in 0..<length {
                let id = position < ids.count ? Int(ids[position]) : 0
                let row = (s * length + position) * h
                for i in 0..<h { x[row + i] = words[id * h + i] + positions[position * h + i] + tokenTypes[i] }
            }
        }
        embeddingNorm.apply(&x)
        for layer in layers {
            var attended = layer.attentionOutput(attention(layer, x, sequences: sequences, length: length, products: products),
                                                 rows: rows, products)
            for i in attended.indices { attended[i] += x[i] }
            layer.attentionNorm.apply(&attended)
            let inner = layer.intermediate(attended, rows: rows, products, gelu: true)
            x = layer.output(inner, rows: rows, products)
            for i in x.indices { x[i] += attended[i] }
            layer.outputNorm.apply(&x)
        }
        return (x, length)
    }

    /// Multi-head self-attention of every sequence over its own tokens (padding masked).
    private func attention(_ layer: Layer, _ x: [Float], sequences: [[Int32]], length: Int, products: Products) -> [Float] {
        let (h, heads) = (shape.hidden, shape.heads)
        let width = h / heads
        let rows = sequences.count * length
        let q = layer.query(x, rows: rows, products), k = layer.key(x, rows: rows, products), v = layer.value(x, rows: rows, products)
        var context = [Float](repeating: 0, count: rows * h)
        var scores = [Float](repeating: 0, count: length * length)
        let scale = 1 / Float(width).squareRoot()
        for (s, ids) in sequences.enumerated() {
            let valid = ids.count
            for head in 0..<heads {
                let offset = s * length * h + head * width
                q.withUnsafeBufferPointer { q in
                    k.withUnsafeBufferPointer { k in
                        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(valid), Int32(valid), Int32(width),
                                    scale, q.baseAddress! + offset, Int32(h), k.baseAddress! + offset, Int32(h),
                                    0, &scores, Int32(valid))
                    }
                }
                scores.withUnsafeMutableBufferPointer { scores in
                    for row in 0..<valid {
                        let start = scores.baseAddress! + row * valid
                        var top = -Float.infinity
                        for i in 0..<valid { top = max(top, start[i]) }
                        VectorMath.apply(start, count: valid) { VectorMath.exp(nonPositive: $0 - top) }
                        var sum: Float = 0
                        for i in 0..<valid { sum += start[i] }
                        let reciprocal = 1 / sum
                        for i in 0..<valid { start[i] *= reciprocal }
                    }
                }
                v.withUnsafeBufferPointer { v in
                    context.withUnsafeMutableBufferPointer { context in
                        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(valid), Int32(width), Int32(valid),
                                    1, scores, Int32(valid), v.baseAddress! + offset, Int32(h),
                                    0, context.baseAddress! + offset, Int32(h))
                    }
                }
            }
        }
        return context
    }
}
