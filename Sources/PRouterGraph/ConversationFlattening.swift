import PRouterAutodiff
import PRouterIO

/// The single-turn view of a multi-turn graph, for PersonalizedRouter and its baselines
/// (history ignored).
extension ConversationGraph {
    /// Every labelled turn as a judge-mode query node (query id `CONVERSATION#TURN`) of
    /// one task, `conversation`, in the same split, with its responses as query-LLM edges
    /// whose best bit is the user's preference. Turns without feedback are left out. The
    /// task has a zero feature vector; query and LLM features are the graph's.
    public func flattened() throws -> Graph {
        let starts = responseStarts()
        var graph = Graph(mode: .judge, settings: settings, users: users, tasks: ["conversation"], llms: llms,
                          queryIDs: [], queryTexts: [], nodeUser: [], nodeTask: [], nodeQuery: [], nodeSplit: [], nodeLabel: [],
                          userTaskUser: [], userTaskTask: [], edgeNode: [], edgeLLM: [], featureNames: ["best"],
                          edgeFeatures: [], edgeBest: [], edgeStatus: [], edgePerformance: [], edgeCost: [], edgeReward: [])
        var keptTurns: [Int] = []
        for turn in 0..<turnCount {
            let responses = starts[turn]..<starts[turn + 1]
            guard let label = responses.first(where: { responseFeedback[$0] == .preferred }) else { continue }
            let node = UInt32(graph.nodeCount)
            keptTurns.append(turn)
            graph.queryIDs.append(queryID(ofTurn: turn))
            graph.queryTexts.append(queryTexts[turn])
            graph.nodeUser.append(turnUser[turn])
            graph.nodeTask.append(0)
            graph.nodeQuery.append(node)
            graph.nodeSplit.append(turnSplit[turn])
            graph.nodeLabel.append(responseLLM[label])
            for response in responses {
                let best = response == label
                graph.edgeNode.append(node)
                graph.edgeLLM.append(responseLLM[response])
                graph.edgeFeatures.append(best ? 1 : 0)
                graph.edgeBest.append(best)
                graph.edgeStatus.append(.visible)
                graph.edgePerformance.append(responseSignals[3 * response].isNaN ? 0 : Double(responseSignals[3 * response]))
                graph.edgeCost.append(responseSignals[3 * response + 1].isNaN ? 0 : Double(responseSignals[3 * response + 1]))
            }
        }
        guard graph.nodeCount > 0 else { throw DataError("no turn of the graph has feedback") }
        let askers = Set(graph.nodeUser).sorted()
        graph.userTaskUser = askers
        graph.userTaskTask = askers.map { _ in 0 }
        if let features {
            let width = features.query.cols
            graph.features = NodeFeatures(encoder: features.encoder, dimension: features.dimension,
                                          task: Matrix(rows: 1, cols: width),
                                          query: Matrix(rows: keptTurns.count, cols: width,
                                                        data: keptTurns.flatMap { features.query.elements(ofRow: $0) }),
                                          llm: features.llm)
        }
        return graph
    }
}
