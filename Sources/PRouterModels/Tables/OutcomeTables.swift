import PRouterIO

/// How finely a table policy looks up an LLM's record.
public enum TableLevel: String, Sendable, CaseIterable {
    /// The LLM's record for this user on this task.
    case userTask = "user-task"
    /// The LLM's record for this user, over every task.
    case user
    /// The LLM's record on this task, over every user.
    case task
    /// The LLM's record over everything.
    case single
}

/// Mean outcomes per LLM at four levels (single, per task, per user, per user and task),
/// each shrunk towards the broader one: a cell's mean counts `pseudoCount` extra
/// observations at its prior. The prior of a (task, LLM) or (user, LLM) cell is the
/// LLM's overall mean; that of a (user, task, LLM) cell is additive,
/// `user(m) + task(m) - single(m)`; that of the overall mean, the mean of every outcome.
///
/// An outcome is the reward (cost mode) or 1 for the preferred LLM, else 0 (judge mode),
/// so a table's route is the best LLM by mean reward or by preference rate.
/// Sums are accumulated in insertion order, so the same observations in the same order
/// give the same bits.
package struct OutcomeTables: Sendable {
    /// One cell's sum and count.
    struct Cell: Sendable {
        var sum = 0.0
        var count = 0.0

        mutating func add(_ value: Double, weight: Double) {
            sum += weight * value
            count += weight
        }

        func mean(prior: Double, pseudoCount: Double) -> Double {
            (sum + pseudoCount * prior) / (count + pseudoCount)
        }
    }

    let llmCount: Int
    let taskCount: Int
    let pseudoCount: Double
    private var all = Cell()
    private var single: [Cell]
    private var task: [Cell]
    private var user: [Cell]
    /// Where each (user, task) pair's `llmCount` cells start in `userTaskCells` (plain
    /// values throughout, so that a copy is a copy of memory).
    private var userTaskStart: [Int64: Int] = [:]
    private var userTaskCells: [Cell] = []

    package init(llmCount: Int, taskCount: Int, pseudoCount: Double = 5) {
        self.llmCount = llmCount
        self.taskCount = taskCount
        self.pseudoCount = pseudoCount
        single = Array(repeating: Cell(), count: llmCount)
        task = Array(repeating: Cell(), count: llmCount * taskCount)
        user = []
    }

    /// Records (or, with `weight` -1, removes) one outcome of `llm` for `user` on `task`.
    package mutating func add(user u: Int, task t: Int, llm m: Int, value: Double, weight: Double = 1) {
        add(pair: pair(user: u, task: t), user: u, task: t, llm: m, value: value, weight: weight)
    }

    /// Where the cells of the (`user`, `task`) pair start, made when new: look it up once
    /// for all of a query's outcomes.
    mutating func pair(user u: Int, task t: Int) -> Int {
        while user.count < (u + 1) * llmCount { user.append(Cell()) }
        let key = Int64(u) << 32 | Int64(t)
        if let start = userTaskStart[key] { return start }
        userTaskStart[key] = userTaskCells.count
        userTaskCells += Array(repeating: Cell(), count: llmCount)
        return userTaskCells.count - llmCount
    }

    /// ``add(user:task:llm:value:weight:)`` given the pair's cells.
    mutating func add(pair start: Int, user u: Int, task t: Int, llm m: Int, value: Double, weight: Double) {
        all.add(value, weight: weight)
        single[m].add(value, weight: weight)
        task[t * llmCount + m].add(value, weight: weight)
        user[u * llmCount + m].add(value, weight: weight)
        userTaskCells[start + m].add(value, weight: weight)
    }

    /// The shrunk mean outcome of `llm` at `level` for `user` (nil or unseen: no
    /// observations of that user) on `task`.
    package func score(_ level: TableLevel, user u: Int?, task t: Int, llm m: Int) -> Double {
        let overall = all.count > 0 ? all.sum / all.count : 0
        let singleMean = single[m].mean(prior: overall, pseudoCount: pseudoCount)
        if level == .single { return singleMean }
        let taskMean = task[t * llmCount + m].mean(prior: singleMean, pseudoCount: pseudoCount)
        if level == .task { return taskMean }
        let userCell = u.flatMap { $0 * llmCount + m < user.count ? user[$0 * llmCount + m] : nil } ?? Cell()
        let userMean = userCell.mean(prior: singleMean, pseudoCount: pseudoCount)
        if level == .user { return userMean }
        let cell = u.flatMap { userTaskStart[Int64($0) << 32 | Int64(t)].map { userTaskCells[$0 + m] } } ?? Cell()
        return cell.mean(prior: userMean + taskMean - singleMean, pseudoCount: pseudoCount)
    }
}

extension OutcomeTables {
    /// Writes the tables' sums to `archive` (pairs in the order their cells were made).
    func archive(into archive: inout StateArchive) {
        archive.append(count: llmCount)
        archive.append(count: taskCount)
        archive.append(count: llmCount > 0 ? user.count / llmCount : 0)
        archive.append(count: userTaskStart.count)
        archive.append(pseudoCount)
        for cell in [all] + single + task + user + userTaskCells {
            archive.append(cell.sum)
            archive.append(cell.count)
        }
        for (key, _) in userTaskStart.sorted(by: { $0.value < $1.value }) {
            archive.append(count: Int(key >> 32))
            archive.append(count: Int(key & 0xffff_ffff))
        }
    }

    /// The tables `archive(into:)` wrote.
    init(from reader: inout StateArchive.Reader) throws {
        let llms = try reader.count(atMost: 1 << 16), tasks = try reader.count(atMost: 1 << 20)
        let users = try reader.count(), pairs = try reader.count()
        self.init(llmCount: llms, taskCount: tasks, pseudoCount: try reader.next())
        func cells(_ n: Int) throws -> [Cell] {
            let (total, overflow) = n.multipliedReportingOverflow(by: 2)
            guard !overflow else { throw reader.corrupted() }
            let values = try reader.reals(total)
            return stride(from: values.startIndex, to: values.endIndex, by: 2).map { Cell(sum: values[$0], count: values[$0 + 1]) }
        }
        all = try cells(1)[0]
        single = try cells(llms)
        task = try cells(llms * tasks)
        user = try cells(users * llms)
        userTaskCells = try cells(pairs * llms)
        for index in 0..<pairs {
            let (u, t) = (try reader.count(), try reader.count())
            userTaskStart[Int64(u) << 32 | Int64(t)] = index * llms
        }
    }
}
