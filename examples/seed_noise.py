#!/usr/bin/env python3
"""How far one model's per-seed figure is from another's, against the test set's noise.

Reads a robustness-suite output folder (examples/robustness.sh: WORLD/SEED/ holding
interactions.jsonl and each model's test routes, MODEL-TRAININGSEED.jsonl) and prints,
per world seed, the difference of the two models' shares of the Oracle's reward (cost
mode; judge mode: of their accuracies) with its standard error clustered by test query
(every user's copy of a query shares its outcomes, so copies are not independent).

Usage: examples/seed_noise.py SUITE_DIR [WORLD...] [--model anchored-0] [--reference table-0]
"""
import argparse
import collections
import json
import math
import os
import sys


def outcomes(path):
    """(user, query_id, llm) -> reward (judge mode: 1 for the preferred LLM, else 0)."""
    table = {}
    with open(path) as lines:
        for line in lines:
            row = json.loads(line)
            table[(row["user"], row["query_id"], row["llm"])] = row.get("reward", 1.0 if row.get("best") else 0.0)
    return table


def routes(path):
    with open(path) as lines:
        return {(r["user"], r["query_id"]): r["llm"] for r in map(json.loads, lines)}


def compare(folder, model, reference):
    truth = outcomes(os.path.join(folder, "interactions.jsonl"))
    oracle = collections.defaultdict(float)
    for (user, query, _), reward in truth.items():
        oracle[(user, query)] = max(oracle[(user, query)], reward)
    ours = routes(os.path.join(folder, model + ".jsonl"))
    theirs = routes(os.path.join(folder, reference + ".jsonl"))
    if ours.keys() != theirs.keys():
        raise SystemExit(f"{folder}: {model} and {reference} route different nodes")
    total = sum(oracle[node] for node in ours)
    by_query = collections.defaultdict(float)
    for (user, query), llm in ours.items():
        by_query[query] += truth[(user, query, llm)] - truth[(user, query, theirs[(user, query)])]
    count = len(by_query)
    mean = sum(by_query.values()) / count
    spread = sum((v - mean) ** 2 for v in by_query.values()) * count / max(count - 1, 1)
    return count, 100 * sum(by_query.values()) / total, 100 * math.sqrt(spread) / total


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("suite")
    parser.add_argument("worlds", nargs="*")
    parser.add_argument("--model", default="anchored-0")
    parser.add_argument("--reference", default="table-0")
    args = parser.parse_args()
    worlds = args.worlds or sorted(w for w in os.listdir(args.suite) if os.path.isdir(os.path.join(args.suite, w)))
    print(f"{'world':15s} seed  queries  {args.model} - {args.reference}  SE     z")
    for world in worlds:
        seeds = sorted(s for s in os.listdir(os.path.join(args.suite, world)) if s.isdigit())
        for seed in seeds:
            folder = os.path.join(args.suite, world, seed)
            try:
                count, difference, error = compare(folder, args.model, args.reference)
            except FileNotFoundError as missing:
                print(f"{folder}: {missing.filename} is missing", file=sys.stderr)
                continue
            z = difference / error if error else 0.0
            print(f"{world:15s} {seed:4s} {count:8d}  {difference:+8.2f}  {error:6.2f} {z:+6.2f}")


if __name__ == "__main__":
    main()
