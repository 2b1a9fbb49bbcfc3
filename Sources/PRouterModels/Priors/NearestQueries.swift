import PRouterAutodiff

/// The knn baseline: the `neighbors` observed unique queries most similar to a target
/// query (cosine similarity of their embeddings, a row-stable OpenBLAS product) vote
/// for the LLMs their users preferred, each vote weighted by the similarity and
/// spread over the users who asked that query. Not personalized.
struct NearestQueries {
    let data: RoutingData
    let neighbors: Int

    /// One score per candidate edge of `targets`, in order, as an e x 1 column.
    func scores(_ targets: [Int]) -> Matrix {
        let llmCount = data.llmIDs.count
        var votes: [Int32: [Float]] = [:]
        for node in 0..<data.nodeCount where data.isPool[node] {
            guard let best = data.edges(of: node).first(where: { data.edgeBest[$0] }) else { continue }
            votes[data.nodeQueryRow[node], default: [Float](repeating: 0, count: llmCount + 1)][Int(data.edgeLLM[best])] += 1
            votes[data.nodeQueryRow[node]]![llmCount] += 1
        }
        let rows = votes.keys.sorted()
        let pool = data.queryFeatures.rowsGathered(rows).rowsNormalized()
        let queries = data.queryFeatures.rowsGathered(targets.map { data.nodeQueryRow[$0] }).rowsNormalized()
        let similarity = BLAS.rowStableProduct(queries, pool, transposeB: true)
        var result: [Float] = []
        for (t, node) in targets.enumerated() {
            var order = Array(0..<rows.count).filter { rows[$0] != data.nodeQueryRow[node] }
            order.sort { (similarity[t, $0], rows[$1]) > (similarity[t, $1], rows[$0]) }
            var score = [Float](repeating: 0, count: llmCount)
            for index in order.prefix(neighbors) {
                let vote = votes[rows[index]]!
                for llm in 0..<llmCount { score[llm] += max(similarity[t, index], 0) * vote[llm] / vote[llmCount] }
            }
            result += data.edges(of: node).map { score[Int(data.edgeLLM[$0])] }
        }
        return Matrix(rows: result.count, cols: 1, data: result)
    }
}
