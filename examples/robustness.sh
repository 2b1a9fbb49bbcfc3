#!/usr/bin/env bash
# The robustness suite: routing quality on worlds nobody tuned for.
# Builds varied synthetic worlds (examples/generate_varied_world.py, and for the latent-*
# worlds examples/generate_latent_world.py, a generator built unlike it), the bundled example
# as a user's own pipeline would sample it (pr-sim --queries-per-user) and one world of
# real LLM outcomes (examples/routellm_to_responses.py), each with several world seeds;
# then on each: pr-sim -> pr-build-graph -> pr-embed -> pr-train (each model, each
# training seed) -> pr-route --split test -> pr-eval, and prints per world every model's
# figure (mean and worst over world and training seeds) next to the table policies pr-eval
# fits on the training queries, and each model's paired difference (same world seed) from
# the best table and from the ridge baseline. The figure is the ratio to the Oracle's
# reward (cost mode) or the accuracy (judge mode), on test queries no user asked in
# training (split by query id).
# A world seed is the generator's --seed for synthetic worlds, and pr-sim's --seed (which
# queries each user asks) for the example and real worlds.
# Environment: BIN (tool directory), OUT (work directory), SEEDS (training seeds,
# "0 1 2 3 4"), WORLD_SEEDS ("11 12 13 14 15"), MODELS ("anchored table ridge
# personalized"; table, ridge and knn train nothing and run with the first seed only),
# WORLDS (names below, default all), ENCODER (pr-embed --encoder: hashed, the default,
# or minilm after `make model`), FOLDS (1, the default: one 70/10/20 split by query id;
# N >= 2: N graphs per world seed with pr-build-graph --fold K/N, each model trained and
# evaluated on every fold in OUT/NAME/SEED/fold-K, and every figure taken on all folds'
# test queries together, that is on every query once: N times the queries of one split, so
# a run's figure has about half the standard error with 5 folds, for N times the time).
# The last line is the suite summary; per world, OUT/NAME/summary.json.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$(cd "${BIN:-$(cd "$here/.." && swift build -c release --show-bin-path)}" && pwd)
out=${OUT:-$(mktemp -d)}
seeds=${SEEDS:-0 1 2 3 4}
world_seeds=${WORLD_SEEDS:-11 12 13 14 15}
models=${MODELS:-anchored table ridge personalized}
export PATH="$bin:$PATH"
mkdir -p "$out"

# name | mode | queries per user ("all": every user answers every query) | generator options
worlds="base|cost|60|
few-llms|cost|60|--llms 4 --cost-spread 20
many-llms|cost|60|--llms 30 --users 20
many-users|cost|20|--users 300 --queries 50
binary|cost|60|--binary-tasks 1 --noise 0.0
opaque-text|cost|60|--text-signal 0.1
topical|cost|60|--llms 12 --tasks 5 --topic-skill 0.3 --binary-tasks 0.4
alike-users|cost|60|--user-spread 0.2 --cost-spread 1000
judge|judge|60|--users 30 --judge-noise 0.1
judge-tastes|judge|60|--users 30 --task-taste 0.3
shared-topical|cost|all|--text-style noisy --llms 12 --tasks 4 --queries 150 --topic-skill 0.3
shared-noisy|cost|all|--text-style noisy --llms 12 --tasks 4 --queries 150 --noise 0.1
shared-800|cost|all|--text-style noisy --llms 8 --users 30 --tasks 4 --queries 200 --topic-skill 0.2 --binary-tasks 0.5
shared-judge|judge|all|--text-style noisy --llms 12 --users 30 --queries 100 --topic-skill 0.3 --judge-noise 0.1
few-queries|cost|all|--text-style noisy --llms 10 --tasks 4 --queries 40 --topic-skill 0.3
few-tagged|cost|all|--llms 10 --tasks 3 --queries 60
one-task|cost|all|--text-style noisy --llms 12 --users 30 --tasks 1 --queries 800 --noise 0.3 --topic-skill 0.1
one-task-judge|judge|all|--text-style noisy --llms 12 --users 30 --tasks 1 --queries 400 --text-signal 0.05 --judge-noise 0.2
crowd-shared|cost|all|--text-style noisy --llms 10 --users 150 --tasks 3 --queries 80 --topic-skill 0.3
crowd-judge|judge|all|--text-style noisy --llms 8 --users 120 --queries 60 --topic-skill 0.3 --judge-noise 0.15
tiny-shared|cost|all|--text-style noisy --llms 6 --users 10 --tasks 2 --queries 30
noisy-high|cost|all|--text-style noisy --llms 12 --users 40 --tasks 4 --queries 120 --noise 0.4 --topic-skill 0.2
cost-extreme|cost|all|--text-style noisy --llms 12 --users 40 --queries 150 --cost-spread 1000 --topic-skill 0.2
taste-judge|judge|all|--text-style noisy --users 40 --queries 120 --task-taste 0.3 --judge-noise 0.1
few-users|cost|all|--text-style noisy --llms 10 --users 5 --tasks 4 --queries 200 --topic-skill 0.3
shared-25|cost|all|--text-style noisy --llms 12 --users 40 --tasks 4 --queries 25 --topic-skill 0.3
two-task-noisy|cost|all|--text-style noisy --llms 8 --users 60 --tasks 2 --queries 50 --noise 0.2
six-task|cost|all|--text-style noisy --llms 12 --users 20 --tasks 6 --queries 30 --topic-skill 0.4 --text-signal 0.3
five-llms-crowd|cost|all|--text-style noisy --llms 5 --users 80 --tasks 3 --queries 40 --user-spread 0.3
small-judge|judge|all|--text-style noisy --llms 10 --users 50 --tasks 3 --queries 40 --judge-noise 0.2 --topic-skill 0.3
shared-binary|cost|all|--text-style noisy --llms 12 --users 40 --tasks 4 --queries 75 --binary-tasks 1 --noise 0.0
one-task-small|cost|all|--text-style noisy --llms 6 --users 30 --tasks 1 --queries 150 --topic-skill 0.3
partial-shared|cost|30|--text-style noisy --llms 12 --users 100 --tasks 4 --queries 40 --topic-skill 0.3
many-tasks|cost|all|--text-style noisy --llms 8 --users 30 --tasks 12 --queries 20 --topic-skill 0.3
two-llms|cost|all|--text-style noisy --llms 2 --users 40 --tasks 3 --queries 100 --cost-spread 20
latent-shared|cost|all|generate_latent_world.py --llms 10 --users 30 --tasks 3 --queries 150
latent-typos|cost|all|generate_latent_world.py --llms 12 --users 40 --tasks 3 --queries 100 --background 0.6 --typos 0.3
latent-binary|cost|all|generate_latent_world.py --llms 12 --users 40 --tasks 4 --queries 75 --binary-tasks 1 --noise 0
latent-few|cost|all|generate_latent_world.py --llms 8 --users 50 --tasks 3 --queries 40 --topic-skill 1.2
latent-own|cost|60|generate_latent_world.py --llms 10 --users 60 --tasks 4 --queries 250 --background 0.4
latent-judge|judge|all|generate_latent_world.py --llms 10 --users 30 --tasks 3 --queries 100 --judge-noise 0.2
latent-tasks|cost|all|generate_latent_world.py --llms 10 --users 30 --tasks 10 --queries 30
latent-two|cost|all|generate_latent_world.py --llms 2 --users 40 --tasks 3 --queries 100 --cost-spread 20
latent-binary-few|cost|all|generate_latent_world.py --llms 6 --users 40 --tasks 3 --queries 40 --binary-tasks 1 --noise 0
example|cost|120|
real|cost|80|"
selected=${WORLDS:-$(cut -d'|' -f1 <<<"$worlds" | tr '\n' ' ')}

printf '%-14s %-6s %-14s %8s %8s %12s %12s\n' world mode model mean worst "-table(worst)" "-ridge(worst)"
while IFS='|' read -r name mode per_user options; do
    [[ " $selected " == *" $name "* ]] || continue
    for world_seed in $world_seeds; do
        dir="$out/$name/$world_seed"
        mkdir -p "$dir"
        sample=(--seed "$world_seed")
        if [ "$name" = real ]; then
            python3 "$here/routellm_to_responses.py" --out "$dir" --per-task 150
            python3 -c 'import json
for i in range(30):
    a = round(i / 29, 3)
    print(json.dumps({"user": "r%02d" % i, "alpha": a, "beta": round(1 - a, 3)}))' >"$dir/users.jsonl"
        elif [ "$name" = example ]; then
            cp "$here/data/"{responses,users,tasks,llms}.jsonl "$dir/"
        else
            # Options may start with the generator's name (generate_varied_world.py by default).
            generator=generate_varied_world.py
            world_options=$options
            if [[ $options == generate_*.py* ]]; then
                generator=${options%% *}
                world_options=${options#"$generator"}
            fi
            # shellcheck disable=SC2086
            python3 "$here/$generator" --out "$dir" --seed "$world_seed" $world_options
            sample=(--seed 3)
        fi
        per_user_options=()
        [ "$per_user" = all ] || per_user_options=(--queries-per-user "$per_user")
        if [ "$mode" = cost ]; then
            preferences=(--users "$dir/users.jsonl" "${per_user_options[@]}" "${sample[@]}")
        else
            # Each user labels $per_user random queries, as --queries-per-user does in cost mode.
            python3 -c 'import json, random, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
queries = sorted({r["query_id"] for r in rows})
count = len(queries) if sys.argv[2] == "all" else int(sys.argv[2])
keep = {u: set(random.Random(u).sample(queries, count)) for u in sorted({r["user"] for r in rows})}
for r in rows:
    if r["query_id"] in keep[r["user"]]:
        print(json.dumps(r, separators=(",", ":")))' "$dir/labels.jsonl" "$per_user" >"$dir/labels-sampled.jsonl"
            preferences=(--labels "$dir/labels-sampled.jsonl")
        fi
        pr-sim "${preferences[@]}" --llms "$dir/llms.jsonl" "$dir/responses.jsonl" >"$dir/interactions.jsonl"
        folds=${FOLDS:-1}
        rm -rf "$dir"/fold-*
        for fold in $(seq "$folds"); do
            split_dir=$dir
            fold_options=()
            if [ "$folds" -gt 1 ]; then
                split_dir=$dir/fold-$fold
                fold_options=(--fold "$fold/$folds")
                mkdir -p "$split_dir"
            fi
            pr-build-graph --seed 7 "${fold_options[@]}" -o "$split_dir/graph.prg" "$dir/interactions.jsonl"
            pr-embed --encoder "${ENCODER:-hashed}" --tasks "$dir/tasks.jsonl" --llms "$dir/llms.jsonl" --in-place "$split_dir/graph.prg"
            pr-build-graph --export-queries test "$split_dir/graph.prg" >"$split_dir/test-queries.jsonl"
            pr-eval --truth "$dir/interactions.jsonl" --queries "$split_dir/test-queries.jsonl" >"$split_dir/baselines.json"
            for model in $models; do
                for seed in $seeds; do
                    run=$split_dir/$model-$seed
                    pr-train -q --model "$model" --seed "$seed" -o "$run.prw" "$split_dir/graph.prg"
                    pr-route --graph "$split_dir/graph.prg" --weights "$run.prw" --split test >"$run.jsonl"
                    pr-eval --truth "$dir/interactions.jsonl" "$run.jsonl" >"$run.json"
                    case " table ridge knn " in *" $model "*) break ;; esac
                done
            done
        done
    done
    python3 "$here/robustness_summary.py" "$out/$name" "$name" "$mode" "$models" "$seeds" "$world_seeds"
done <<<"$worlds"
python3 "$here/robustness_summary.py" --suite "$out" "$selected" "$models"
echo "outputs in $out"
