import PRouterAutodiff
import PRouterGraph
import PRouterIO

/// The model's view of a graph: features, candidate edges, training targets,
/// the pool of observed query nodes, and adjacency for message passing.
///
/// Observed nodes (the pool) are the training nodes (and, at routing time, the
/// support nodes of new users and, unless the validation split is being routed, the
/// validation nodes): their query-LLM edges carry features
/// `[perf_norm, cost_norm, best, 1]`. Every other edge (validation, test, new queries,
/// and the edges of the nodes being predicted in a training step) carries zeros, so no
/// label or reward leaks through message passing. Hidden edges (new LLMs outside their
/// support) are never part of the structure; support edges of new LLMs join only at
/// routing time.
public struct RoutingData: Sendable {
    public static let edgeInputWidth = 4

    public var mode: GraphMode
    public private(set) var userIDs: [String]
    private var userLookup: [String: Int32] = [:]
    public var taskIDs: [String]
    public var llmIDs: [String]
    public var queryFeatures: Matrix
    /// The text of each query feature row.
    public var queryTexts: [String]
    public var taskFeatures: Matrix
    public var llmFeatures: Matrix

    /// Per query node.
    public var nodeUser: [Int32] = []
    public var nodeTask: [Int32] = []
    public var nodeQueryRow: [Int32] = []
    public var nodeSplit: [Split] = []
    public var nodeQueryID: [String] = []
    /// Candidate edges of node n: `edgeStart[n]..<edgeStart[n+1]`.
    public var edgeStart: [Int] = [0]
    public var edgeLLM: [Int32] = []
    /// The query node of each edge.
    public var edgeNode: [Int32] = []
    /// `[perf_norm, cost_norm, best, 1]` per edge, used only where observed.
    public var edgeInput: [Float] = []
    public var edgeBest: [Bool] = []
    public var edgeReward: [Double] = []

    /// Whether a node's edges are observed (its outcomes known to the model).
    public var isPool: [Bool] = []
    /// Per task, the ranges that normalize performance and cost (over the graph's edges).
    package var performanceRange: [MinMax] = []
    package var costRange: [MinMax] = []

    public var nodeCount: Int { nodeUser.count }

    /// Builds the view of `graph`; `routing` adds support edges of new LLMs and support nodes
    /// to the pool, and `validationObserved` the validation nodes (once training has chosen
    /// its epoch and model on them, routing uses every labeled query, as the table baselines do).
    public init(graph: Graph, routing: Bool, validationObserved: Bool = false) throws {
        guard let features = graph.features else {
            throw DataError("the graph has no node features: run pr-embed first")
        }
        mode = graph.mode
        userIDs = graph.users
        for (index, id) in graph.users.enumerated() { userLookup[id] = Int32(index) }
        taskIDs = graph.tasks
        llmIDs = graph.llms
        queryFeatures = features.query
        queryTexts = graph.queryTexts
        taskFeatures = features.task
        llmFeatures = features.llm
        performanceRange = [MinMax](repeating: MinMax(), count: graph.tasks.count)
        costRange = performanceRange
        for edge in 0..<graph.edgeCount {
            let task = Int(graph.nodeTask[Int(graph.edgeNode[edge])])
            performanceRange[task].add(graph.edgePerformance[edge])
            costRange[task].add(graph.edgeCost[edge])
        }
        // Whole arrays at a time, three side by side: the kept edges (hidden ones never,
        // support ones only when routing; usually all of them, then no index is needed),
        // then each per-edge array in one pass.
        func keeps(_ status: EdgeStatus) -> Bool {
            switch status {
            case .hidden: false
            case .support: routing
            case .visible: true
            }
        }
        let kept: [Int]? = graph.edgeStatus.allSatisfy(keeps) ? nil : (0..<graph.edgeCount).filter { keeps(graph.edgeStatus[$0]) }
        let keptCount = kept?.count ?? graph.edgeCount
        @Sendable func gathered<T, U>(_ source: [T], _ transform: (T) -> U) -> [U] {
            kept.map { $0.map { transform(source[$0]) } } ?? source.map(transform)
        }
        let (performanceRange, costRange) = (performanceRange, costRange)
        let ends: (node: [Int32], llm: [Int32])
        let outcomes: (best: [Bool], reward: [Double])
        (ends, outcomes, edgeInput) = concurrently({
            (gathered(graph.edgeNode) { Int32($0) }, gathered(graph.edgeLLM) { Int32($0) })
        }, {
            (gathered(graph.edgeBest) { $0 },
             graph.mode == .cost ? gathered(graph.edgeReward) { $0 } : [Double](repeating: 0, count: keptCount))
        }, {
            let width = Self.edgeInputWidth
            return [Float](unsafeUninitializedCapacity: keptCount * width) { input, initialized in
                for row in 0..<keptCount {
                    let edge = kept?[row] ?? row
                    let task = Int(graph.nodeTask[Int(graph.edgeNode[edge])])
                    input[row * width] = Float(performanceRange[task].normalize(graph.edgePerformance[edge]))
                    input[row * width + 1] = Float(costRange[task].normalize(graph.edgeCost[edge]))
                    input[row * width + 2] = graph.edgeBest[edge] ? 1 : 0
                    input[row * width + 3] = 1
                }
                initialized = keptCount * width
            }
        })
        (edgeNode, edgeLLM, edgeBest, edgeReward) = (ends.node, ends.llm, outcomes.best, outcomes.reward)
        edgeStart = segmentStarts(of: edgeNode, count: graph.nodeCount)
        nodeUser = graph.nodeUser.map { Int32($0) }
        nodeTask = graph.nodeTask.map { Int32($0) }
        nodeQueryRow = graph.nodeQuery.map { Int32($0) }
        nodeSplit = graph.nodeSplit
        nodeQueryID = graph.nodeQuery.map { graph.queryIDs[Int($0)] }
        isPool = graph.nodeSplit.map { split in
            split == .train || (routing && split == .support) || (validationObserved && split == .validation)
        }
    }

    /// Room for `nodes` more nodes and `edges` more edges in every per-node and per-edge
    /// array. An array that must grow grows by at least half its size, so that reserving
    /// for batch after batch (streamed lines) does not copy it every time.
    package mutating func reserve(nodes: Int, edges: Int) {
        func grow<Element>(_ array: inout [Element], by extra: Int) {
            let needed = array.count + extra
            if array.capacity < needed { array.reserveCapacity(max(needed, array.count + array.count / 2)) }
        }
        grow(&nodeUser, by: nodes)
        grow(&nodeTask, by: nodes)
        grow(&nodeQueryRow, by: nodes)
        grow(&nodeSplit, by: nodes)
        grow(&nodeQueryID, by: nodes)
        grow(&isPool, by: nodes)
        grow(&edgeStart, by: nodes)
        grow(&edgeLLM, by: edges)
        grow(&edgeNode, by: edges)
        grow(&edgeInput, by: edges * Self.edgeInputWidth)
        grow(&edgeBest, by: edges)
        grow(&edgeReward, by: edges)
    }

    /// One candidate edge of a query node: its LLM, normalized outcome and reward.
    package struct CandidateEdge {
        var llm: Int32
        var performance: Float = 0
        var cost: Float = 0
        var best = false
        var reward = 0.0

        package init(llm: Int32, performance: Float = 0, cost: Float = 0, best: Bool = false, reward: Double = 0) {
            self.llm = llm
            self.performance = performance
            self.cost = cost
            self.best = best
            self.reward = reward
        }
    }

    /// Adds a query node with its candidate edges.
    package mutating func appendNode(user: Int32, task: Int32, queryRow: Int32, split: Split, queryID: String, observed: Bool,
                             edges: [CandidateEdge]) {
        nodeUser.append(user)
        nodeTask.append(task)
        nodeQueryRow.append(queryRow)
        nodeSplit.append(split)
        nodeQueryID.append(queryID)
        isPool.append(observed)
        for edge in edges {
            edgeNode.append(Int32(nodeUser.count - 1))
            edgeLLM.append(edge.llm)
            edgeInput.append(edge.performance)
            edgeInput.append(edge.cost)
            edgeInput.append(edge.best ? 1 : 0)
            edgeInput.append(1)
            edgeBest.append(edge.best)
            edgeReward.append(edge.reward)
        }
        edgeStart.append(edgeLLM.count)
    }

    /// The candidate edges of `node`.
    public func edges(of node: Int) -> Range<Int> { edgeStart[node]..<edgeStart[node + 1] }

    /// What choosing `edge` is worth: its reward (cost mode) or 1 when it was the
    /// preferred LLM, else 0 (judge mode). The table policies average it; validation sums it.
    func outcome(of edge: Int) -> Double { mode == .cost ? edgeReward[edge] : edgeBest[edge] ? 1 : 0 }

    /// The index, within `node`'s candidates, of the LLM to learn: the highest reward
    /// (cost mode) or the best bit (judge mode) among the candidates the node has.
    /// Nil when the best LLM is not among them (judge mode with a hidden LLM).
    public func target(of node: Int) -> Int? {
        let range = edges(of: node)
        guard !range.isEmpty else { return nil }
        if mode == .judge {
            return range.firstIndex { edgeBest[$0] }.map { $0 - range.lowerBound }
        }
        var best = range.lowerBound
        for edge in range where edgeReward[edge] > edgeReward[best] { best = edge }
        return best - range.lowerBound
    }
}

extension RoutingData {
    /// The index of LLM `id`, if the graph has it.
    package func llmIndex(_ id: String) -> Int? { llmIDs.firstIndex(of: id) }

    /// Adds an LLM that is not in the graph, with its feature row.
    package mutating func appendLLM(_ id: String, features: [Float]) throws {
        guard features.count == llmFeatures.cols else {
            throw DataError("LLM \"\(id)\" has \(features.count) feature values, the graph's LLMs have \(llmFeatures.cols)")
        }
        llmIDs.append(id)
        llmFeatures.data.append(contentsOf: features)
        llmFeatures.rows += 1
    }

    /// The index of task `id`, if the graph has it.
    package func taskIndex(_ id: String) -> Int? { taskIDs.firstIndex(of: id) }

    /// The index of user `id`; with `adding`, a new user is appended when unknown.
    package mutating func userIndex(_ id: String, adding: Bool) -> Int32? {
        if let index = userLookup[id] { return index }
        guard adding else { return nil }
        userIDs.append(id)
        userLookup[id] = Int32(userIDs.count - 1)
        return Int32(userIDs.count - 1)
    }

    /// Appends a query feature row with its text and returns its index.
    package mutating func appendQueryRow(_ vector: [Float], text: String) throws -> Int32 {
        guard vector.count == queryFeatures.cols else {
            throw DataError("a query vector has \(vector.count) values, the graph's have \(queryFeatures.cols)")
        }
        queryFeatures.data.append(contentsOf: vector)
        queryFeatures.rows += 1
        queryTexts.append(text)
        return Int32(queryFeatures.rows - 1)
    }
}
