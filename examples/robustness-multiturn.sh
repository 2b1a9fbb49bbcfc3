#!/usr/bin/env bash
# The multi-turn robustness suite: GMTRouter against the conversation's own history.
# Builds varied multi-turn worlds (examples/generate_sticky_conversations.py: how sticky
# users are within a conversation, how strong their favourite LLM is, LLMs offered per
# turn, topic drift, how much text reveals, stock queries shared across users), an
# Arena-shaped world (battles of two LLMs voted after the last turn, converted by
# examples/arena_to_conversations.py) and the bundled example world (per-conversation
# moods, labelled by pr-sim multi-turn), each with several world seeds; then on each:
# pr-build-graph --multi-turn -> pr-embed -> pr-train (each model, each training seed)
# -> pr-route --split test -> pr-eval, and prints per world every model's accuracy on the
# test conversations (mean and worst over world and training seeds) and its paired
# difference (same world seed) from the best history table: the best of pr-eval's
# table-*, history-* and single-best policies on those turns.
# Environment: BIN (tool directory), OUT (work directory), SEEDS (training seeds, "1"),
# WORLD_SEEDS ("1 2 3"), MODELS ("gmt gmt-paper"), WORLDS (names below, default all).
# The last lines are the suite summary; per world, OUT/NAME/summary.json.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$(cd "${BIN:-$(cd "$here/.." && swift build -c release --show-bin-path)}" && pwd)
out=${OUT:-$(mktemp -d)}
seeds=${SEEDS:-1}
world_seeds=${WORLD_SEEDS:-1 2 3}
models=${MODELS:-gmt gmt-paper}
export PATH="$bin:$PATH"
mkdir -p "$out"

# name | generator options (generate_sticky_conversations.py; "arena" and "example" are special)
worlds="sticky|--stickiness 0.8 --favourite 1.5
favourite|--stickiness 0 --favourite 3
weak-history|--stickiness 0.15 --favourite 0.5 --reveal 0.9
many-offered|--llms 10 --offered 6 --stickiness 0.5 --favourite 1
drifting|--drift 0.8 --stickiness 0.4 --reveal 0.8 --turns 4-8
noisy-shared|--reveal 0.1 --shared 0.5 --stickiness 0.6 --users 100 --conversations 5
pairwise|--offered 2 --stickiness 0.6 --favourite 1
arena|--arena --users 150 --conversations 6 --turns 1-3 --shared 0.3 --favourite 2
example|"
selected=${WORLDS:-$(cut -d'|' -f1 <<<"$worlds" | tr '\n' ' ')}

while IFS='|' read -r name options; do
    [[ " $selected " == *" $name "* ]] || continue
    for world_seed in $world_seeds; do
        dir="$out/$name/$world_seed"
        mkdir -p "$dir"
        if [ "$name" = example ]; then
            python3 "$here/generate_conversations.py" --out "$dir" --seed "$world_seed" >/dev/null
            pr-sim multi-turn --users "$dir/conversation-users.jsonl" "$dir/conversations.jsonl" >"$dir/labelled.jsonl"
        elif [ "$name" = arena ]; then
            # shellcheck disable=SC2086
            python3 "$here/generate_sticky_conversations.py" --seed "$world_seed" $options \
                | python3 "$here/arena_to_conversations.py" >"$dir/labelled.jsonl" 2>/dev/null
        else
            # shellcheck disable=SC2086
            python3 "$here/generate_sticky_conversations.py" --seed "$world_seed" $options >"$dir/labelled.jsonl"
        fi
        pr-build-graph -q --multi-turn --seed 7 -o "$dir/graph.prg" "$dir/labelled.jsonl"
        pr-embed --llms "$here/data/llms.jsonl" --in-place "$dir/graph.prg"
        for model in $models; do
            for seed in $seeds; do
                pr-train -q --model "$model" --seed "$seed" -o "$dir/$model-$seed.prw" "$dir/graph.prg"
                pr-route --graph "$dir/graph.prg" --weights "$dir/$model-$seed.prw" --split test >"$dir/$model-$seed.jsonl"
                pr-eval --truth "$dir/labelled.jsonl" "$dir/$model-$seed.jsonl" >"$dir/$model-$seed.json"
            done
        done
    done
    python3 "$here/robustness_multiturn_summary.py" "$out/$name" "$name" "$models" "$seeds" "$world_seeds"
done <<<"$worlds"
python3 "$here/robustness_multiturn_summary.py" --suite "$out" "$selected" "$models"
echo "outputs in $out"
