import PRouterAutodiff
import PRouterIO

/// How to split a graph and which users and LLMs to hold out as new.
public struct GraphBuildOptions: Sendable, Equatable {
    public var splitUnit: SplitUnit = .query
    /// Train, validation and test weights (normalized to sum to 1).
    public var fractions: [Double] = [0.7, 0.1, 0.2]
    public var seed: UInt64 = 0
    /// Test this fold of a K-fold split instead of `fractions`' test share; training and
    /// validation divide the rest in the ratio of `fractions`' first two.
    public var fold: Fold?
    /// Few-shot support interactions kept per new user and per new LLM.
    public var shots: Int = 5
    /// Hold out the first N users by order of appearance...
    public var newUserCount: Int = 0
    /// ...or these users.
    public var newUserIDs: [String] = []
    /// Hold out the first M LLMs by order of appearance...
    public var newLLMCount: Int = 0
    /// ...or these LLMs.
    public var newLLMIDs: [String] = []

    public init() {}

    /// The train, validation and test shares, summing to 1: the fractions scaled, or with a
    /// fold, its share for test and the rest in the ratio of the first two fractions.
    var normalizedFractions: [Double] {
        guard let fold else {
            let total = fractions.reduce(0, +)
            return fractions.map { $0 / total }
        }
        let rest = 1 - 1 / Double(fold.count)
        let train = rest * fractions[0] / (fractions[0] + fractions[1])
        return [train, rest - train, 1 / Double(fold.count)]
    }
}

/// Accumulates interactions, then builds a split ``Graph``.
///
/// Performance and cost features are min-max normalized per task over all the edges
/// read (the same scope `pr-sim` uses over the response table).
public struct GraphBuilder {
    private var mode: GraphMode?
    private var users = Interner()
    private var tasks = Interner()
    private var llms = Interner()
    private var queries = Interner()
    private var queryTask: [UInt32] = []
    private var queryText: [String] = []
    private var queryLocation: [SourceLocation] = []
    private var nodeIndex: [UInt64: UInt32] = [:]
    private var nodeUser: [UInt32] = []
    private var nodeQuery: [UInt32] = []
    private var nodeLocation: [SourceLocation] = []
    private var edgeNode: [UInt32] = []
    private var edgeLLM: [UInt32] = []
    private var edgePerformance: [Double] = []
    private var edgeCost: [Double] = []
    private var edgeReward: [Double] = []
    private var edgeBest: [Bool] = []
    private var edgeKeys: Set<UInt64> = []

    public init() {}

    /// Adds one interaction; inconsistent or duplicate records are errors at their line.
    public mutating func add(_ interaction: Interaction) throws {
        let location = interaction.location ?? SourceLocation(file: "<input>", line: 0)
        let recordMode: GraphMode = interaction.reward == nil ? .judge : .cost
        if let mode, mode != recordMode {
            throw DataError(mode == .cost ? "missing (earlier lines have rewards: cost mode)"
                                          : "unexpected (earlier lines have no reward: judge mode)",
                            at: location, field: "reward")
        }
        mode = recordMode

        let (query, isNewQuery) = queries.intern(interaction.queryID)
        let task = tasks.intern(interaction.task).index
        if isNewQuery {
            queryTask.append(task)
            queryText.append(interaction.query)
            queryLocation.append(location)
        } else if queryTask[Int(query)] != task {
            throw DataError("query \"\(interaction.queryID)\" has task \"\(tasks.names[Int(queryTask[Int(query)])])\" at \(queryLocation[Int(query)])",
                            at: location, field: "task")
        } else if queryText[Int(query)] != interaction.query {
            throw DataError("query \"\(interaction.queryID)\" has a different text at \(queryLocation[Int(query)])",
                            at: location, field: "query")
        }

        let user = users.intern(interaction.user).index
        let key = UInt64(user) << 32 | UInt64(query)
        let node: UInt32
        if let existing = nodeIndex[key] {
            node = existing
        } else {
            node = UInt32(nodeUser.count)
            nodeIndex[key] = node
            nodeUser.append(user)
            nodeQuery.append(query)
            nodeLocation.append(location)
        }
        let llm = llms.intern(interaction.llm).index
        guard edgeKeys.insert(UInt64(node) << 32 | UInt64(llm)).inserted else {
            throw DataError("duplicate interaction of user \"\(interaction.user)\", query \"\(interaction.queryID)\" and this LLM",
                            at: location, field: "llm")
        }
        edgeNode.append(node)
        edgeLLM.append(llm)
        edgePerformance.append(interaction.performance)
        edgeCost.append(interaction.cost)
        if let reward = interaction.reward { edgeReward.append(reward) }
        edgeBest.append(interaction.best)
    }

    /// Reads every interaction of a JSONL file (`-` for standard input), parsing on all cores.
    public mutating func addAll(from path: String) throws {
        try JSONLReader(path: path).forEachDecoded({ try Interaction($0) }) { try add($0) }
    }

    /// Builds the graph: labels, features, split, held-out users and LLMs.
    public func build(_ options: GraphBuildOptions) throws -> Graph {
        guard let mode, !nodeUser.isEmpty else { throw DataError("no interactions in the input") }
        let labels = try bestLLMs()
        let newUsers = try Self.resolve(options.newUserIDs, count: options.newUserCount, in: users, what: "user")
        let newLLMs = try Self.resolve(options.newLLMIDs, count: options.newLLMCount, in: llms, what: "LLM")
        if newUsers.count >= users.count { throw UsageError("at least one user must stay in training") }
        if newLLMs.count >= llms.count { throw UsageError("at least one LLM must stay in training") }

        var split = assignSplits(options)
        var dropped = [Bool](repeating: false, count: nodeUser.count)
        holdOutUsers(newUsers, options: options, split: &split, dropped: &dropped)
        let status = holdOutLLMs(newLLMs, options: options, split: split)

        let settings = GraphSettings(splitUnit: options.splitUnit, fractions: options.normalizedFractions,
                                     seed: options.seed, fold: options.fold, shots: options.shots,
                                     newUsers: newUsers.map { users.names[Int($0)] },
                                     newLLMs: newLLMs.map { llms.names[Int($0)] },
                                     droppedNodes: dropped.filter { $0 }.count)
        return compact(mode: mode, settings: settings, labels: labels, split: split, dropped: dropped, status: status)
    }

    /// The best LLM of every node; exactly one edge per node must be marked best.
    private func bestLLMs() throws -> [UInt32] {
        var labels = [UInt32](repeating: UInt32.max, count: nodeUser.count)
        var counts = [Int](repeating: 0, count: nodeUser.count)
        for edge in edgeNode.indices where edgeBest[edge] {
            counts[Int(edgeNode[edge])] += 1
            labels[Int(edgeNode[edge])] = edgeLLM[edge]
        }
        if let node = counts.firstIndex(where: { $0 != 1 }) {
            throw DataError("user \"\(users.names[Int(nodeUser[node])])\" and query \"\(queries.names[Int(nodeQuery[node])])\" have \(counts[node]) LLMs marked best, expected exactly one",
                            at: nodeLocation[node], field: "best")
        }
        return labels
    }

    static func resolve(_ ids: [String], count: Int, in interner: Interner, what: String) throws -> [UInt32] {
        if ids.isEmpty { return (0..<UInt32(min(count, interner.count))).map { $0 } }
        return try ids.map { id in
            guard let index = interner.lookup(id) else { throw UsageError("no \(what) \"\(id)\" in the input") }
            return index
        }
    }

    /// Shuffles the split units (query ids, or nodes) and cuts them by the fractions.
    private func assignSplits(_ options: GraphBuildOptions) -> [Split] {
        let unitSplit = Self.cutSplits(unitCount: options.splitUnit == .query ? queries.count : nodeUser.count, options: options)
        if options.splitUnit == .node { return unitSplit }
        return nodeQuery.map { unitSplit[Int($0)] }
    }

    /// Shuffles `unitCount` split units with the options' seed and cuts them by the fractions,
    /// or with a fold, takes the fold's positions for test and cuts the rest by the first two.
    static func cutSplits(unitCount: Int, options: GraphBuildOptions) -> [Split] {
        var order = Array(0..<unitCount)
        var generator = SplitMix64(seed: options.seed)
        generator.shuffle(&order)
        var unitSplit = [Split](repeating: .test, count: unitCount)
        let tested = options.fold?.positions(unitCount: unitCount) ?? unitCount..<unitCount
        let rest = Array(order[..<tested.lowerBound] + order[tested.upperBound...])
        let shares = options.fractions.prefix(options.fold == nil ? 3 : 2)
        let total = shares.reduce(0, +)
        let trainCount = Int((Double(rest.count) * shares[0] / total).rounded())
        let validationCount = min(rest.count - trainCount, Int((Double(rest.count) * shares[1] / total).rounded()))
        for (position, unit) in rest.enumerated() {
            if position < trainCount {
                unitSplit[unit] = .train
            } else if position < trainCount + validationCount {
                unitSplit[unit] = .validation
            }
        }
        return unitSplit
    }

    /// New users keep their test nodes and `shots` of their training nodes as support;
    /// their other training and validation nodes are dropped.
    private func holdOutUsers(_ newUsers: [UInt32], options: GraphBuildOptions,
                              split: inout [Split], dropped: inout [Bool]) {
        for user in newUsers {
            let candidates = nodeUser.indices.filter { nodeUser[$0] == user && split[$0] == .train }
            var generator = SplitMix64(seed: options.seed, stream: 0x7573_6572_0000_0000 | UInt64(user))
            let chosen = Set(generator.sample(options.shots, of: candidates.count).map { candidates[$0] })
            for node in nodeUser.indices where nodeUser[node] == user {
                if chosen.contains(node) {
                    split[node] = .support
                } else if split[node] != .test {
                    dropped[node] = true
                }
            }
        }
    }

    /// Edges to new LLMs are hidden on training and validation nodes, except on
    /// `shots` training nodes per LLM, where they are kept as support.
    private func holdOutLLMs(_ newLLMs: [UInt32], options: GraphBuildOptions, split: [Split]) -> [EdgeStatus] {
        var status = [EdgeStatus](repeating: .visible, count: edgeNode.count)
        for llm in newLLMs {
            let edges = edgeLLM.indices.filter { edgeLLM[$0] == llm && split[Int(edgeNode[$0])] != .test }
            let candidates = edges.filter { split[Int(edgeNode[$0])] == .train }
            var generator = SplitMix64(seed: options.seed, stream: 0x6C6C_6D00_0000_0000 | UInt64(llm))
            let chosen = Set(generator.sample(options.shots, of: candidates.count).map { candidates[$0] })
            for edge in edges { status[edge] = chosen.contains(edge) ? .support : .hidden }
        }
        return status
    }

    /// Removes dropped nodes, groups edges by node and computes features and user-task edges.
    private func compact(mode: GraphMode, settings: GraphSettings, labels: [UInt32], split: [Split],
                         dropped: [Bool], status: [EdgeStatus]) -> Graph {
        var nodeMap = [Int](repeating: -1, count: nodeUser.count)
        var queryMap = [Int](repeating: -1, count: queries.count)
        var graph = Graph(mode: mode, settings: settings, users: users.names, tasks: tasks.names, llms: llms.names,
                          queryIDs: [], queryTexts: [], nodeUser: [], nodeTask: [], nodeQuery: [], nodeSplit: [],
                          nodeLabel: [], userTaskUser: [], userTaskTask: [], edgeNode: [], edgeLLM: [],
                          featureNames: mode == .cost ? ["perf_norm", "cost_norm"] : ["best"],
                          edgeFeatures: [], edgeBest: [], edgeStatus: [], edgePerformance: [], edgeCost: [],
                          edgeReward: [])
        var userTasks = Set<UInt64>()
        for node in nodeUser.indices where !dropped[node] {
            nodeMap[node] = graph.nodeUser.count
            let query = Int(nodeQuery[node])
            if queryMap[query] < 0 {
                queryMap[query] = graph.queryIDs.count
                graph.queryIDs.append(queries.names[query])
                graph.queryTexts.append(queryText[query])
            }
            graph.nodeUser.append(nodeUser[node])
            graph.nodeTask.append(queryTask[query])
            graph.nodeQuery.append(UInt32(queryMap[query]))
            graph.nodeSplit.append(split[node])
            graph.nodeLabel.append(labels[node])
            userTasks.insert(UInt64(nodeUser[node]) << 32 | UInt64(queryTask[query]))
        }
        for pair in userTasks.sorted() {
            graph.userTaskUser.append(UInt32(pair >> 32))
            graph.userTaskTask.append(UInt32(pair & 0xFFFF_FFFF))
        }

        let (performanceRange, costRange) = taskRanges()
        var order = edgeNode.indices.filter { nodeMap[Int(edgeNode[$0])] >= 0 }
        order.sort { (nodeMap[Int(edgeNode[$0])], $0) < (nodeMap[Int(edgeNode[$1])], $1) }
        for edge in order {
            let task = Int(queryTask[Int(nodeQuery[Int(edgeNode[edge])])])
            graph.edgeNode.append(UInt32(nodeMap[Int(edgeNode[edge])]))
            graph.edgeLLM.append(edgeLLM[edge])
            graph.edgeBest.append(edgeBest[edge])
            graph.edgeStatus.append(status[edge])
            graph.edgePerformance.append(edgePerformance[edge])
            graph.edgeCost.append(edgeCost[edge])
            if mode == .cost {
                graph.edgeReward.append(edgeReward[edge])
                graph.edgeFeatures.append(Float(performanceRange[task].normalize(edgePerformance[edge])))
                graph.edgeFeatures.append(Float(costRange[task].normalize(edgeCost[edge])))
            } else {
                graph.edgeFeatures.append(edgeBest[edge] ? 1 : 0)
            }
        }
        return graph
    }

    private func taskRanges() -> ([MinMax], [MinMax]) {
        var performance = [MinMax](repeating: MinMax(), count: tasks.count)
        var cost = [MinMax](repeating: MinMax(), count: tasks.count)
        for edge in edgeNode.indices {
            let task = Int(queryTask[Int(nodeQuery[Int(edgeNode[edge])])])
            performance[task].add(edgePerformance[edge])
            cost[task].add(edgeCost[edge])
        }
        return (performance, cost)
    }
}
