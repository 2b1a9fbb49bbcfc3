#!/usr/bin/env python3
"""Summaries of the robustness suite (examples/robustness.sh).

    robustness_summary.py WORLD_DIR NAME MODE "MODELS" "SEEDS" "WORLD_SEEDS"
        prints one world's rows and writes WORLD_DIR/summary.json
    robustness_summary.py --suite OUT "NAMES" "MODELS"
        prints the suite's rows from every OUT/NAME/summary.json

A world seed's figures are on its test queries, or with FOLDS=N on the queries of all N
folds together (each fold's pr-eval figures pooled by its share of the Oracle's reward or
of the queries: every query tested once).

Per world and model: the mean and worst figure over world seeds x training seeds, and
the paired differences from the best table and from the ridge (each run minus the table
or ridge of the same world seed): their mean and worst. "best table" is, per world seed,
the best of pr-eval's table policies and single-best on the test queries (an optimistic
bar: chosen on the test queries); "ridge" is pr-eval's plain bag-of-words ridge baseline
(the issue's yardstick, fitted on the same training queries by code apart from the
models'), or `pr-train --model ridge` where pr-eval has none. The suite's last lines
count, per model, the worlds whose worst paired difference is below -0.5 points, each with
that difference and its standard error clustered by test query (pr-eval's `versus_first`:
every user's copy of a query shares its outcomes), and how many of them are more than two
standard errors below; then the runs below -0.5 points against how many the test queries'
noise alone would put there if every run's true difference were its world's mean.
"""

import json
import math
import os
import sys

NO_TRAINING = {"table", "ridge", "knn"}
# The per-seed bar: a run may be at most half a point below the best table or the ridge.
BAR = -0.005


def world(directory, name, mode, models, seeds, world_seeds):
    key = "ratio_to_oracle" if mode == "cost" else "accuracy"
    runs = {m: [] for m in models}  # model -> [(figure, minus table, minus ridge, their standard errors)]
    tables, plain = [], []
    for ws in world_seeds:
        dirs = split_dirs(os.path.join(directory, ws))
        folds = [{b["name"]: b for b in json.load(open(os.path.join(d, "baselines.json")))["baselines"]} for d in dirs]
        shares = fold_shares([next(iter(f.values())) for f in folds], key)
        baselines = {n: pool([f[n][key] for f in folds], shares) for n in folds[0]}
        best_name = max((n for n in baselines if n.startswith("table-") or n == "single-best"), key=lambda n: baselines[n])
        best_table = baselines[best_name]
        tables.append(best_table)
        ridge_paths = [os.path.join(d, f"ridge-{seeds[0]}.json") for d in dirs]
        if "ridge" in baselines:
            ridge = baselines["ridge"]
            plain.append(ridge)
        elif all(os.path.exists(p) for p in ridge_paths):
            ridge = pool([json.load(open(p))["systems"][0][key] for p in ridge_paths], shares)
        else:
            ridge = None
        for m in models:
            for s in seeds[:1] if m in NO_TRAINING else seeds:
                reports = [json.load(open(os.path.join(d, f"{m}-{s}.json"))) for d in dirs]
                figure = pool([r["systems"][0][key] for r in reports], shares)
                errors = [{b["name"]: (b.get("versus_first") or {}).get("standard_error") for b in r["baselines"]} for r in reports]
                runs[m].append((figure, figure - best_table, None if ridge is None else figure - ridge,
                                pooled_error([e.get(best_name) for e in errors], shares),
                                pooled_error([e.get("ridge") for e in errors], shares)))
    rows = {}
    for m, values in runs.items():
        figures = [v[0] for v in values]
        vs_table = [v[1] for v in values]
        vs_ridge = [v for v in values if v[2] is not None]
        worst_table = min(values, key=lambda v: v[1])
        rows[m] = {"mean": mean(figures), "worst": min(figures), "minus_table": mean(vs_table),
                   "minus_table_worst": worst_table[1], "minus_table_worst_se": worst_table[3], "runs": len(values),
                   "minus_table_runs": [[v[1], v[3]] for v in values]}
        if vs_ridge:
            worst_ridge = min(vs_ridge, key=lambda v: v[2])
            rows[m]["minus_ridge"] = mean([v[2] for v in vs_ridge])
            rows[m]["minus_ridge_worst"] = worst_ridge[2]
            rows[m]["minus_ridge_worst_se"] = worst_ridge[4]
            rows[m]["minus_ridge_runs"] = [[v[2], v[4]] for v in vs_ridge]
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
        if not rows:
            continue
        for against, label in (("table", "best table"), ("ridge", "ridge")):
            below = [(w, r["minus_%s_worst" % against], r.get("minus_%s_worst_se" % against))
                     for w, r in rows if r.get("minus_%s_worst" % against, 0) < BAR]
            significant = [w for w, d, se in below if se is not None and d < -2 * se]
            print("%s: worst seed below %s - 0.5 in %d of %d worlds (%s); more than 2 standard errors below in %d%s" % (
                m, label, len(below), len(rows),
                ", ".join("%s %+.2f%s" % (w, 100 * d, "" if se is None else " \u00b1%.2f" % (100 * se)) for w, d, se in below) or "none",
                len(significant), " (%s)" % " ".join(significant) if significant else ""))
            noise = expected_misses([r for _, r in rows], against)
            if noise:
                print("%s: runs below %s - 0.5: %d of %d; expected from the test queries' noise alone: %.1f" % (
                    m, label, *noise))


def split_dirs(directory):
    """The directories of a world seed's evaluations: its folds (fold-1 ... fold-N, written
    with FOLDS=N), or the directory itself for the single split."""
    folds = sorted((f for f in os.listdir(directory) if f.startswith("fold-")), key=lambda f: int(f[5:]))
    return [os.path.join(directory, f) for f in folds] or [directory]


def fold_shares(entries, key):
    """Each fold's share of the figure on all folds' queries together, from one pr-eval entry
    per fold (any system: all are scored on the fold's same pairs): the share of the
    Oracle's total reward (ratio to Oracle) or of the queries (accuracy). With these shares
    the pooled figure is exactly the one pr-eval would print on the folds' routes together."""
    if len(entries) == 1:
        return [1.0]
    weights = [e["queries"] * (e["oracle_reward"] if key == "ratio_to_oracle" else 1) for e in entries]
    return [w / sum(weights) for w in weights]


def pool(figures, shares):
    return sum(s * f for s, f in zip(shares, figures))


def pooled_error(errors, shares):
    """The standard error of a pooled difference: folds test disjoint queries, so their
    clustered errors are independent. None where a fold has none."""
    if any(e is None for e in errors):
        return None
    return math.sqrt(sum((s * e) ** 2 for s, e in zip(shares, errors)))


def expected_misses(rows, against):
    """Runs more than 0.5 points below the bar, and how many would be expected if every
    run's true difference were its world's mean and only the test queries' sampling noise
    (the run's clustered standard error, normal) moved it: the count the per-seed bar can
    be held to. Approximate: the world's mean is estimated from the same runs. None where
    a run has no standard error."""
    runs = [(r["minus_%s" % against], d, se) for r in rows for d, se in r.get("minus_%s_runs" % against, [])]
    if not runs or any(se is None for _, _, se in runs):
        return None
    observed = sum(1 for _, d, _ in runs if d < BAR)
    expected = sum(normal_below(BAR, mu, se) for mu, _, se in runs)
    return observed, len(runs), expected


def normal_below(x, mu, se):
    """The probability that a normal variable of mean mu and standard deviation se is below x."""
    if se <= 0:
        return 1.0 if mu < x else 0.0
    return 0.5 * (1 + math.erf((x - mu) / (se * math.sqrt(2))))


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
