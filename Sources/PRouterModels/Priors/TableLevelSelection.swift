
extension TableLevel {
    /// The level whose table routes `nodes` best when each query is left out of its own
    /// fit, with every level's figure (mean reward in cost mode, accuracy in judge mode).
    /// A level other than the finest, user-task, must beat it by more than `significance`
    /// paired standard errors (clustered by query): the levels' figures differ by noise
    /// more often than not.
    ///
    /// The tables are fitted on `nodes`; each query (all users' copies of it, which share
    /// its outcomes) is then removed, its nodes routed at every level, and put back. Every
    /// labeled node helps choose, instead of the few validation queries alone. Ties go to
    /// the finer level.
    static func crossValidated(nodes: [Int], data: RoutingData, significance: Double) -> (level: TableLevel, figures: [Double]) {
        let llmCount = data.llmIDs.count
        var tables = OutcomeTables(llmCount: llmCount, taskCount: data.taskIDs.count)
        for node in nodes { tables.add(node: node, data: data, weight: 1) }
        let groups = data.queryGroups(nodes)
        var outcomes = [PredictionContext.Outcome](repeating: PredictionContext.Outcome(), count: allCases.count)
        for group in groups {
            for node in group { tables.add(node: node, data: data, weight: -1) }
            for node in group {
                let edges = data.edges(of: node).filter { Int(data.edgeLLM[$0]) < llmCount }
                guard !edges.isEmpty else { continue }
                for (index, level) in allCases.enumerated() {
                    let scores = edges.map { tables.score(level, user: Int(data.nodeUser[node]), task: Int(data.nodeTask[node]),
                                                          llm: Int(data.edgeLLM[$0])) }
                    outcomes[index].record(node: node, chosen: edges[scores.indices.max { scores[$0] < scores[$1] }!], data: data)
                }
            }
            for node in group { tables.add(node: node, data: data, weight: 1) }
        }
        let figures = outcomes.map { $0.figure(mode: data.mode) }
        let best = figures.indices.max { figures[$0] < figures[$1] }!
        return (outcomes[best].pairedGain(over: outcomes[0]).isSignificant(significance) ? allCases[best] : .userTask, figures)
    }
}

extension OutcomeTables {
    /// Records (weight 1) or removes (weight -1) the outcomes of every candidate of query
    /// node `node` of `data` whose LLM the tables know.
    mutating func add(node: Int, data: RoutingData, weight: Double) {
        let (user, task) = (Int(data.nodeUser[node]), Int(data.nodeTask[node]))
        let start = pair(user: user, task: task)
        for edge in data.edges(of: node) where Int(data.edgeLLM[edge]) < llmCount {
            add(pair: start, user: user, task: task, llm: Int(data.edgeLLM[edge]), value: data.outcome(of: edge), weight: weight)
        }
    }
}

extension RoutingData {
    /// `nodes` grouped by query (feature row), groups in order of first appearance: every
    /// user's copy of a query shares its outcomes, so cross-validation leaves out a group.
    func queryGroups(_ nodes: [Int]) -> [[Int]] {
        var groups: [[Int]] = []
        var groupOf: [Int32: Int] = [:]
        for node in nodes {
            let query = nodeQueryRow[node]
            if groupOf[query] == nil {
                groupOf[query] = groups.count
                groups.append([])
            }
            groups[groupOf[query]!].append(node)
        }
        return groups
    }
}

extension ModelConfig {
    /// Sets ``tableLevel`` to the level that cross-validation on `nodes` chooses.
    mutating func chooseTableLevel(nodes: [Int], data: RoutingData, options: TrainingOptions) {
        tableLevel = TableLevel.crossValidated(nodes: nodes, data: data, significance: options.significance).level
    }
}
