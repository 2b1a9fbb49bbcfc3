#!/usr/bin/env python3
"""What if a user weighed quality and cost differently? Asks the trained model, in one command.

The model knows a user by their interactions. So the what-if user is given the history
that the new weights would have produced: the responses of SUPPORT queries (training
queries of the graph), simulated with `pr-sim --alpha A --beta B`. The graph's held-out
test queries are then routed twice, without retraining:
- once for the user as the graph knows them (population behaviour for a user who is not in it);
- once for the what-if user, attached with `pr-route --support`.
Both sets of routes are scored by pr-eval under the new weights.

The support and evaluated queries are kept disjoint, and this is checked. The tools
validate alpha and beta.

Output: one JSON line per evaluated query,
`{"query_id","task","before","after","changed"}` (`before` and `after` are the routed
LLMs), then a summary line with each side's reward and ratio to the Oracle under the new
weights, its total cost, and the share of routes that changed.

Usage:
  examples/what-if.py --graph graph.prg --weights model.prw --responses responses.jsonl \\
      --llms llms.jsonl --user user-3 --alpha 0.3 --beta 0.7 [--support-queries 20] [--bin DIR]
"""
import argparse
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile


def find_tools(option):
    """The directory of the prouter tools: --bin, $PROUTER_BIN, this script's own
    directory (`make install` puts it next to the tools as pr-what-if), the source tree's
    release build, or "" for PATH; exits 69 with one line when none has them."""
    here = os.path.dirname(os.path.abspath(__file__))
    candidates = [option] if option else [os.environ.get("PROUTER_BIN", ""), here, os.path.join(here, "..", ".build", "release")]
    for directory in candidates:
        if directory and all(os.access(os.path.join(directory, t), os.X_OK) for t in ("pr-route", "pr-sim", "pr-eval")):
            return directory
    if option or not shutil.which("pr-route"):
        fail(69, "cannot find the prouter tools (pr-route, pr-sim, pr-eval)%s: give --bin DIR, set PROUTER_BIN, or run make install"
             % (" in " + option if option else ""))
    return ""


def fail(status, message):
    sys.stderr.write("what-if: %s\n" % message)
    sys.exit(status)


def run(tool, *arguments, bin_dir, stdin=None):
    """Runs a prouter tool; exits with its status and message when it fails."""
    try:
        result = subprocess.run([os.path.join(bin_dir, tool) if bin_dir else tool, *arguments],
                                input=stdin, capture_output=True, text=True)
    except OSError as error:
        fail(69, "cannot run %s: %s" % (tool, error.strerror))
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        sys.exit(result.returncode)
    return result.stdout


def number(text):
    """A figure from pr-eval's CSV, or None where it is empty (no Oracle reward to compare)."""
    return round(float(text), 6) if text not in ("", None) else None


def lines(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--graph", required=True)
    parser.add_argument("--weights", required=True)
    parser.add_argument("--responses", required=True, help="the response table the graph was simulated from")
    parser.add_argument("--llms", required=True, help="LLM prices (llms.jsonl)")
    parser.add_argument("--user", required=True, help="a user of the graph, or a new id (population behaviour)")
    parser.add_argument("--alpha", required=True, help="the what-if weight on normalized performance")
    parser.add_argument("--beta", required=True, help="the what-if weight against normalized cost")
    parser.add_argument("--support-queries", type=int, default=20, help="history given to the what-if user (default 20)")
    parser.add_argument("--bin", default="", help="tool directory (default: $PROUTER_BIN, next to this script, the release build, PATH)")
    options = parser.parse_args()
    if options.support_queries < 1:
        parser.error("--support-queries must be at least 1")
    tool = {"bin_dir": find_tools(options.bin)}
    what_if = options.user + "@what-if"

    evaluated = {q["query_id"]: q for q in lines(run("pr-build-graph", "--export-queries", "test", options.graph, **tool))}
    train_ids = sorted({q["query_id"] for q in lines(run("pr-build-graph", "--export-queries", "train", options.graph, **tool))})
    support_ids = [q for q in train_ids if q not in evaluated][:options.support_queries]
    overlap = set(support_ids) & set(evaluated)
    if overlap:  # cannot happen with a query-id split; checked because the figures would be leaky
        sys.exit("what-if: support and evaluated queries overlap: %s" % ", ".join(sorted(overlap)[:5]))
    if not evaluated or not support_ids:
        sys.exit("what-if: %s has %d test and %d other training queries; need both" % (
            options.graph, len(evaluated), len(support_ids)))

    try:
        with open(options.responses) as f:
            responses = [line for line in f if line.strip()]
    except OSError as error:
        fail(66, "%s: cannot open: %s" % (options.responses, error.strerror))
    rows = []
    for number_, line in enumerate(responses, 1):
        try:
            row = json.loads(line)
        except ValueError as error:
            fail(65, "%s:%d: not JSON: %s" % (options.responses, number_, error))
        if not isinstance(row, dict):
            fail(65, "%s:%d: expected a JSON object" % (options.responses, number_))
        rows.append(row)

    def responses_of(ids):
        return "".join(line for line, row in zip(responses, rows) if row.get("query_id") in ids)

    def simulate(ids, user):
        return run("pr-sim", "--alpha", options.alpha, "--beta", options.beta, "--user", user, "--llms", options.llms,
                   stdin=responses_of(ids), **tool)

    support = simulate(set(support_ids), what_if)
    truth = simulate(set(evaluated), what_if)
    known = options.user in {r["user"] for r in lines(run("pr-build-graph", "--export-queries", "train", options.graph, **tool))}

    with tempfile.TemporaryDirectory() as work:
        paths = {name: os.path.join(work, name + ".jsonl") for name in ("support", "truth", "before", "after")}
        for name, text in (("support", support), ("truth", truth)):
            with open(paths[name], "w") as f:
                f.write(text)
        queries = [{"user": options.user, "query_id": q, "query": evaluated[q]["query"], "task": evaluated[q]["task"]}
                   for q in sorted(evaluated)]
        common = ["--graph", options.graph, "--weights", options.weights]
        before = lines(run("pr-route", *common, *([] if known else ["--allow-unknown-users"]),
                           stdin="".join(json.dumps(q) + "\n" for q in queries), **tool))
        after = lines(run("pr-route", *common, "--support", paths["support"],
                          stdin="".join(json.dumps(dict(q, user=what_if)) + "\n" for q in queries), **tool))
        for name, routes in (("before", before), ("after", after)):
            with open(paths[name], "w") as f:  # both scored under the what-if weights
                f.writelines(json.dumps(dict(r, user=what_if)) + "\n" for r in routes)
        figures = {}
        for name in ("before", "after"):
            table = csv.DictReader(io.StringIO(run("pr-eval", "--format", "csv", "--truth", paths["truth"], paths[name], **tool)))
            figures[name] = next(row for row in table if row["kind"] == "system" and not row["user"])

    changed = 0
    for b, a in zip(before, after):
        changed += b["llm"] != a["llm"]
        print(json.dumps({"query_id": b["query_id"], "task": evaluated[b["query_id"]]["task"],
                          "before": b["llm"], "after": a["llm"], "changed": b["llm"] != a["llm"]}))
    summary = {"user": options.user, "alpha": float(options.alpha), "beta": float(options.beta),
               "support_queries": len(support_ids), "evaluated_queries": len(before), "changed": changed,
               "changed_share": round(changed / len(before), 4)}
    for name in ("before", "after"):
        summary[name] = {key: number(figures[name].get(key)) for key in ("reward", "ratio_to_oracle", "total_cost")}
    for key, figure in (("reward_change", "reward"), ("cost_change", "total_cost")):
        before_value, after_value = summary["before"][figure], summary["after"][figure]
        summary[key] = None if before_value is None or after_value is None else round(after_value - before_value, 6)
    print(json.dumps({"summary": summary}))


if __name__ == "__main__":
    main()
