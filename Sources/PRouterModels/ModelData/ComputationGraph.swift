import PRouterAutodiff

/// The four node types of the heterogeneous graph.
enum NodeKind: Int, CaseIterable, Sendable {
    case user, task, query, llm

    var name: String { ["user", "task", "query", "llm"][rawValue] }
}

/// A typed, directed edge type of the message passing.
struct Relation: Sendable {
    let name: String
    let source: NodeKind
    let target: NodeKind
    /// Whether the edges are query-LLM edges, which carry `[perf_norm, cost_norm, best, 1]`.
    let carriesOutcome: Bool

    /// user-task, task-query and query-LLM edges, in both directions.
    static let all: [Relation] = [
        Relation(name: "ut", source: .user, target: .task, carriesOutcome: false),
        Relation(name: "tu", source: .task, target: .user, carriesOutcome: false),
        Relation(name: "tq", source: .task, target: .query, carriesOutcome: false),
        Relation(name: "qt", source: .query, target: .task, carriesOutcome: false),
        Relation(name: "mq", source: .llm, target: .query, carriesOutcome: true),
        Relation(name: "qm", source: .query, target: .llm, carriesOutcome: true),
    ]
}

/// Neighbor lists for message passing: pool (observed) query nodes per task and
/// pool edges per LLM, and the user-task relation.
struct Neighborhoods: Sendable {
    var taskPool: [[Int32]]
    var llmPool: [[Int32]]
    var userTasks: [[Int32]]
    var taskUsers: [[Int32]]

    /// Empty neighbor lists of the right sizes.
    init(empty data: RoutingData) {
        taskPool = Array(repeating: [], count: data.taskIDs.count)
        llmPool = Array(repeating: [], count: data.llmIDs.count)
        userTasks = Array(repeating: [], count: data.userIDs.count)
        taskUsers = Array(repeating: [], count: data.taskIDs.count)
    }

    init(data: RoutingData) {
        taskPool = Array(repeating: [], count: data.taskIDs.count)
        llmPool = Array(repeating: [], count: data.llmIDs.count)
        userTasks = Array(repeating: [], count: data.userIDs.count)
        taskUsers = Array(repeating: [], count: data.taskIDs.count)
        var pairs = Set<Int64>()
        for node in 0..<data.nodeCount {
            let (user, task) = (data.nodeUser[node], data.nodeTask[node])
            if pairs.insert(Int64(user) << 32 | Int64(task)).inserted {
                userTasks[Int(user)].append(task)
                taskUsers[Int(task)].append(user)
            }
            guard data.isPool[node] else { continue }
            taskPool[Int(task)].append(Int32(node))
            for edge in data.edges(of: node) { llmPool[Int(data.edgeLLM[edge])].append(Int32(edge)) }
        }
    }
}

/// The nodes and edges one forward pass needs: `levels[0]` holds the input nodes,
/// `levels[L]` the nodes whose final embeddings are used, and block `l` connects
/// level `l` to level `l + 1`. Built top-down from the target query nodes, sampling at
/// most `fanout` neighbors per node and relation (all of them when `fanout` is nil).
struct ComputationGraph {
    struct Level {
        /// Global ids per node kind.
        var nodes: [[Int32]] = Array(repeating: [], count: NodeKind.allCases.count)
        var lookup = [IndexMap](repeating: IndexMap(), count: NodeKind.allCases.count)

        mutating func local(_ kind: NodeKind, _ id: Int32) -> Int32 {
            lookup[kind.rawValue].position(of: id, in: &nodes[kind.rawValue])
        }
    }

    struct Edges {
        var source: [Int32] = []
        var target: [Int32] = []
        /// The global query-LLM edge of each edge, for relations that carry outcomes.
        var queryEdge: [Int32] = []
    }

    struct Block {
        /// Per relation (indexed like `Relation.all`).
        var edges: [Edges] = Array(repeating: Edges(), count: Relation.all.count)
        /// Per node kind: where each upper-level node sits in the lower level.
        var selfIndex: [[Int32]] = Array(repeating: [], count: NodeKind.allCases.count)
    }

    var levels: [Level]
    var blocks: [Block]
    /// The target query nodes, whose edges are masked.
    let targets: [Int]

    /// The computation graph of `targets`, with all LLMs at the top level.
    init(targets: [Int], layers: Int, fanout: Int?, includeUsers: Bool, data: RoutingData,
         neighborhoods: Neighborhoods, generator: inout SplitMix64) {
        var top = Level()
        for node in targets {
            _ = top.local(.query, Int32(node))
            _ = top.local(.task, data.nodeTask[node])
            if includeUsers { _ = top.local(.user, data.nodeUser[node]) }
        }
        for llm in 0..<data.llmIDs.count { _ = top.local(.llm, Int32(llm)) }
        self.init(top: top, targets: targets, layers: layers, fanout: fanout, includeUsers: includeUsers, data: data,
                  neighborhoods: neighborhoods, generator: &generator)
    }

    /// The computation graph of every task, LLM and user (for ``ContextStates``), with all neighbors.
    init(contextOf data: RoutingData, layers: Int, includeUsers: Bool, neighborhoods: Neighborhoods) {
        var top = Level()
        for task in 0..<data.taskIDs.count { _ = top.local(.task, Int32(task)) }
        for llm in 0..<data.llmIDs.count { _ = top.local(.llm, Int32(llm)) }
        if includeUsers { for user in 0..<data.userIDs.count { _ = top.local(.user, Int32(user)) } }
        var generator = SplitMix64(seed: 0)
        self.init(top: top, targets: [], layers: layers, fanout: nil, includeUsers: includeUsers, data: data,
                  neighborhoods: neighborhoods, generator: &generator)
    }

    /// The graph that scores `targets` from ``ContextStates``: every level holds the targets and
    /// all tasks, LLMs and users; blocks carry only the edges into the targets (from their task
    /// and their candidate LLMs), since the other nodes' states come from the context.
    init(targets: [Int], shallowLayers layers: Int, includeUsers: Bool, data: RoutingData) {
        self.targets = targets
        var level = Level()
        for node in targets { _ = level.local(.query, Int32(node)) }
        for task in 0..<data.taskIDs.count { _ = level.local(.task, Int32(task)) }
        for llm in 0..<data.llmIDs.count { _ = level.local(.llm, Int32(llm)) }
        if includeUsers { for user in 0..<data.userIDs.count { _ = level.local(.user, Int32(user)) } }
        var block = Block()
        for kind in NodeKind.allCases {
            block.selfIndex[kind.rawValue] = (0..<Int32(level.nodes[kind.rawValue].count)).map { $0 }
        }
        for (local, node) in targets.enumerated() {
            block.edges[2].source.append(data.nodeTask[node])
            block.edges[2].target.append(Int32(local))
            for edge in data.edges(of: node) {
                block.edges[4].source.append(data.edgeLLM[edge])
                block.edges[4].target.append(Int32(local))
                block.edges[4].queryEdge.append(Int32(edge))
            }
        }
        levels = Array(repeating: level, count: layers + 1)
        blocks = Array(repeating: block, count: layers)
    }

    private init(top: Level, targets: [Int], layers: Int, fanout: Int?, includeUsers: Bool, data: RoutingData,
                 neighborhoods: Neighborhoods, generator: inout SplitMix64) {
        self.targets = targets
        var levelsTopDown = [top]
        var blocksTopDown: [Block] = []
        for _ in 0..<layers {
            let upper = levelsTopDown.last!
            var lower = Level()
            var block = Block()
            for kind in NodeKind.allCases {
                block.selfIndex[kind.rawValue] = upper.nodes[kind.rawValue].map { lower.local(kind, $0) }
            }
            func connect(_ relation: Int, _ source: NodeKind, _ sourceID: Int32, _ targetLocal: Int, edge: Int32 = -1) {
                block.edges[relation].source.append(lower.local(source, sourceID))
                block.edges[relation].target.append(Int32(targetLocal))
                if edge >= 0 { block.edges[relation].queryEdge.append(edge) }
            }
            for (local, node) in upper.nodes[NodeKind.query.rawValue].enumerated() {
                connect(2, .task, data.nodeTask[Int(node)], local)
                for edge in data.edges(of: Int(node)) { connect(4, .llm, data.edgeLLM[edge], local, edge: Int32(edge)) }
            }
            for (local, task) in upper.nodes[NodeKind.task.rawValue].enumerated() {
                for node in Self.sample(neighborhoods.taskPool[Int(task)], fanout, &generator) { connect(3, .query, node, local) }
                if includeUsers {
                    for user in Self.sample(neighborhoods.taskUsers[Int(task)], fanout, &generator) { connect(0, .user, user, local) }
                }
            }
            for (local, llm) in upper.nodes[NodeKind.llm.rawValue].enumerated() {
                for edge in Self.sample(neighborhoods.llmPool[Int(llm)], fanout, &generator) {
                    connect(5, .query, data.edgeNode[Int(edge)], local, edge: edge)
                }
            }
            for (local, user) in upper.nodes[NodeKind.user.rawValue].enumerated() {
                for task in neighborhoods.userTasks[Int(user)] { connect(1, .task, task, local) }
            }
            levelsTopDown.append(lower)
            blocksTopDown.append(block)
        }
        levels = levelsTopDown.reversed()
        blocks = blocksTopDown.reversed()
    }

    /// Up to `fanout` distinct elements of `items` (all when nil or enough).
    static func sample(_ items: [Int32], _ fanout: Int?, _ generator: inout SplitMix64) -> [Int32] {
        guard let fanout, items.count > fanout else { return items }
        var chosen = Set<Int>()
        var result: [Int32] = []
        while result.count < fanout {
            let pick = generator.below(items.count)
            if chosen.insert(pick).inserted { result.append(items[pick]) }
        }
        return result
    }
}
