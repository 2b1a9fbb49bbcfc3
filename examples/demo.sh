#!/usr/bin/env bash
# Runs the whole prouter pipeline on the bundled example world, in cost mode
# (alpha/beta users) and judge mode (judge labels):
#   pr-sim | pr-build-graph -> pr-embed -> pr-train (personalized and baselines)
#   -> pr-route --split test -> pr-eval (side by side with the trivial baselines)
# then, second part, on the multi-turn world (GMTRouter):
#   pr-sim multi-turn | pr-build-graph --multi-turn -> pr-embed -> pr-train (gmt, gmt-paper,
#   personalized and graphrouter with history ignored) -> pr-route --split test -> pr-eval
# Usage: examples/demo.sh [BIN_DIR] [OUT_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-$(cd "$here/.." && swift build -c release --show-bin-path)}
bin=$(cd "$bin" && pwd)
out=${2:-$(mktemp -d)}
data="$here/data"
models=${DEMO_MODELS:-anchored table ridge personalized graphrouter mlp knn mf}
export PATH="$bin:$PATH"
mkdir -p "$out"

for mode in cost judge; do
    if [ "$mode" = cost ]; then
        preferences=(--users "$data/users.jsonl")
    else
        preferences=(--labels "$data/labels.jsonl")
    fi
    echo "== $mode mode: 9 users, 400 queries, 10 LLMs (synthetic example world)"
    pr-sim "${preferences[@]}" --llms "$data/llms.jsonl" "$data/responses.jsonl" \
        | tee "$out/$mode-interactions.jsonl" \
        | pr-build-graph --seed 7 -o "$out/$mode.prg"
    pr-embed --tasks "$data/tasks.jsonl" --llms "$data/llms.jsonl" --in-place "$out/$mode.prg"
    routes=()
    for model in $models; do
        pr-train --model "$model" --seed 1 -o "$out/$mode-$model.prw" "$out/$mode.prg"
        pr-route --graph "$out/$mode.prg" --weights "$out/$mode-$model.prw" --split test >"$out/$model.jsonl"
        routes+=("$out/$model.jsonl")
    done
    (cd "$out" && pr-eval --truth "$mode-interactions.jsonl" --format table "${routes[@]##*/}")
    echo
done
echo "== multi-turn: 16 users, 256 conversations, 1,138 turns, 10 LLMs (synthetic, with per-conversation moods)"
pr-sim multi-turn --users "$data/conversation-users.jsonl" "$data/conversations.jsonl" \
    | tee "$out/labelled-conversations.jsonl" \
    | pr-build-graph --multi-turn --seed 7 -o "$out/multi-turn.prg"
pr-embed --llms "$data/llms.jsonl" --in-place "$out/multi-turn.prg"
routes=()
for model in ${MULTI_TURN_MODELS:-gmt gmt-paper personalized graphrouter}; do
    pr-train --model "$model" --seed 1 -o "$out/multi-turn-$model.prw" "$out/multi-turn.prg"
    pr-route --graph "$out/multi-turn.prg" --weights "$out/multi-turn-$model.prw" --split test >"$out/$model.jsonl"
    routes+=("$out/$model.jsonl")
done
(cd "$out" && pr-eval --truth labelled-conversations.jsonl --format table "${routes[@]##*/}")
echo
echo "outputs in $out"
