#!/usr/bin/env python3
"""Summaries of the multi-turn robustness suite (examples/robustness-multiturn.sh).

    robustness_multiturn_summary.py WORLD_DIR NAME "MODELS" "SEEDS" "WORLD_SEEDS"
        prints one world's rows and writes WORLD_DIR/summary.json
    robustness_multiturn_summary.py --suite OUT "NAMES" "MODELS"
        prints the suite's rows from every OUT/NAME/summary.json

Per world and model: the mean and worst accuracy over world seeds x training seeds, and
the paired differences (each run minus the baseline on the same world seed's test turns),
mean and worst, from
  * the best history table: the best of pr-eval's table-*, history-last,
    history-favourite, history-blend and single-best;
  * history-priors: the gmt model's history priors alone, fitted by pr-eval (an
    ablation: what the columns that read text, and the network, add).
The rows "best-table" and "history-priors" give those baselines' own figures. The suite's
line ends with the worst run against the best history table and that difference's standard
error clustered by test conversation (pr-eval's `versus_first`).
"""

import json
import os
import sys


def is_table(name):
    return name.startswith("table-") or name in ("history-last", "history-favourite", "history-blend", "single-best")


def world(directory, name, models, seeds, world_seeds):
    runs = {m: [] for m in models}
    tables, priors = [], []
    for ws in world_seeds:
        d = os.path.join(directory, ws)
        for m in models:
            for s in seeds:
                report = json.load(open(os.path.join(d, f"{m}-{s}.json")))
                baselines = {b["name"]: b["accuracy"] for b in report["baselines"]}
                best_name = max((n for n in baselines if is_table(n)), key=lambda n: baselines[n])
                best = baselines[best_name]
                error = next((b.get("versus_first") or {}).get("standard_error") for b in report["baselines"] if b["name"] == best_name)
                ablation = baselines.get("history-priors", best)
                if m == models[0] and s == seeds[0]:
                    tables.append(best)
                    priors.append(ablation)
                figure = report["systems"][0]["accuracy"]
                runs[m].append((figure, figure - best, figure - ablation, error))
    rows = {"best-table": {"mean": sum(tables) / len(tables), "worst": min(tables)},
            "history-priors": {"mean": sum(priors) / len(priors), "worst": min(priors)}}
    for m, values in runs.items():
        worst_table = min(values, key=lambda v: v[1])
        rows[m] = {"mean": sum(v[0] for v in values) / len(values), "worst": min(v[0] for v in values),
                   "vs_table_mean": sum(v[1] for v in values) / len(values), "vs_table_worst": worst_table[1],
                   "vs_table_worst_se": worst_table[3],
                   "vs_priors_mean": sum(v[2] for v in values) / len(values), "vs_priors_worst": min(v[2] for v in values)}
    json.dump({"world": name, "rows": rows}, open(os.path.join(directory, "summary.json"), "w"), indent=1)
    return rows


def print_rows(name, rows):
    for model, r in rows.items():
        extra = "" if "vs_table_mean" not in r else " %+8.2f %+8.2f %+8.2f %+8.2f" % (
            100 * r["vs_table_mean"], 100 * r["vs_table_worst"], 100 * r["vs_priors_mean"], 100 * r["vs_priors_worst"])
        print("%-14s %-14s %7.2f %7.2f%s" % (name, model, 100 * r["mean"], 100 * r["worst"], extra))


def main():
    if sys.argv[1] == "--suite":
        out, names, models = sys.argv[2], sys.argv[3].split(), sys.argv[4].split()
        print("suite: accuracy %, mean and worst over worlds; differences from the best history table and from "
              "history-priors, mean and worst")
        for m in models:
            named = [(n, json.load(open(os.path.join(out, n, "summary.json")))["rows"][m]) for n in names]
            rows = [r for _, r in named]
            worst_world, worst_row = min(named, key=lambda item: item[1]["vs_table_worst"])
            error = worst_row.get("vs_table_worst_se")
            def mean(key):
                return 100 * sum(r[key] for r in rows) / len(rows)
            def worst(key):
                return 100 * min(r[key] for r in rows)
            print("%-12s mean %6.2f  worst %6.2f   vs best table: mean %+6.2f  worst %+6.2f   vs history-priors: mean %+6.2f  worst %+6.2f"
                  "   worst run vs best table: %s %+.2f%s"
                  % (m, mean("mean"), worst("worst"), mean("vs_table_mean"), worst("vs_table_worst"),
                     mean("vs_priors_mean"), worst("vs_priors_worst"), worst_world, 100 * worst_row["vs_table_worst"],
                     "" if error is None else " \u00b1%.2f" % (100 * error)))
        return
    directory, name, models, seeds, world_seeds = sys.argv[1], sys.argv[2], *[a.split() for a in sys.argv[3:6]]
    print("%-14s %-14s %7s %7s %8s %8s %8s %8s" % ("world", "model", "mean", "worst", "-table", "(worst)", "-priors", "(worst)"))
    print_rows(name, world(directory, name, models, seeds, world_seeds))


if __name__ == "__main__":
    main()
