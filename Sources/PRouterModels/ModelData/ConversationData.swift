import PRouterGraph
import PRouterIO

/// A multi-turn graph with its features, as the gmt model reads it: turns as
/// ``TurnInput``s, the base ``TurnGraph`` of some splits, and requests for routing.
package struct ConversationData {
    let graph: ConversationGraph
    package let features: ConversationFeatures
    let responseStarts: [Int]

    package init(graph: ConversationGraph) throws {
        guard let features = graph.features else {
            throw UsageError("the graph has no node features: run pr-embed on it first")
        }
        self.graph = graph
        self.features = features
        responseStarts = graph.responseStarts()
    }

    package var queryWidth: Int { features.query.cols }

    /// The responses of `turn`, as logged.
    func responses(ofTurn turn: Int) -> Range<Int> { responseStarts[turn]..<responseStarts[turn + 1] }

    /// The index among its responses of the one the user preferred, if known.
    func label(ofTurn turn: Int) -> Int? {
        responses(ofTurn: turn).firstIndex { graph.responseFeedback[$0] == .preferred }.map { $0 - responseStarts[turn] }
    }

    func input(ofTurn turn: Int) -> TurnInput {
        TurnInput(number: Int(graph.turnNumber[turn]), query: features.query.elements(ofRow: turn), responses: responses(ofTurn: turn).map { r in
            TurnGraph.ResponseItem(llm: Int32(graph.responseLLM[r]), text: features.response.elements(ofRow: r),
                                   signals: Array(graph.responseSignals[3 * r..<3 * r + 3]),
                                   feedback: graph.responseFeedback[r], rating: graph.responseRating[r])
        })
    }

    /// The turns of `splits` as one view, users by global index; with each graph turn's row (-1 if left out).
    func view(of splits: Set<Split>) -> (graph: TurnGraph, rows: [Int32]) {
        var view = TurnGraph(llmFeatures: features.llm, queryWidth: queryWidth)
        for _ in graph.users { _ = view.addUser() }
        var rows = [Int32](repeating: -1, count: graph.turnCount)
        for turn in 0..<graph.turnCount where splits.contains(graph.turnSplit[turn]) {
            let previous = turn > 0 && graph.turnConversation[turn - 1] == graph.turnConversation[turn] ? rows[turn - 1] : -1
            let input = input(ofTurn: turn)
            rows[turn] = view.addTurn(user: Int32(graph.turnUser[turn]), previous: previous, number: input.number,
                                      query: input.query, responses: input.responses)
        }
        return (view, rows)
    }

    /// One request per turn of `split`, with the earlier turns of its conversation as history.
    package func requests(of split: Split) -> (turns: [Int], requests: [TurnRequest]) {
        var turns: [Int] = [], requests: [TurnRequest] = []
        var history: [TurnInput] = []
        for turn in 0..<graph.turnCount {
            if turn == 0 || graph.turnConversation[turn - 1] != graph.turnConversation[turn] { history = [] }
            let input = input(ofTurn: turn)
            if graph.turnSplit[turn] == split {
                turns.append(turn)
                requests.append(TurnRequest(user: graph.users[Int(graph.turnUser[turn])], history: history, target: input,
                                            candidates: input.responses.map(\.llm)))
            }
            history.append(input)
        }
        return (turns, requests)
    }

    /// The preference tallies of the turns of `splits`.
    func priors(of splits: Set<Split>) -> HistoryPriors {
        var priors = HistoryPriors(llmCount: graph.llms.count)
        for turn in 0..<graph.turnCount where splits.contains(graph.turnSplit[turn]) {
            priors.add(user: graph.users[Int(graph.turnUser[turn])], turn: feedback(ofTurn: turn))
        }
        return priors
    }

    /// The candidates of `turn` and the user's feedback on each.
    func feedback(ofTurn turn: Int) -> TurnFeedback {
        let responses = responses(ofTurn: turn)
        return TurnFeedback(number: Int(graph.turnNumber[turn]), llms: responses.map { Int32(graph.responseLLM[$0]) },
                            feedback: responses.map { graph.responseFeedback[$0] },
                            signals: responses.map { SIMD3(graph.responseSignals[3 * $0..<3 * $0 + 3]) })
    }

    /// The prior features of each turn of `split` (by graph turn) as a routed turn would
    /// have them: read from `priors` (of `split`'s turns) without the turn's own
    /// conversation, and from the conversation's earlier turns.
    func priorFeatures(of split: Split, priors: TurnPriors) -> [Int: [Float]] {
        var own: [UInt32: PreferenceTally] = [:]
        for turn in 0..<graph.turnCount where graph.turnSplit[turn] == split {
            own[graph.turnConversation[turn], default: PreferenceTally(llmCount: graph.llms.count)].add(feedback(ofTurn: turn))
        }
        let routed = requests(of: split)
        let rows = priors.features(zip(routed.turns, routed.requests).map { turn, request in
            let conversation = graph.turnConversation[turn]
            return TurnPriors.Target(user: request.user, history: request.history.map(\.feedback), input: request.target,
                                     candidates: request.candidates, conversation: conversation, leaving: own[conversation])
        })
        var features: [Int: [Float]] = [:]
        var offset = 0
        for (turn, request) in zip(routed.turns, routed.requests) {
            let width = request.candidates.count * TurnPriors.width
            features[turn] = Array(rows[offset..<offset + width])
            offset += width
        }
        return features
    }

    /// The support turns of each user, grouped by conversation in order.
    package func support() -> [String: [[TurnInput]]] {
        var support: [String: [[TurnInput]]] = [:]
        for turn in 0..<graph.turnCount where graph.turnSplit[turn] == .support {
            let user = graph.users[Int(graph.turnUser[turn])]
            let continues = turn > 0 && graph.turnSplit[turn - 1] == .support
                && graph.turnConversation[turn - 1] == graph.turnConversation[turn]
            if continues {
                support[user]![support[user]!.count - 1].append(input(ofTurn: turn))
            } else {
                support[user, default: []].append([input(ofTurn: turn)])
            }
        }
        return support
    }
}
