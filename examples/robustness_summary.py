#!/usr/bin/env python3
"""Summaries of the robustness suite (examples/robustness.sh).

    robustness_summary.py WORLD_DIR NAME MODE "MODELS" "SEEDS" "WORLD_SEEDS"
        prints one world's rows and writes WORLD_DIR/summary.json
    robustness_summary.py --suite OUT "NAMES" "MODELS"
        prints the suite's rows from every OUT/NAME/summary.json

Per world and model: the mean and worst figure over world seeds x training seeds, and
the paired differences from the best table and from the ridge (each run minus the table
or ridge of the same world seed): their mean and worst. "best table" is, per world seed,
the best of pr-eval's table policies and single-best on the test queries (an optimistic
bar: chosen on the test queries); "ridge" is pr-eval's plain bag-of-words ridge baseline
(the issue's yardstick, fitted on the same training queries by code apart from the
models'), or `pr-train --model ridge` where pr-eval has none. The suite's last lines
count, per model, the worlds whose worst paired difference is below -0.5 points.
"""

import json
import os
import sys

NO_TRAINING = {"table", "ridge", "knn"}


def world(directory, name, mode, models, seeds, world_seeds):
    key = "ratio_to_oracle" if mode == "cost" else "accuracy"
    runs = {m: [] for m in models}  # model -> [(figure, minus table, minus ridge)]
    tables, plain = [], []
    for ws in world_seeds:
        d = os.path.join(directory, ws)
        baselines = {b["name"]: b[key] for b in json.load(open(os.path.join(d, "baselines.json")))["baselines"]}
        best_table = max(v for n, v in baselines.items() if n.startswith("table-") or n == "single-best")
        tables.append(best_table)
        ridge_path = os.path.join(d, f"ridge-{seeds[0]}.json")
        if "ridge" in baselines:
            ridge = baselines["ridge"]
            plain.append(ridge)
        elif os.path.exists(ridge_path):
            ridge = json.load(open(ridge_path))["systems"][0][key]
        else:
            ridge = None
        for m in models:
            for s in seeds[:1] if m in NO_TRAINING else seeds:
                figure = json.load(open(os.path.join(d, f"{m}-{s}.json")))["systems"][0][key]
                runs[m].append((figure, figure - best_table, None if ridge is None else figure - ridge))
    rows = {}
    for m, values in runs.items():
        figures = [v[0] for v in values]
        vs_table = [v[1] for v in values]
        vs_ridge = [v[2] for v in values if v[2] is not None]
        rows[m] = {"mean": mean(figures), "worst": min(figures), "minus_table": mean(vs_table),
                   "minus_table_worst": min(vs_table), "runs": len(values)}
        if vs_ridge:
            rows[m]["minus_ridge"] = mean(vs_ridge)
            rows[m]["minus_ridge_worst"] = min(vs_ridge)
        print_row(name, mode, m, rows[m])
    print("%-14s %-6s %-14s %7.2f%%" % (name, mode, "best table", 100 * mean(tables)))
    if plain:
        print("%-14s %-6s %-14s %7.2f%%" % (name, mode, "plain ridge", 100 * mean(plain)))
    summary = {"world": name, "mode": mode, "best_table": mean(tables), "models": rows}
    with open(os.path.join(directory, "summary.json"), "w") as f:
        json.dump(summary, f)


def suite(out, names, models):
    summaries = [json.load(open(os.path.join(out, n, "summary.json"))) for n in names
                 if os.path.exists(os.path.join(out, n, "summary.json"))]
    for m in models:
        rows = [s["models"][m] for s in summaries if m in s["models"]]
        if not rows:
            continue
        line = {"mean": mean([r["mean"] for r in rows]), "worst": min(r["worst"] for r in rows),
                "minus_table": mean([r["minus_table"] for r in rows]),
                "minus_table_worst": min(r["minus_table_worst"] for r in rows)}
        ridge = [r for r in rows if "minus_ridge" in r]
        if ridge:
            line["minus_ridge"] = mean([r["minus_ridge"] for r in ridge])
            line["minus_ridge_worst"] = min(r["minus_ridge_worst"] for r in ridge)
        print_row("ALL %d" % len(rows), "", m, line)
    for m in models:
        rows = [(s["world"], s["models"][m]) for s in summaries if m in s["models"]]
        below_table = [w for w, r in rows if r["minus_table_worst"] < -0.005]
        below_ridge = [w for w, r in rows if r.get("minus_ridge_worst", 0) < -0.005]
        if rows:
            print("%s: worst below best table - 0.5 in %d of %d worlds (%s); below ridge - 0.5 in %d (%s)" % (
                m, len(below_table), len(rows), " ".join(below_table) or "none", len(below_ridge), " ".join(below_ridge) or "none"))


def mean(values):
    return sum(values) / len(values)


def print_row(name, mode, model, r):
    ridge = "%+6.2f(%+6.2f)" % (100 * r["minus_ridge"], 100 * r["minus_ridge_worst"]) if "minus_ridge" in r else ""
    print("%-14s %-6s %-14s %7.2f%% %7.2f%% %+6.2f(%+6.2f) %s" % (
        name, mode, model, 100 * r["mean"], 100 * r["worst"], 100 * r["minus_table"], 100 * r["minus_table_worst"], ridge))


if __name__ == "__main__":
    if sys.argv[1] == "--suite":
        suite(sys.argv[2], sys.argv[3].split(), sys.argv[4].split())
    else:
        world(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split(), sys.argv[5].split(), sys.argv[6].split())
