#!/usr/bin/env bash
# Runs the prouter pipeline on the bundled example world, as far as the tools exist:
#   pr-sim | pr-build-graph  ->  test queries  ->  pr-eval (baselines on the test split)
# in cost mode (alpha/beta users) and in judge mode (judge labels).
# Usage: examples/demo.sh [BIN_DIR] [OUT_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-$(cd "$here/.." && swift build -c release --show-bin-path)}
out=${2:-$(mktemp -d)}
data="$here/data"
export PATH="$bin:$PATH"
mkdir -p "$out"

for mode in cost judge; do
    if [ "$mode" = cost ]; then
        preferences=(--users "$data/users.jsonl")
    else
        preferences=(--labels "$data/labels.jsonl")
    fi
    echo "== $mode mode: 9 users, 240 queries, 10 LLMs (synthetic example world)"
    pr-sim "${preferences[@]}" --llms "$data/llms.jsonl" "$data/responses.jsonl" \
        | tee "$out/$mode-interactions.jsonl" \
        | pr-build-graph --seed 7 -o "$out/$mode.prg"
    pr-build-graph --info "$out/$mode.prg"
    pr-build-graph --export-queries test "$out/$mode.prg" >"$out/$mode-test-queries.jsonl"
    pr-eval --truth "$out/$mode-interactions.jsonl" --queries "$out/$mode-test-queries.jsonl" --format table
    echo
done
echo "outputs in $out"
