import PRouterIO

/// Human- and machine-readable views of a graph: `pr-build-graph --info` and `--export-queries`.
extension Graph {
    /// Writes the JSON summary: node and edge counts per type, split sizes and settings.
    public func writeSummary(to writer: JSONLWriter, fileSize: Int? = nil) throws {
        let splits = splitCounts()
        var status = [0, 0, 0]
        for value in edgeStatus { status[Int(value.rawValue)] += 1 }
        try writer.write { info in
            info.add("format_version", Int(SectionFile.version))
            info.add("mode", mode.rawValue)
            info.addObject("nodes") {
                $0.add("user", users.count)
                $0.add("task", tasks.count)
                $0.add("query", nodeCount)
                $0.add("llm", llms.count)
            }
            info.add("unique_queries", queryIDs.count)
            info.addObject("edges") {
                $0.add("user-task", userTaskUser.count)
                $0.add("task-query", nodeCount)
                $0.add("query-llm", edgeCount)
            }
            info.addObject("split") { object in
                for split in Split.allCases { object.add(split.name, splits[split] ?? 0) }
            }
            info.addObject("query_llm_edges") {
                $0.add("visible", status[0])
                $0.add("support", status[1])
                $0.add("hidden", status[2])
            }
            encodeSettings(into: &info)
            if let features {
                info.addObject("features") {
                    $0.add("encoder", features.encoder)
                    $0.add("dimension", features.dimension)
                    $0.add("llm_columns", features.llm.cols)
                }
            }
            info.add("extra_sections", extraSections.map(\.tag))
            if let fileSize { info.add("bytes", fileSize) }
        }
    }

    /// Writes the query nodes of `split` as `pr-route` input lines: `user`, `query_id`, `task`, `query`.
    public func writeQueries(of split: Split, to writer: JSONLWriter) throws {
        for node in 0..<nodeCount where nodeSplit[node] == split {
            let query = Int(nodeQuery[node])
            try writer.write {
                $0.add("user", users[Int(nodeUser[node])])
                $0.add("query_id", queryIDs[query])
                $0.add("task", tasks[Int(nodeTask[node])])
                $0.add("query", queryTexts[query])
            }
        }
    }
}
