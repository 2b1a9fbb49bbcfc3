# Sourced by the 1000-user benchmarks (bench-model.sh, bench-sharded.sh), after `set -euo
# pipefail`, with the script's arguments [BIN_DIR] [OUT_DIR]. Sets `here`, `bin` (the tool
# directory; default: the release build), `out` (default: a fresh temporary directory),
# `data` (the example) and `users` (BENCH_USERS, default 1000), and defines sweep_graph.
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
    "$bin/pr-embed" --tasks "$data/tasks.jsonl" --llms "$data/llms.jsonl" "$out/sweep.prg"
}
