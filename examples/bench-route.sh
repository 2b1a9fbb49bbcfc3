#!/usr/bin/env bash
# Benchmarks pr-route, start-up included, printing one JSON line per figure:
#   - the first route: one new query on the example graph (9 users), a fresh process
#     each time, median and 90th percentile of ROUNDS runs (default 30);
#   - throughput on the 1000-user sweep graph (400,000 query nodes, 4M edges) with the
#     default model (fastest of RUNS runs, default 3): its 80,000 held-out test routes
#     (--split test), and NEW_ROUTES
#     (default 200,000) new queries read from a file (the example's texts, sweep users).
#     The new queries are also piped in (`cat | pr-route`, which streams), and the
#     streamed routes are checked to be the file's bytes.
#   - streaming: pr-route as a coprocess on a pipe on the example graph, one query
#     written at a time and its route read back, LINES (default 500) times: the latency
#     per line (median, 99th percentile).
# BENCH_USERS scales the sweep down. Usage: examples/bench-route.sh [BIN_DIR] [OUT_DIR]
set -euo pipefail
# shellcheck source=examples/sweep-graph.sh
source "$(dirname "$0")/sweep-graph.sh"
rounds=${ROUNDS:-30}
new_routes=${NEW_ROUTES:-200000}

# The first route, on the example graph.
"$bin/pr-sim" --users "$data/users.jsonl" --llms "$data/llms.jsonl" -o "$out/example.jsonl" "$data/responses.jsonl"
"$bin/pr-build-graph" --seed 7 -o "$out/example.prg" "$out/example.jsonl"
"$bin/pr-embed" --tasks "$data/tasks.jsonl" --llms "$data/llms.jsonl" --in-place "$out/example.prg"
"$bin/pr-train" -q --seed 1 -o "$out/example.prw" "$out/example.prg"
echo '{"user":"user-1","task":"alpaca","query":"How do I fix my regex?"}' >"$out/one.jsonl"
python3 - "$bin/pr-route" "$out" "$rounds" <<'PY'
import json, statistics, subprocess, sys, time
route, out, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
command = [route, "--graph", f"{out}/example.prg", "--weights", f"{out}/example.prw", f"{out}/one.jsonl"]
subprocess.run(command, check=True, stdout=subprocess.DEVNULL)  # page cache warm
times = []
for _ in range(rounds):
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    times.append((time.perf_counter() - started) * 1000)
times.sort()
print(json.dumps({"benchmark": "pr-route first route (example graph, new process)", "runs": rounds,
                  "median_ms": round(statistics.median(times), 1),
                  "p90_ms": round(times[int(0.9 * (rounds - 1))], 1), "min_ms": round(times[0], 1)}))
PY
python3 "$here/coprocess_latency.py" "example graph" "$bin/pr-route" "$out/example.prg" "$out/example.prw" \
    "${LINES:-500}" "user-%d" 9 alpaca

# Throughput on the sweep graph.
sweep_graph
"$bin/pr-train" -q -o "$out/sweep.prw" "$out/sweep.prg"
new_queries "$new_routes" >"$out/queries.jsonl"
throughput() { # name command...: routes per second of the command, start-up included (fastest of RUNS, default 3)
    local name=$1; shift
    local best="" best_kib=0 seconds kib routes
    for _ in $(seq "${RUNS:-3}"); do
        /usr/bin/time -f "%e %M" -o "$out/time.txt" "$@" >"$out/routes.jsonl"
        read -r seconds kib <"$out/time.txt"
        if [ -z "$best" ] || awk -v a="$seconds" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$seconds best_kib=$kib; fi
    done
    routes=$(wc -l <"$out/routes.jsonl")
    echo "{\"benchmark\":\"pr-route $name ($users users)\",\"routes\":$routes,\"seconds\":$best,\"routes_per_second\":$(awk -v r="$routes" -v s="$best" 'BEGIN { printf "%.0f", r / s }'),\"peak_mib\":$((best_kib / 1024))}"
}
route=("$bin/pr-route" --graph "$out/sweep.prg" --weights "$out/sweep.prw")
throughput "--split test" "${route[@]}" --split test
throughput "new queries" "${route[@]}" "$out/queries.jsonl"
mv "$out/routes.jsonl" "$out/file-routes.jsonl"
throughput "new queries piped" sh -c 'cat "$0" | "$@"' "$out/queries.jsonl" "${route[@]}"
cmp -s "$out/routes.jsonl" "$out/file-routes.jsonl" || { echo "bench-route: piped routes differ from the file's" >&2; exit 1; }
rm -rf "$out"
