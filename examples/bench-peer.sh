#!/usr/bin/env bash
# prouter against PyTorch Geometric, side by side, in the same run: the paper's model
# (`pr-train --model personalized`) and the same model written with PyG
# (examples/peer/pyg_router.py), trained on the same graph for the same number of epochs
# (EPOCHS, default 10; prouter in its mini-batches, PyG full-batch, its usual way), then
# the test queries routed and scored. Prints one JSON line per system: seconds per epoch,
# total training seconds, peak memory, test ratio to the Oracle.
# The graph is pr-sim --sweep BENCH_USERS (default 100) over the example responses.
# PyG runs in a throwaway virtual environment: PEER_VENV (a directory with torch and
# torch_geometric installed), else one made in OUT_DIR with pip from the package
# registry (torch's CPU wheel is large). Kept out of the build and of CI.
# Usage: examples/bench-peer.sh [BIN_DIR] [OUT_DIR]
set -euo pipefail
export BENCH_USERS=${BENCH_USERS:-100}
# shellcheck source=examples/sweep-graph.sh
source "$(dirname "$0")/sweep-graph.sh"
epochs=${EPOCHS:-10}
venv=${PEER_VENV:-$out/venv}
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet torch torch_geometric
fi
sweep_graph

/usr/bin/time -f "%e %M" -o "$out/time.txt" "$bin/pr-train" --model personalized --epochs "$epochs" --patience "$epochs" \
    --log-json -o "$out/peer.prw" "$out/sweep.prg" 2>"$out/train.log"
read -r total kib <"$out/time.txt"
per_epoch=$(grep -o '"seconds":[0-9.e-]*' "$out/train.log" | cut -d: -f2 | awk '{ s += $1; n++ } END { printf "%.3f", s / n }')
train_seconds=$(grep -o '"seconds":[0-9.e-]*' "$out/train.log" | cut -d: -f2 | awk '{ s += $1 } END { printf "%.2f", s }')
"$bin/pr-route" --graph "$out/sweep.prg" --weights "$out/peer.prw" --split test >"$out/routes.jsonl"
ratio=$("$bin/pr-eval" --format csv --truth "$out/sweep.jsonl" "$out/routes.jsonl" | awk -F, '$1 == "system" && $4 == "" { print $8 }')
echo "{\"system\":\"prouter $("$bin/pr-train" --version)\",\"epochs\":$epochs,\"seconds_per_epoch\":$per_epoch,\"total_seconds\":$train_seconds,\"process_seconds\":$total,\"peak_mib\":$((kib / 1024)),\"test_ratio_to_oracle\":$ratio,\"test_queries\":$(wc -l <"$out/routes.jsonl")}"

/usr/bin/time -f "%e %M" -o "$out/time.txt" "$venv/bin/python" "$here/peer/pyg_router.py" "$out/sweep.prg" "$epochs" 0 \
    2>"$out/pyg.log" | sed 's/}$/, "process_seconds": PROCESS}/' >"$out/pyg.json" || { cat "$out/pyg.log" >&2; exit 1; }
read -r total kib <"$out/time.txt"
sed "s/PROCESS/$total/" "$out/pyg.json"
[ -n "${KEEP:-}" ] || rm -rf "$out"
