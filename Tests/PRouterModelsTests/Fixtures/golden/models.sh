#!/usr/bin/env bash
# Every model's weights and test routes, as SHA-256 digests, on the example world and on
# three small suite worlds (plus the multi-turn example for gmt): the fingerprint that
# refactoring the models must leave unchanged (ModelGoldenTests compares it with
# models.txt). Run with BIN (the tools' directory) and EXAMPLES (the examples folder);
# OpenBLAS is pinned to one thread and the Haswell kernels, so that the digests do not
# depend on the machine.
# Regenerate after an intended change of results:
#   BIN=$(swift build --show-bin-path) EXAMPLES=examples bash Tests/PRouterModelsTests/Fixtures/golden/models.sh >Tests/PRouterModelsTests/Fixtures/golden/models.txt
set -euo pipefail
export OPENBLAS_CORETYPE=Haswell OPENBLAS_NUM_THREADS=1 PATH="$BIN:$PATH"
data=$EXAMPLES/data
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
digest() { sha256sum "$1" | cut -c1-16; }

single="anchored personalized graphrouter mlp mf knn table ridge"
# name | generator options ("example": the bundled data) | queries per user
worlds="example||24
varied|--users 10 --queries 12|16
shared|--text-style noisy --llms 6 --users 8 --tasks 3 --queries 10 --topic-skill 0.3|all
judge|--users 8 --queries 12 --judge-noise 0.1|judge"
while IFS='|' read -r name options per_user; do
    dir=$work/$name
    mkdir -p "$dir"
    if [ "$name" = example ]; then
        cp "$data"/{responses,users,tasks,llms}.jsonl "$dir/"
    else
        # shellcheck disable=SC2086
        python3 "$EXAMPLES/generate_varied_world.py" --out "$dir" --seed 5 $options >/dev/null
    fi
    case $per_user in
    all) pr-sim --users "$dir/users.jsonl" --llms "$dir/llms.jsonl" --seed 3 "$dir/responses.jsonl" >"$dir/interactions.jsonl" ;;
    judge) pr-sim --labels "$dir/labels.jsonl" --llms "$dir/llms.jsonl" "$dir/responses.jsonl" >"$dir/interactions.jsonl" ;;
    *) pr-sim --users "$dir/users.jsonl" --llms "$dir/llms.jsonl" --queries-per-user "$per_user" --seed 3 \
        "$dir/responses.jsonl" >"$dir/interactions.jsonl" ;;
    esac
    pr-build-graph --seed 7 -o "$dir/graph.prg" "$dir/interactions.jsonl" 2>/dev/null
    pr-embed --tasks "$dir/tasks.jsonl" --llms "$dir/llms.jsonl" --in-place "$dir/graph.prg"
    for model in $single; do
        pr-train -q --model "$model" --epochs 3 --hidden 8 --seed 1 -o "$dir/$model.prw" "$dir/graph.prg" 2>/dev/null
        pr-route --graph "$dir/graph.prg" --weights "$dir/$model.prw" --split test >"$dir/$model.jsonl"
        echo "$name $model $(digest "$dir/$model.prw") $(digest "$dir/$model.jsonl")"
    done
done <<<"$worlds"

dir=$work/multi-turn
mkdir -p "$dir"
python3 "$EXAMPLES/generate_conversations.py" --out "$dir" --seed 5 --users 6 --conversations 5 >/dev/null
pr-sim multi-turn --users "$dir/conversation-users.jsonl" "$dir/conversations.jsonl" \
    | pr-build-graph --multi-turn --seed 7 -o "$dir/graph.prg" 2>/dev/null
pr-embed --llms "$data/llms.jsonl" --in-place "$dir/graph.prg"
for model in gmt gmt-paper anchored; do
    pr-train -q --model "$model" --epochs 3 --hidden 8 --seed 1 -o "$dir/$model.prw" "$dir/graph.prg" 2>/dev/null
    pr-route --graph "$dir/graph.prg" --weights "$dir/$model.prw" --split test >"$dir/$model.jsonl"
    echo "multi-turn $model $(digest "$dir/$model.prw") $(digest "$dir/$model.jsonl")"
done
