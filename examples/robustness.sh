#!/usr/bin/env bash
# The robustness suite: routing quality on worlds nobody tuned for.
# Builds varied synthetic worlds (examples/generate_varied_world.py) and one world of
# real LLM outcomes (examples/routellm_to_responses.py), then on each: pr-sim ->
# pr-build-graph -> pr-embed -> pr-train (each model, each seed) -> pr-route --split test
# -> pr-eval, and prints per world every model's figure (mean and worst over seeds) next
# to the table policies pr-eval fits on the training queries. The figure is the ratio to
# the Oracle's reward (cost mode) or the accuracy (judge mode), on test queries no user
# asked in training (split by query id).
# Environment: BIN (tool directory), OUT (work directory), SEEDS ("0 1 2 3 4"),
# MODELS ("personalized-anchored personalized mlp knn"), WORLDS (names below, default all),
# ENCODER (pr-embed --encoder: hashed, the default, or minilm after `make model`).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$(cd "${BIN:-$(cd "$here/.." && swift build -c release --show-bin-path)}" && pwd)
out=${OUT:-$(mktemp -d)}
seeds=${SEEDS:-0 1 2 3 4}
models=${MODELS:-anchored personalized mlp knn}
export PATH="$bin:$PATH"
mkdir -p "$out"

# name | mode | queries per user | generator options
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
real|cost|80|"
selected=${WORLDS:-$(cut -d'|' -f1 <<<"$worlds" | tr '\n' ' ')}

printf '%-12s %-6s %-22s %8s %8s   %s\n' world mode model mean worst "seeds"
while IFS='|' read -r name mode per_user options; do
    [[ " $selected " == *" $name "* ]] || continue
    dir="$out/$name"
    mkdir -p "$dir"
    if [ "$name" = real ]; then
        python3 "$here/routellm_to_responses.py" --out "$dir" --per-task 150
        python3 -c 'import json
for i in range(30):
    a = round(i / 29, 3)
    print(json.dumps({"user": "r%02d" % i, "alpha": a, "beta": round(1 - a, 3)}))' >"$dir/users.jsonl"
    else
        # shellcheck disable=SC2086
        python3 "$here/generate_varied_world.py" --out "$dir" --seed 11 $options
    fi
    if [ "$mode" = cost ]; then
        preferences=(--users "$dir/users.jsonl" --queries-per-user "$per_user" --seed 3)
    else
        # Each user labels $per_user random queries, as --queries-per-user does in cost mode.
        python3 -c 'import json, random, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
queries = sorted({r["query_id"] for r in rows})
keep = {u: set(random.Random(u).sample(queries, int(sys.argv[2]))) for u in sorted({r["user"] for r in rows})}
for r in rows:
    if r["query_id"] in keep[r["user"]]:
        print(json.dumps(r, separators=(",", ":")))' "$dir/labels.jsonl" "$per_user" >"$dir/labels-sampled.jsonl"
        preferences=(--labels "$dir/labels-sampled.jsonl")
    fi
    pr-sim "${preferences[@]}" --llms "$dir/llms.jsonl" "$dir/responses.jsonl" >"$dir/interactions.jsonl"
    pr-build-graph --seed 7 -o "$dir/graph.prg" "$dir/interactions.jsonl"
    pr-embed --encoder "${ENCODER:-hashed}" --tasks "$dir/tasks.jsonl" --llms "$dir/llms.jsonl" --in-place "$dir/graph.prg"
    pr-build-graph --export-queries test "$dir/graph.prg" >"$dir/test-queries.jsonl"
    pr-eval --truth "$dir/interactions.jsonl" --queries "$dir/test-queries.jsonl" >"$dir/baselines.json"
    for model in $models; do
        for seed in $seeds; do
            pr-train -q --model "$model" --seed "$seed" -o "$dir/$model-$seed.prw" "$dir/graph.prg"
            pr-route --graph "$dir/graph.prg" --weights "$dir/$model-$seed.prw" --split test >"$dir/$model-$seed.jsonl"
            pr-eval --truth "$dir/interactions.jsonl" "$dir/$model-$seed.jsonl" >"$dir/$model-$seed.json"
        done
    done
    python3 - "$dir" "$name" "$mode" "$models" "$seeds" <<'EOF'
import json, sys
directory, name, mode, models, seeds = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split(), sys.argv[5].split()
key = "ratio_to_oracle" if mode == "cost" else "accuracy"
baselines = {b["name"]: b[key] for b in json.load(open(f"{directory}/baselines.json"))["baselines"]}
tables = {n: v for n, v in baselines.items() if n.startswith("table-") or n == "single-best"}
best_table = max(tables, key=tables.get)
rows = []
for model in models:
    figures = [json.load(open(f"{directory}/{model}-{seed}.json"))["systems"][0][key] for seed in seeds]
    rows.append((model, sum(figures) / len(figures), min(figures), figures))
for model, mean, worst, figures in rows:
    print("%-12s %-6s %-22s %7.2f%% %7.2f%%   %s  vs best table %+.2f (worst %+.2f)" % (
        name, mode, model, 100 * mean, 100 * worst, " ".join("%.2f" % (100 * f) for f in figures),
        100 * (mean - tables[best_table]), 100 * (worst - tables[best_table])))
for table in sorted(tables, key=tables.get, reverse=True):
    print("%-12s %-6s %-22s %7.2f%%" % (name, mode, table, 100 * tables[table]))
print(json.dumps({"world": name, "mode": mode, "best_table": best_table, "best_table_figure": tables[best_table],
                  "models": {m: {"mean": mean, "worst": worst, "seeds": f} for m, mean, worst, f in rows}}),
      file=open(f"{directory}/summary.json", "w"))
EOF
done <<<"$worlds"
echo "outputs in $out"
