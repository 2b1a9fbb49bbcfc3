#!/usr/bin/env bash
# The paper's experiments on the bundled example world (cost mode unless MODE=judge).
#   examples/experiments.sh standard    personalized vs baselines on the test split
#   examples/experiments.sh new-users   first three users held out, few-shot (--shots K)
#   examples/experiments.sh new-llms    two LLMs held out, few-shot
#   examples/experiments.sh layers      message-passing layers 0..5
#   examples/experiments.sh all
# Environment: BIN (tool directory), OUT (work directory), MODE (cost|judge), SHOTS (5), SEED (1).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$(cd "${BIN:-$(cd "$here/.." && swift build -c release --show-bin-path)}" && pwd)
out=${OUT:-$(mktemp -d)}
mode=${MODE:-cost}
shots=${SHOTS:-5}
seed=${SEED:-1}
data="$here/data"
export PATH="$bin:$PATH"
mkdir -p "$out"
cd "$out"

if [ "$mode" = cost ]; then preferences=(--users "$data/users.jsonl"); figure=reward; else preferences=(--labels "$data/labels.jsonl"); figure=accuracy; fi
[ -s interactions.jsonl ] || pr-sim "${preferences[@]}" --llms "$data/llms.jsonl" "$data/responses.jsonl" >interactions.jsonl

# graph NAME [pr-build-graph options...]: build and embed NAME.prg
graph() {
    local name=$1; shift
    pr-build-graph --seed 7 "$@" -o "$name.prg" interactions.jsonl
    pr-embed --tasks "$data/tasks.jsonl" --llms "$data/llms.jsonl" --in-place "$name.prg"
}
# route GRAPH MODEL [pr-train options...]: train and route the test split into GRAPH-MODEL.jsonl
route() {
    local graph=$1 model=$2; shift 2
    pr-train -q --model "$model" --seed "$seed" "$@" -o "$graph-$model.prw" "$graph.prg"
    pr-route --graph "$graph.prg" --weights "$graph-$model.prw" --split test >"$graph-$model.jsonl"
}
# value FILE: the first system's figure from pr-eval's JSON
value() { grep -o "\"$figure\":[-0-9.e]*" "$1" | head -n 1 | cut -d: -f2; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f%%", 100 * a / b }'; }

standard() {
    echo "== standard setting ($mode mode)"
    graph standard
    local files=()
    for model in personalized graphrouter mlp knn mf; do
        route standard "$model"
        files+=("standard-$model.jsonl")
    done
    pr-eval --truth interactions.jsonl --format table "${files[@]}"
}

new_users() {
    echo "== new users: first three users held out with $shots shots each ($mode mode)"
    [ -s standard-personalized.jsonl ] || { graph standard; route standard personalized; }
    graph newusers --new-users 3 --shots "$shots"
    route newusers personalized
    local pattern='"user":"(user-1|user-2|user-3)"'
    grep -E "$pattern" newusers-personalized.jsonl >few-shot.jsonl
    grep -E "$pattern" standard-personalized.jsonl >trained.jsonl
    pr-eval --truth interactions.jsonl --format table few-shot.jsonl trained.jsonl
    pr-eval --truth interactions.jsonl few-shot.jsonl >few-shot.json
    pr-eval --truth interactions.jsonl trained.jsonl >trained.json
    echo "few-shot / trained ($figure): $(ratio "$(value few-shot.json)" "$(value trained.json)")"
}

new_llms() {
    echo "== new LLMs: two LLMs held out with $shots shots each ($mode mode)"
    [ -s standard-personalized.jsonl ] || { graph standard; route standard personalized; }
    graph newllms --new-llm deepseek-v3 --new-llm qwen2.5-72b-instruct --shots "$shots"
    route newllms personalized
    pr-eval --truth interactions.jsonl --format table newllms-personalized.jsonl standard-personalized.jsonl
    pr-eval --truth interactions.jsonl newllms-personalized.jsonl >few-shot-llms.json
    pr-eval --truth interactions.jsonl standard-personalized.jsonl >trained-llms.json
    echo "few-shot / trained ($figure): $(ratio "$(value few-shot-llms.json)" "$(value trained-llms.json)")"
}

layers() {
    echo "== layers ablation ($mode mode)"
    [ -s standard.prg ] || graph standard
    local files=() standard=standard-personalized.jsonl
    [ -s "$standard" ] && cp "$standard" standard-personalized.keep
    for count in 0 1 2 3 4 5; do
        route standard personalized --layers "$count"
        cp standard-personalized.jsonl "layers-$count.jsonl"
        files+=("layers-$count.jsonl")
    done
    [ -s standard-personalized.keep ] && mv standard-personalized.keep "$standard"
    pr-eval --truth interactions.jsonl --format table "${files[@]}"
}

case "${1:-all}" in
    standard) standard ;;
    new-users) new_users ;;
    new-llms) new_llms ;;
    layers) layers ;;
    all) standard; echo; new_users; echo; new_llms; echo; layers ;;
    *) echo "usage: $0 standard|new-users|new-llms|layers|all" >&2; exit 64 ;;
esac
