#!/usr/bin/env bash
# Benchmarks training and routing on a 1000-user sweep over the example responses
# (1000 users x 400 queries = 400,000 query nodes, 4M query-LLM edges), printing one
# JSON line per figure. BENCH_USERS, BENCH_EPOCHS (default 3) and BENCH_QUERIES
# (queries per user, default all) scale it down.
# Usage: examples/bench-model.sh [BIN_DIR] [OUT_DIR]
set -euo pipefail
# shellcheck source=examples/sweep-graph.sh
source "$(dirname "$0")/sweep-graph.sh"
epochs=${BENCH_EPOCHS:-3}
per_user=()
[ -n "${BENCH_QUERIES:-}" ] && per_user=(--queries-per-user "$BENCH_QUERIES" --seed 1)

measure() { # command...: runs it under GNU time, stdout to $out/stdout.txt; prints "seconds peak_kib"
    /usr/bin/time -f "%e %M" -o "$out/time.txt" "$@" >"$out/stdout.txt"
    cat "$out/time.txt"
}

sweep_graph "${per_user[@]}"
nodes=$("$bin/pr-build-graph" --info "$out/sweep.prg" | grep -o '"query":[0-9]*' | head -n 1 | cut -d: -f2)

read -r train_s train_kib < <(measure "$bin/pr-train" --model personalized --epochs "$epochs" --patience "$epochs" --log-json \
    -o "$out/sweep.prw" "$out/sweep.prg" 2>"$out/train.log")
per_epoch=$(grep -o '"seconds":[0-9.e-]*' "$out/train.log" | cut -d: -f2 | awk '{ s += $1; n++ } END { printf "%.2f", s / n }')
echo "{\"benchmark\":\"pr-train personalized ($users users, $nodes query nodes)\",\"epochs\":$epochs,\"seconds_per_epoch\":$per_epoch,\"total_seconds\":$train_s,\"peak_mib\":$((train_kib / 1024))}"

read -r route_s route_kib < <(measure "$bin/pr-route" --graph "$out/sweep.prg" --weights "$out/sweep.prw" --split test)
routes=$(wc -l <"$out/stdout.txt")
echo "{\"benchmark\":\"pr-route --split test\",\"routes\":$routes,\"seconds\":$route_s,\"routes_per_second\":$(awk -v r="$routes" -v s="$route_s" 'BEGIN { printf "%.0f", r / s }'),\"peak_mib\":$((route_kib / 1024))}"
rm -rf "$out"
