import PRouterIO

/// The subgraph a gmt training step encodes: every turn of the batch's users (with their
/// queries, responses and conversation chains) and every LLM, instead of the whole
/// training graph.
///
/// Users, turns, queries and responses are tied to one user each, so a target turn's
/// user, conversation and its own neighbourhood are exactly those of the whole graph; only
/// the LLM nodes, which every response reaches, aggregate over the batch users' responses
/// (a sample of their neighbours) instead of all of them. A step then costs in
/// proportion to its batch, not to the training graph.
struct TurnSampler {
    let base: TurnGraph
    /// The base's turns of each user, in order.
    private let userTurns: [[Int32]]
    /// The responses of base turn t: `responseStart[t]..<responseStart[t + 1]`.
    private let responseStart: [Int]

    init(base: TurnGraph) {
        self.base = base
        var userTurns = [[Int32]](repeating: [], count: base.userCount)
        for turn in 0..<base.turnCount { userTurns[Int(base.turnUser[turn])].append(Int32(turn)) }
        self.userTurns = userTurns
        responseStart = segmentStarts(of: base.responseTurn, count: base.turnCount)
    }

    /// The subgraph of the users of base turns `turns`, and each of those turns' row in it.
    func subgraph(around turns: [Int32]) -> (graph: TurnGraph, rows: [Int32]) {
        var graph = TurnGraph(llmFeatures: base.llmFeatures, queryWidth: base.queryWidth)
        var userRow: [Int32: Int32] = [:]
        var turnRow: [Int32: Int32] = [:]
        let responseWidth = base.responseWidth
        for turn in turns {
            let user = base.turnUser[Int(turn)]
            guard userRow[user] == nil else { continue }
            let row = graph.addUser()
            userRow[user] = row
            for member in userTurns[Int(user)] {
                let t = Int(member)
                turnRow[member] = Int32(graph.turnCount)
                graph.turnUser.append(row)
                graph.turnPrevious.append(base.turnPrevious[t] < 0 ? -1 : turnRow[base.turnPrevious[t]]!)
                graph.turnInput += base.turnInput[t * TurnGraph.turnColumns..<(t + 1) * TurnGraph.turnColumns]
                graph.queryInput += base.queryInput[t * base.queryWidth..<(t + 1) * base.queryWidth]
                for response in responseStart[t]..<responseStart[t + 1] {
                    graph.responseTurn.append(turnRow[member]!)
                    graph.responseLLM.append(base.responseLLM[response])
                    graph.responseInput += base.responseInput[response * responseWidth..<(response + 1) * responseWidth]
                }
            }
        }
        return (graph, turns.map { turnRow[$0]! })
    }
}
