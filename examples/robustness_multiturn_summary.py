#!/usr/bin/env python3
"""Summaries of the multi-turn robustness suite (examples/robustness-multiturn.sh).

    robustness_multiturn_summary.py WORLD_DIR NAME "MODELS" "SEEDS" "WORLD_SEEDS"
        prints one world's rows and writes WORLD_DIR/summary.json
    robustness_multiturn_summary.py --suite OUT "NAMES" "MODELS"
        prints the suite's rows from every OUT/NAME/summary.json

Per world and model: the mean and worst accuracy over world seeds x training seeds, and
the paired difference from the best history table (each run minus the best of pr-eval's
table-*, history-* and single-best policies on the same world seed's test turns): its
mean and worst. The best history table's own mean is printed as the row "best-table".
"""

import json
import os
import sys


def is_table(name):
    return name.startswith("table-") or name.startswith("history-") or name == "single-best"


def world(directory, name, models, seeds, world_seeds):
    runs = {m: [] for m in models}
    tables = []
    for ws in world_seeds:
        d = os.path.join(directory, ws)
        for m in models:
            for s in seeds:
                report = json.load(open(os.path.join(d, f"{m}-{s}.json")))
                best = max(b["accuracy"] for b in report["baselines"] if is_table(b["name"]))
                if m == models[0] and s == seeds[0]:
                    tables.append(best)
                figure = report["systems"][0]["accuracy"]
                runs[m].append((figure, figure - best))
    rows = {"best-table": {"mean": sum(tables) / len(tables), "worst": min(tables)}}
    for m, values in runs.items():
        rows[m] = {"mean": sum(v[0] for v in values) / len(values), "worst": min(v[0] for v in values),
                   "vs_table_mean": sum(v[1] for v in values) / len(values), "vs_table_worst": min(v[1] for v in values)}
    json.dump({"world": name, "rows": rows}, open(os.path.join(directory, "summary.json"), "w"), indent=1)
    return rows


def print_rows(name, rows):
    for model, r in rows.items():
        extra = "" if "vs_table_mean" not in r else " %+8.2f %+8.2f" % (100 * r["vs_table_mean"], 100 * r["vs_table_worst"])
        print("%-14s %-12s %7.2f %7.2f%s" % (name, model, 100 * r["mean"], 100 * r["worst"], extra))


def main():
    if sys.argv[1] == "--suite":
        out, names, models = sys.argv[2], sys.argv[3].split(), sys.argv[4].split()
        print("suite: accuracy %, mean and worst over worlds; difference from the best history table, mean and worst")
        for m in models:
            rows = [json.load(open(os.path.join(out, n, "summary.json")))["rows"][m] for n in names]
            print("%-12s mean %6.2f  worst %6.2f   vs best table: mean %+6.2f  worst %+6.2f" % (
                m, 100 * sum(r["mean"] for r in rows) / len(rows), 100 * min(r["worst"] for r in rows),
                100 * sum(r["vs_table_mean"] for r in rows) / len(rows), 100 * min(r["vs_table_worst"] for r in rows)))
        return
    directory, name, models, seeds, world_seeds = sys.argv[1], sys.argv[2], *[a.split() for a in sys.argv[3:6]]
    print("%-14s %-12s %7s %7s %8s %8s" % ("world", "model", "mean", "worst", "-table", "(worst)"))
    print_rows(name, world(directory, name, models, seeds, world_seeds))


if __name__ == "__main__":
    main()
