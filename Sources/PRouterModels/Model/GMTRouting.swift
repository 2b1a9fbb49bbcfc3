import PRouterAutodiff
import PRouterGraph

/// A conversation turn as the gmt model reads it.
package struct TurnInput: Sendable {
    var number: Int
    var query: [Float]
    package var responses: [TurnGraph.ResponseItem]

    package init(number: Int, query: [Float], responses: [TurnGraph.ResponseItem]) {
        self.number = number
        self.query = query
        self.responses = responses
    }
}

/// A turn to route, with the earlier turns of its conversation.
package struct TurnRequest: Sendable {
    var user: String
    var history: [TurnInput]
    var target: TurnInput
    /// LLM indices to choose from.
    package var candidates: [Int32]

    package init(user: String, history: [TurnInput], target: TurnInput, candidates: [Int32]) {
        self.user = user
        self.history = history
        self.target = target
        self.candidates = candidates
    }
}

/// Routes conversation turns with a trained gmt model.
///
/// The training graph's turns (the base) are encoded once; their users and every LLM keep
/// those states at each level (the context). Each request is attached as new nodes that
/// read from the context: its history turns, with their responses and feedback, chained
/// to the turn to route, which has a query but no responses yet. A user of the base is
/// a frozen context node; any other user is a fresh node per request, known only from
/// their support turns and the request's history, so requests never see each other.
package struct GMTRouter {
    let model: RouterModel
    let network: GMTNetwork
    let llmFeatures: Matrix
    let queryWidth: Int
    let context: GMTNetwork.Context
    /// Users with turns in the base, by id, with their global index.
    package let knownUsers: [String: Int32]
    /// The base's preference tallies and labelled queries, which the anchored model's
    /// priors read (nil for the paper's model, which has none).
    let priors: TurnPriors?

    /// Encodes `base` (whose user rows are the global users `userIDs`); `priors` reads its
    /// turns, and must be given for the anchored model.
    init(model: RouterModel, base: TurnGraph, userIDs: [String], priors: TurnPriors?) {
        precondition((model.gmt!.anchor == nil) == (priors == nil), "the anchored gmt model routes with priors, the paper's without")
        self.model = model
        self.priors = priors
        network = model.gmt!
        llmFeatures = base.llmFeatures
        queryWidth = base.queryWidth
        let tape = Tape(recording: false)
        context = network.encode(tape: tape, parameters: model.registeredParameters(tape), graph: base).levels
        var known: [String: Int32] = [:]
        for user in Set(base.turnUser) { known[userIDs[Int(user)]] = user }
        knownUsers = known
    }

    /// Encodes the turns of `splits` of `data` as the base.

    package init(model: RouterModel, data: ConversationData, splits: Set<Split>) {
        self.init(model: model, base: data.view(of: splits).graph, userIDs: data.graph.users,
                  priors: model.gmt!.anchor == nil ? nil : TurnPriors(data: data, splits: splits))
    }

    /// Requests routed per graph pass, to bound memory.
    static let chunkSize = 1024

    /// Each request's candidate scores, in candidate order. `support` holds, per user not
    /// in the base, their support conversations (turns in order).
    package func scores(_ requests: [TurnRequest], support: [String: [[TurnInput]]] = [:]) -> [[Float]] {
        var priors = priors
        for (user, conversations) in support.sorted(by: { $0.key < $1.key }) {
            for turn in conversations.joined() { priors?.history.add(user: user, turn: turn.feedback) }
        }
        return stride(from: 0, to: requests.count, by: Self.chunkSize).flatMap { start in
            chunkScores(requests[start..<min(start + Self.chunkSize, requests.count)], support: support, priors: priors)
        }
    }

    private func chunkScores(_ requests: ArraySlice<TurnRequest>, support: [String: [[TurnInput]]], priors: TurnPriors?) -> [[Float]] {
        var graph = TurnGraph(llmFeatures: llmFeatures, queryWidth: queryWidth)
        var frozenRow: [Int32: Int32] = [:]
        for request in requests {
            if let global = knownUsers[request.user], frozenRow[global] == nil {
                frozenRow[global] = graph.addUser()
                graph.frozenUsers.append(global)
            }
        }
        var turns: [Int32] = [], llms: [Int32] = []
        for request in requests {
            let user: Int32
            if let global = knownUsers[request.user] {
                user = frozenRow[global]!
            } else {
                user = graph.addUser()
                for conversation in support[request.user] ?? [] { addChain(conversation, user: user, to: &graph) }
            }
            let last = addChain(request.history, user: user, to: &graph)
            let target = graph.addTurn(user: user, previous: last, number: request.target.number, query: request.target.query, responses: [])
            turns += request.candidates.map { _ in target }
            llms += request.candidates
        }
        let tape = Tape(recording: false)
        let parameters = model.registeredParameters(tape)
        let states = network.encode(tape: tape, parameters: parameters, graph: graph, context: context).states
        let priorRows = priors.map { priors in
            Matrix(rows: llms.count, cols: TurnPriors.width, data: priors.features(requests.map {
                TurnPriors.Target(user: $0.user, history: $0.history.map(\.feedback), input: $0.target, candidates: $0.candidates)
            }))
        }
        let flat = tape.value(network.scores(tape: tape, parameters: parameters, states: states, graph: graph, turns: turns, llms: llms,
                                             priors: priorRows)).data
        var offset = 0
        return requests.map { request in
            defer { offset += request.candidates.count }
            return Array(flat[offset..<offset + request.candidates.count])
        }
    }

    /// Adds turns chained in order; returns the last one's row, or -1 for none.
    @discardableResult
    private func addChain(_ chain: [TurnInput], user: Int32, to graph: inout TurnGraph) -> Int32 {
        var previous: Int32 = -1
        for turn in chain {
            previous = graph.addTurn(user: user, previous: previous, number: turn.number, query: turn.query, responses: turn.responses)
        }
        return previous
    }
}
