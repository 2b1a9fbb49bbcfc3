# Sourced by the 1000-user benchmarks (bench-model.sh, bench-sharded.sh), after `set -euo
# pipefail`, with the script's arguments [BIN_DIR] [OUT_DIR]. Sets `here`, `bin` (the tool
# directory; default: the release build), `out` (default: a fresh temporary directory),
# `data` (the example) and `users` (BENCH_USERS, default 1000), and defines sweep_graph
# and new_queries.
here=$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)
bin=$(cd "${1:-$(cd "$here/.." && swift build -c release --show-bin-path)}" && pwd)
out=${2:-$(mktemp -d)}
data="$here/data"
users=${BENCH_USERS:-1000}
mkdir -p "$out"

# sweep_graph [pr-sim options...]: $out/sweep.jsonl (pr-sim --sweep $users over the
# example responses) and $out/sweep.prg (built with seed 1, embedded).
sweep_graph() {
    "$bin/pr-sim" --sweep "$users" "$@" --llms "$data/llms.jsonl" -o "$out/sweep.jsonl" "$data/responses.jsonl"
    "$bin/pr-build-graph" --seed 1 -o "$out/sweep.prg" "$out/sweep.jsonl"
    "$bin/pr-embed" --tasks "$data/tasks.jsonl" --llms "$data/llms.jsonl" --in-place "$out/sweep.prg"
}

# new_queries COUNT: COUNT new-query lines on stdout, the example's query texts in turn,
# asked by the sweep's users in turn (query ids new-0, new-1, ...).
new_queries() {
    python3 - "$data/responses.jsonl" "$users" "$1" <<'PY'
import json, sys
seen, queries = set(), []
for line in open(sys.argv[1]):
    row = json.loads(line)
    if row["query_id"] not in seen:
        seen.add(row["query_id"])
        queries.append((row["task"], row["query"]))
users, count = int(sys.argv[2]), int(sys.argv[3])
width = len(str(users))  # pr-sim --sweep pads user numbers to the same width
for i in range(count):
    task, text = queries[i % len(queries)]
    print(json.dumps({"user": "sweep-%0*d" % (width, i % users + 1), "query_id": "new-%d" % i,
                      "task": task, "query": text}))
PY
}
