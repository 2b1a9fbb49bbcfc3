#!/usr/bin/env bash
# Judge-client throughput against the stub endpoint: the same 9 x QUERIES requests (9 users x
# QUERIES=20 queries, prompt style 1) with --jobs 1..32, against a stub that takes LATENCY
# seconds per reply and serves at most LIMIT at once (more get 429 + Retry-After: 1).
# Prints one JSON line per --jobs: seconds, requests/s, retries.
# Usage: examples/bench-judge.sh [BIN_DIR] [OUT_DIR]   (env: LATENCY=0.1 LIMIT=16 QUERIES=20 JOBS="1 2 4 8 16 32")
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-$(cd "$here/.." && swift build -c release --show-bin-path)}
out=${2:-$(mktemp -d)}
data="$here/data"
latency=${LATENCY:-0.1}
limit=${LIMIT:-16}
mkdir -p "$out"
head -n $((${QUERIES:-20} * 10)) "$data/responses.jsonl" >"$out/responses.jsonl"

python3 "$here/judge_stub.py" --port 0 --latency "$latency" --max-concurrent "$limit" >"$out/stub.port" 2>"$out/stub.log" &
stub=$!
trap 'kill $stub 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$out/stub.port" ] && break; sleep 0.1; done
base="http://127.0.0.1:$(head -n 1 "$out/stub.port")"

for jobs in ${JOBS:-1 2 4 8 16 32}; do
    rm -f "$out/labels.jsonl"
    start=$(date +%s.%N)
    "$bin/pr-sim" judge --users "$data/users.jsonl" --llms "$data/llms.jsonl" --judge-model stub --seed 1 \
        --base-url "$base" --jobs "$jobs" -o "$out/labels.jsonl" "$out/responses.jsonl" 2>"$out/summary.txt"
    end=$(date +%s.%N)
    python3 - "$jobs" "$start" "$end" "$out/labels.jsonl" "$out/summary.txt" "$latency" "$limit" <<'PY'
import re, sys
jobs, start, end = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
labels = sum(1 for _ in open(sys.argv[4]))
retries = int(re.search(r"(\d+) retries", open(sys.argv[5]).read()).group(1))
seconds = end - start
print('{"benchmark":"pr-sim judge vs stub","latency_s":%s,"limit":%s,"jobs":%d,"requests":%d,"seconds":%.2f,"requests_per_s":%.1f,"retries":%d}'
      % (sys.argv[6], sys.argv[7], jobs, labels, seconds, labels / seconds, retries))
PY
done
