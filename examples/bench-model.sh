#!/usr/bin/env bash
# Benchmarks training and routing on a 1000-user sweep over the example responses
# (1000 users x 400 queries = 400,000 query nodes, 4M query-LLM edges), printing one
# JSON line per figure: the whole pr-train run of BENCH_MODEL (default: anchored, the
# default model) with its default schedule, its validation figure, and the test figure
# of its routes next to the best table's. BENCH_USERS, BENCH_EPOCHS (default: no cap)
# and BENCH_QUERIES (queries per user, default all) scale it down.
# Usage: examples/bench-model.sh [BIN_DIR] [OUT_DIR]
set -euo pipefail
# shellcheck source=examples/sweep-graph.sh
source "$(dirname "$0")/sweep-graph.sh"
model=${BENCH_MODEL:-anchored}
schedule=()
[ -n "${BENCH_EPOCHS:-}" ] && schedule=(--epochs "$BENCH_EPOCHS")
per_user=()
[ -n "${BENCH_QUERIES:-}" ] && per_user=(--queries-per-user "$BENCH_QUERIES" --seed 1)

measure() { # command...: runs it under GNU time, stdout to $out/stdout.txt; prints "seconds peak_kib"
    /usr/bin/time -f "%e %M" -o "$out/time.txt" "$@" >"$out/stdout.txt"
    cat "$out/time.txt"
}

sweep_graph "${per_user[@]}"
nodes=$("$bin/pr-build-graph" --info "$out/sweep.prg" | grep -o '"query":[0-9]*' | head -n 1 | cut -d: -f2)

read -r train_s train_kib < <(measure "$bin/pr-train" --model "$model" "${schedule[@]}" --log-json \
    -o "$out/sweep.prw" "$out/sweep.prg" 2>"$out/train.log")
epochs=$(grep -c '"epoch"' "$out/train.log" || true)
per_epoch=$(grep -o '"seconds":[0-9.e-]*' "$out/train.log" | cut -d: -f2 | awk '{ s += $1; n++ } END { printf "%.2f", n ? s / n : 0 }')
validation=$(grep -o 'best validation [0-9.]*' "$out/train.log" | awk '{ print $3 }')
echo "{\"benchmark\":\"pr-train $model ($users users, $nodes query nodes)\",\"epochs\":$epochs,\"seconds_per_epoch\":$per_epoch,\"total_seconds\":$train_s,\"peak_mib\":$((train_kib / 1024)),\"best_validation\":${validation:-null}}"

read -r route_s route_kib < <(measure "$bin/pr-route" --graph "$out/sweep.prg" --weights "$out/sweep.prw" --split test)
mv "$out/stdout.txt" "$out/routes.jsonl"
routes=$(wc -l <"$out/routes.jsonl")
echo "{\"benchmark\":\"pr-route --split test\",\"routes\":$routes,\"seconds\":$route_s,\"routes_per_second\":$(awk -v r="$routes" -v s="$route_s" 'BEGIN { printf "%.0f", r / s }'),\"peak_mib\":$((route_kib / 1024))}"

"$bin/pr-eval" --format csv --truth "$out/sweep.jsonl" "$out/routes.jsonl" >"$out/eval.csv"
python3 - "$out/eval.csv" "$model" <<'PY'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
ratio = {r["name"]: float(r["ratio_to_oracle"]) for r in rows if not r["user"]}
tables = {k: v for k, v in ratio.items() if k.startswith("table-")}
best = max(tables, key=tables.get)
routed = next(float(r["ratio_to_oracle"]) for r in rows if r["kind"] == "system" and not r["user"])
print(json.dumps({"benchmark": "test ratio to Oracle", "model": sys.argv[2], "routed": round(routed, 5),
                  "best_table": best, "table": round(tables[best], 5)}))
PY
rm -rf "$out"
