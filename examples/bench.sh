#!/usr/bin/env bash
# Benchmarks the data path on a 1000-user sweep over the example responses
# (1000 users x 240 queries x 10 LLMs = 2.4M interaction lines) and prints one
# JSON line per figure: JSONL write and ingest throughput, graph build time, peak memory.
# Usage: examples/bench.sh [BIN_DIR] [OUT_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-$(cd "$here/.." && swift build -c release --show-bin-path)}
out=${2:-$(mktemp -d)}
data="$here/data"
users=${BENCH_USERS:-1000}

# Runs a command under GNU time; prints "seconds peak_kib".
measure() {
    /usr/bin/time -f "%e %M" -o "$out/time.txt" "$@" >"$out/stdout.txt"
    cat "$out/time.txt"
}
figure() { # name seconds bytes peak_kib
    python3 -c 'import sys; n,s,b,k=sys.argv[1],float(sys.argv[2]),int(sys.argv[3]),int(sys.argv[4]); print("{\"benchmark\":\"%s\",\"seconds\":%.3f,\"mb\":%.1f,\"mb_per_s\":%.1f,\"peak_mib\":%.1f}" % (n, s, b/1e6, b/1e6/max(s,1e-9), k/1024))' "$@"
}

read -r sim_s sim_kib < <(measure "$bin/pr-sim" --sweep "$users" --llms "$data/llms.jsonl" \
    -o "$out/sweep.jsonl" "$data/responses.jsonl")
size=$(stat -c %s "$out/sweep.jsonl")
figure "pr-sim --sweep $users (JSONL written)" "$sim_s" "$size" "$sim_kib"

read -r build_s build_kib < <(measure "$bin/pr-build-graph" --seed 1 -o "$out/sweep.prg" "$out/sweep.jsonl")
figure "pr-build-graph (JSONL ingest + build + write)" "$build_s" "$size" "$build_kib"

"$bin/pr-build-graph" --export-queries test "$out/sweep.prg" >"$out/test.jsonl"
read -r eval_s eval_kib < <(measure "$bin/pr-eval" --truth "$out/sweep.jsonl" --queries "$out/test.jsonl")
figure "pr-eval --truth (JSONL ingest + baselines)" "$eval_s" "$size" "$eval_kib"

read -r info_s info_kib < <(measure "$bin/pr-build-graph" --info "$out/sweep.prg")
figure "pr-build-graph --info (read + verify graph)" "$info_s" "$(stat -c %s "$out/sweep.prg")" "$info_kib"
rm -rf "$out"
