#!/usr/bin/env bash
# Routing sharded with GNU parallel: the same new queries routed by one pr-route process
# and by `parallel --pipe` over JSONL blocks (one pr-route per block and job, the graph
# and weights files shared), on the 1000-user sweep graph. Checks that both give the same
# routes (as sorted lines) and prints one JSON line per run. Needs GNU parallel.
# BENCH_USERS (default 1000), BENCH_ROUTES (default 200000), JOBS (default: cores).
# Usage: examples/bench-sharded.sh [BIN_DIR] [OUT_DIR]
set -euo pipefail
command -v parallel >/dev/null || { echo "bench-sharded: needs GNU parallel (apt-get install parallel)" >&2; exit 69; }
# shellcheck source=examples/sweep-graph.sh
source "$(dirname "$0")/sweep-graph.sh"
routes=${BENCH_ROUTES:-200000}
jobs=${JOBS:-$(nproc)}
sweep_graph
"$bin/pr-train" -q --model table -o "$out/table.prw" "$out/sweep.prg"
# New queries: the example's query texts asked by the sweep's users, $routes lines.
new_queries "$routes" >"$out/queries.jsonl"

run() { # name command...: times the command (stdout to $out/$name.jsonl)
    local name=$1; shift
    local started ended
    started=$(date +%s.%N)
    "$@" <"$out/queries.jsonl" >"$out/$name.jsonl"
    ended=$(date +%s.%N)
    awk -v n="$name" -v r="$routes" -v a="$started" -v b="$ended" \
        'BEGIN { printf "{\"benchmark\":\"pr-route %s\",\"routes\":%d,\"seconds\":%.2f,\"routes_per_second\":%.0f}\n", n, r, b - a, r / (b - a) }'
}
route=("$bin/pr-route" --graph "$out/sweep.prg" --weights "$out/table.prw")
run single "${route[@]}"
# One block per job: each pr-route process loads the graph and weights once (start-up is
# most of a small block's time), so blocks as large as the input allows are fastest.
block=$(( ($(wc -c <"$out/queries.jsonl") + jobs - 1) / jobs + 1 ))
run "parallel-j$jobs" parallel --pipe --block "$block" -j "$jobs" --keep-order "${route[@]}"
if cmp -s <(sort "$out/single.jsonl") <(sort "$out/parallel-j$jobs.jsonl"); then
    echo '{"check":"sharded routes equal the single run"}'
else
    echo "bench-sharded: sharded routes differ from the single run" >&2
    exit 1
fi
[ -n "${2:-}" ] || rm -rf "$out"
