#!/usr/bin/env bash
# Benchmarks the built-in all-MiniLM-L6-v2 (needs `make model`), printing one JSON line
# per figure:
#   - batched: pr-embed --encoder minilm on a graph of QUERIES (default 2000) distinct
#     20-word queries, minus the same run with the hashed encoder (graph reading and
#     writing), as queries per second; and its peak memory;
#   - single query: pr-route of one new query on a minilm graph, a fresh process each
#     time (model load from the page cache included), median of ROUNDS (default 20), next
#     to the same on the hashed graph;
#   - streaming: pr-route as a coprocess on a pipe on each graph, one query written at a
#     time and its route read back, LINES (default 200) times: the latency per line.
# Usage: examples/bench-minilm.sh [BIN_DIR] [OUT_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$(cd "${1:-$(cd "$here/.." && swift build -c release --show-bin-path)}" && pwd)
out=${2:-$(mktemp -d)}
queries=${QUERIES:-2000}
rounds=${ROUNDS:-20}
mkdir -p "$out"

python3 - "$queries" "$out" <<'PY'
import json, random, sys
count, out = int(sys.argv[1]), sys.argv[2]
rng = random.Random(3)
words = ("how do i fix my regex that matches email addresses in python without catching trailing dots "
         "write a short poem about autumn leaves falling on a quiet street explain the difference between "
         "tcp and udp for a video call app summarize this contract clause about late payment fees").split()
with open(f"{out}/responses.jsonl", "w") as f:
    for i in range(count):
        text = " ".join(rng.choice(words) for _ in range(20)).capitalize() + "?"
        for llm, perf in (("small", rng.random()), ("large", rng.random())):
            f.write(json.dumps({"query_id": f"q{i}", "task": "ask", "query": text, "llm": llm, "performance": round(perf, 4),
                                "input_tokens": 30, "output_tokens": 100}) + "\n")
with open(f"{out}/llms.jsonl", "w") as f:
    f.write(json.dumps({"llm": "small", "description": "a small cheap model", "price_in": 0.1, "price_out": 0.1}) + "\n")
    f.write(json.dumps({"llm": "large", "description": "a large strong model", "price_in": 3, "price_out": 15}) + "\n")
with open(f"{out}/tasks.jsonl", "w") as f:
    f.write(json.dumps({"task": "ask", "description": "questions of every kind"}) + "\n")
PY
"$bin/pr-sim" --sweep 3 --llms "$out/llms.jsonl" "$out/responses.jsonl" | "$bin/pr-build-graph" --seed 1 -o "$out/g.prg"
embed() { # encoder output: seconds and peak KiB of pr-embed
    /usr/bin/time -f "%e %M" -o "$out/time.txt" "$bin/pr-embed" --encoder "$1" --tasks "$out/tasks.jsonl" \
        --llms "$out/llms.jsonl" -o "$2" "$out/g.prg"
    cat "$out/time.txt"
}
read -r hashed_s _ < <(embed hashed "$out/hashed.prg")
read -r minilm_s minilm_kib < <(embed minilm "$out/minilm.prg")
awk -v q="$queries" -v m="$minilm_s" -v h="$hashed_s" -v k="$minilm_kib" 'BEGIN {
    printf "{\"benchmark\":\"minilm batched (pr-embed, 20-word queries)\",\"queries\":%d,\"seconds\":%.2f,\"hashed_seconds\":%.2f,\"queries_per_second\":%.0f,\"peak_mib\":%d}\n", q + 3, m, h, (q + 3) / (m - h), k / 1024 }'

for encoder in hashed minilm; do
    "$bin/pr-train" -q --epochs 2 -o "$out/$encoder.prw" "$out/$encoder.prg"
done
echo '{"user":"sweep-1","task":"ask","query":"How do I fix my regex that matches email addresses in Python without trailing dots?"}' >"$out/one.jsonl"
python3 - "$bin/pr-route" "$out" "$rounds" <<'PY'
import json, resource, statistics, subprocess, sys, time
route, out, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
result = {"benchmark": "single query, new pr-route process (model load included)", "runs": rounds}
for encoder in ("hashed", "minilm"):
    command = [route, "--graph", f"{out}/{encoder}.prg", "--weights", f"{out}/{encoder}.prw", f"{out}/one.jsonl"]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        times.append((time.perf_counter() - started) * 1000)
    result[f"{encoder}_median_ms"] = round(statistics.median(times), 1)
result["minilm_peak_mib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
print(json.dumps(result))
PY
for encoder in hashed minilm; do
    python3 "$here/coprocess_latency.py" "$encoder graph" "$bin/pr-route" "$out/$encoder.prg" "$out/$encoder.prw" \
        "${LINES:-200}" "sweep-%d" 3 ask
done
[ -n "${KEEP:-}" ] || rm -rf "$out"
