#!/usr/bin/env python3
"""Is the anchored model's start chosen on evidence that holds on unseen queries?

    start_calibration.py [--seed S] OUT...

Each OUT is a robustness suite's output (examples/robustness.sh run with MODELS including
"anchored table"). For every run (world, world seed and fold) it reads what the start's
cross-validation found on the training queries, from the anchored weights file's CONF
section (`start_gain_over_table` and `start_gain_standard_error`: the chosen start's
gain over the table at the chosen level, clustered by query), and what the anchored model
gained over `pr-train --model table` (the same level) on the run's test queries, from
pr-eval. Gains are in mean reward per (user, query) pair in cost mode and in accuracy in
judge mode.

Prints, per mode, the mean cross-validated and test gains, then the runs grouped by the
cross-validated gain in standard errors: if the cross-validation were optimistic, the test
gains would fall short of it, most of all where it was large.
"""

import argparse
import glob
import json
import os
import struct
import sys


def weights_conf(path):
    """The CONF section of a weights file (the container of docs/FORMATS.md)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"PRWEIGH\0":
        raise SystemExit(f"{path}: not a prouter weights file")
    (count,) = struct.unpack_from("<I", data, 12)
    for index in range(count):
        tag, _, offset, length, _, _, _ = struct.unpack_from("<4sIQQQII", data, 32 + 40 * index)
        if tag == b"CONF":
            return json.loads(data[offset:offset + length])
    raise SystemExit(f"{path}: no CONF section")


def runs(out, seed):
    for run in sorted(glob.glob(os.path.join(out, "*", "*", "")) + glob.glob(os.path.join(out, "*", "*", "fold-*", ""))):
        weights = os.path.join(run, f"anchored-{seed}.prw")
        if not all(os.path.exists(os.path.join(run, name)) for name in (f"anchored-{seed}.prw", f"anchored-{seed}.json", f"table-{seed}.json")):
            continue
        conf = weights_conf(weights)
        if "start_gain_over_table" not in conf:
            continue
        test = {}
        for model in ("anchored", "table"):
            with open(os.path.join(run, f"{model}-{seed}.json")) as f:
                report = json.load(f)
            test[model] = report["systems"][0]["reward" if report["mode"] == "cost" else "accuracy"]
        world = os.path.relpath(run, out).split(os.sep)[0]
        yield (world, conf["mode"], conf["start_gain_over_table"], conf["start_gain_standard_error"],
               test["anchored"] - test["table"])


def mean(values):
    return sum(values) / len(values) if values else float("nan")


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--seed", default="0", help="the training seed of the runs (default: 0)")
    parser.add_argument("out", nargs="+", help="robustness suite outputs")
    args = parser.parse_args()
    rows = [row for out in args.out for row in runs(out, args.seed)]
    if not rows:
        raise SystemExit(f"{', '.join(args.out)}: no run has anchored and table weights with the start's evidence")
    bins = [(float("-inf"), -1), (-1, 0), (0, 1), (1, 2), (2, float("inf"))]
    for mode in ("cost", "judge"):
        chosen = [r for r in rows if r[1] == mode]
        if not chosen:
            continue
        print(f"{mode}: {len(chosen)} runs, cross-validated gain over the table {mean([r[2] for r in chosen]):+.4f}, "
              f"on the test queries {mean([r[4] for r in chosen]):+.4f}")
        print(f"  {'gain / standard error':>22} {'runs':>5} {'cross-validated':>16} {'test':>8} {'test > 0':>9}")
        for low, high in bins:
            group = [r for r in chosen if r[3] > 0 and low <= r[2] / r[3] < high]
            if group:
                print(f"  {f'[{low:g}, {high:g})':>22} {len(group):5d} {mean([r[2] for r in group]):+16.4f} "
                      f"{mean([r[4] for r in group]):+8.4f} {sum(r[4] > 0 for r in group):9d}")
        flat = [r for r in chosen if r[3] == 0]
        if flat:
            print(f"  {'no spread':>22} {len(flat):5d} {mean([r[2] for r in flat]):+16.4f} {mean([r[4] for r in flat]):+8.4f}")
    print("per world: runs, cross-validated gain, test gain")
    for world in sorted({r[0] for r in rows}):
        group = [r for r in rows if r[0] == world]
        print(f"  {world:<16} {len(group):4d} {mean([r[2] for r in group]):+.4f} {mean([r[4] for r in group]):+.4f}")


if __name__ == "__main__":
    main()
