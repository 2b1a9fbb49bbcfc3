#!/usr/bin/env python3
"""Mutation fuzzing of the six prouter tools.

Builds a small valid corpus from the example world (responses, users, labels,
interactions, a graph file with features, a weights file, routes, conversations), then
runs --cases cases. Each case takes one tool invocation, mutates one of its inputs (a
JSON Lines file, a binary graph or weights file, or the command line) with a seeded
random mutator, runs the tool under a timeout, and checks:

  * no signal (crash) and no hang (--timeout seconds);
  * the exit status is documented: 0, 64 (usage), 65 (bad data), 66 (no input),
    69, 73 (cannot create), 74 (I/O), 75 (temporary failure), 77;
  * on failure with 65/66/73/74, exactly one line on stderr, naming an input or output file;
  * on failure, no output file and no temporary file left, and a pre-existing output
    file untouched (byte for byte);
  * outputs replace only what is theirs: the output path of a case may be a symbolic
    link (the link must stay a link), /dev/null (it must stay a character device), one of
    the case's inputs (exit 64, the input untouched) or, for pr-route, the same path as
    --errors (exit 64);
  * huge and non-finite numbers (1e36, 1e39, 1e308, 3.4e38) in any field never crash;
  * two pipelines carry a mutated interactions or conversations file through pr-sim,
    pr-build-graph, pr-embed and pr-train (the anchored and gmt models), stopping at the
    first tool that fails: a number the arithmetic cannot take is refused there;
  * a corrupted MiniLM model folder (its tokenizer.json mutated; the weights linked from
    the installed model, when there is one) is refused with one line, never a crash;
  * pr-eval's --plot SVG is well-formed XML and its CSV has no cell a spreadsheet would
    run as a formula, whatever the names in the input.

Prints one line per failed check and a JSON summary; exits 1 when any check failed.
The same --seed gives the same cases.

    python3 examples/fuzz/fuzz.py --bin .build/release --cases 10000 --seed 1
"""

import argparse
import csv
import json
import os
import random
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree

DOCUMENTED = {0, 64, 65, 66, 69, 73, 74, 75, 77}
ONE_LINE = {65, 66, 73, 74}
HERE = os.path.dirname(os.path.abspath(__file__))
MODEL_DIR = os.environ.get("PROUTER_MODEL_DIR") or os.path.join(
    os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "prouter", "all-MiniLM-L6-v2")
HAS_MODEL = os.path.exists(os.path.join(MODEL_DIR, "model.safetensors"))
DATA = os.path.join(HERE, "..", "data")

NASTY_VALUES = ["-1", "0", "1e308", "-1e308", "NaN", "nan", "inf", "", "x", "99999999999999999999",
                "9223372036854775808", "-0", "1.5", "\u00e9", "--", "-", "0x10", "1000000000"]
NASTY_JSON = ['null', 'true', '""', '[]', '{}', '-1', '1e400', '99999999999999999999999', '"' + 'A' * 5000 + '"',
              '"\\ud800"', '0.0', '-0', '"NaN"', '[1,2]', '{"a":{}}', '1e36', '1e39', '1e308', '-1e308', '3.4e38',
              '"=HYPERLINK(\\"x\\")"', '"\\ufffe\\uffff"', '"\\u001b[31m"']


def run(command, stdin=None, timeout=20):
    started = time.monotonic()
    try:
        result = subprocess.run(command, input=stdin, capture_output=True, timeout=timeout)
        return result.returncode, result.stdout, result.stderr, time.monotonic() - started
    except subprocess.TimeoutExpired:
        return None, b"", b"", timeout


def build_corpus(bin_dir, work):
    """Small valid inputs for every tool, written into `work`."""
    def tool(name):
        return os.path.join(bin_dir, name)

    def head(source, target, count, keep=None):
        with open(os.path.join(DATA, source)) as f, open(os.path.join(work, target), "w") as out:
            kept = 0
            for line in f:
                if keep and not keep(json.loads(line)):
                    continue
                out.write(line)
                kept += 1
                if kept == count:
                    break

    queries = set()

    def few_queries(row):
        if len(queries) < 30 or row["query_id"] in queries:
            queries.add(row["query_id"])
            return len(queries) <= 30
        return False

    head("responses.jsonl", "responses.jsonl", 300, few_queries)
    head("users.jsonl", "users.jsonl", 3)
    head("labels.jsonl", "labels.jsonl", 200, lambda r: r["query_id"] in queries)
    head("tasks.jsonl", "tasks.jsonl", 100)
    head("llms.jsonl", "llms.jsonl", 100)
    conversations = set()
    head("conversations.jsonl", "conversations.jsonl", 20, lambda r: conversations.add(r["conversation_id"]) or True)
    head("conversation-users.jsonl", "conversation-users.jsonl", 1000,
         lambda r: r.get("conversation_id", next(iter(conversations))) in conversations)
    p = lambda name: os.path.join(work, name)
    steps = [
        [tool("pr-sim"), "--users", p("users.jsonl"), "--llms", p("llms.jsonl"), "-o", p("interactions.jsonl"), p("responses.jsonl")],
        [tool("pr-build-graph"), "--seed", "1", "-o", p("graph.prg"), p("interactions.jsonl")],
        [tool("pr-embed"), "--dim", "16", "--tasks", p("tasks.jsonl"), "--llms", p("llms.jsonl"), "--in-place", p("graph.prg")],
        [tool("pr-train"), "-q", "--model", "graphrouter", "--epochs", "2", "--hidden", "4", "-o", p("weights.prw"), p("graph.prg")],
    ]
    for command in steps:
        subprocess.run(command, check=True, capture_output=True)
    with open(p("queries.jsonl"), "wb") as out:
        out.write(subprocess.run([tool("pr-build-graph"), "--export-queries", "test", p("graph.prg")],
                                 check=True, capture_output=True).stdout)
    with open(p("routes.jsonl"), "wb") as out:
        out.write(subprocess.run([tool("pr-route"), "--graph", p("graph.prg"), "--weights", p("weights.prw"),
                                  p("queries.jsonl")], check=True, capture_output=True).stdout)
    # Pipelines that carry a mutated interactions or conversations file through to a trained
    # model (the default models: anchored, gmt), stopping at the first tool that fails.
    with open(p("train-anchored.sh"), "w") as out:
        out.write('bin=$1; graph=$2; weights=$3; corpus=$4; interactions=$5\n'
                  '"$bin/pr-build-graph" -q --seed 1 -o "$graph" "$interactions" || exit $?\n'
                  '"$bin/pr-embed" -q --dim 8 --tasks "$corpus/tasks.jsonl" --llms "$corpus/llms.jsonl" --in-place "$graph" || exit $?\n'
                  'exec "$bin/pr-train" -q --epochs 1 --hidden 4 -o "$weights" "$graph"\n')
    with open(p("train-gmt.sh"), "w") as out:
        out.write('bin=$1; graph=$2; weights=$3; corpus=$4; labelled=$5; conversations=$6; users=$7\n'
                  '"$bin/pr-sim" multi-turn -q --users "$users" -o "$labelled" "$conversations" || exit $?\n'
                  '"$bin/pr-build-graph" -q --multi-turn --seed 1 -o "$graph" "$labelled" || exit $?\n'
                  '"$bin/pr-embed" -q --dim 8 --in-place "$graph" 2>/dev/null || exit $?\n'
                  'exec "$bin/pr-train" -q --epochs 1 --hidden 4 -o "$weights" "$graph"\n')
    if HAS_MODEL:  # a MiniLM-embedded graph and model, and the folder's tokenizer to corrupt
        shutil.copyfile(p("graph.prg"), p("minilm.prg"))
        subprocess.run([tool("pr-embed"), "--encoder", "minilm", "--model-dir", MODEL_DIR, "--tasks", p("tasks.jsonl"),
                        "--llms", p("llms.jsonl"), "--in-place", p("minilm.prg")], check=True, capture_output=True)
        subprocess.run([tool("pr-train"), "-q", "--model", "graphrouter", "--epochs", "1", "--hidden", "4", "-o", p("minilm.prw"),
                        p("minilm.prg")], check=True, capture_output=True)
        shutil.copyfile(os.path.join(MODEL_DIR, "tokenizer.json"), p("tokenizer.json"))
        with open(p("queries.jsonl")) as f, open(p("one-query.jsonl"), "w") as out:
            out.write(f.readline())


def scenarios(bin_dir, work):
    """(name, command template, mutable inputs, output or None). {X} are corpus files;
    {OUT} is the output file of the case."""
    t = lambda name: os.path.join(bin_dir, name)
    return [
        ("sim-users", [t("pr-sim"), "--users", "{users.jsonl}", "--llms", "{llms.jsonl}", "-o", "{OUT}", "{responses.jsonl}"],
         ["users.jsonl", "responses.jsonl", "llms.jsonl"], True),
        ("sim-labels", [t("pr-sim"), "--labels", "{labels.jsonl}", "--llms", "{llms.jsonl}", "-o", "{OUT}", "{responses.jsonl}"],
         ["labels.jsonl", "responses.jsonl"], True),
        ("sim-multi-turn", [t("pr-sim"), "multi-turn", "--users", "{conversation-users.jsonl}", "-o", "{OUT}", "{conversations.jsonl}"],
         ["conversation-users.jsonl", "conversations.jsonl"], True),
        ("build-graph", [t("pr-build-graph"), "-o", "{OUT}", "{interactions.jsonl}"], ["interactions.jsonl"], True),
        ("graph-info", [t("pr-build-graph"), "--info", "{graph.prg}"], ["graph.prg"], False),
        ("embed", [t("pr-embed"), "--dim", "8", "--tasks", "{tasks.jsonl}", "--llms", "{llms.jsonl}", "-o", "{OUT}", "{graph.prg}"],
         ["graph.prg", "tasks.jsonl", "llms.jsonl"], True),
        ("train", [t("pr-train"), "-q", "--model", "mlp", "--epochs", "1", "--hidden", "4", "-o", "{OUT}", "{graph.prg}"], ["graph.prg"], True),
        ("route", [t("pr-route"), "--graph", "{graph.prg}", "--weights", "{weights.prw}", "{queries.jsonl}"],
         ["graph.prg", "weights.prw", "queries.jsonl"], False),
        ("eval", [t("pr-eval"), "--truth", "{interactions.jsonl}", "{routes.jsonl}"], ["interactions.jsonl", "routes.jsonl"], False),
        ("eval-plot", [t("pr-eval"), "--truth", "{interactions.jsonl}", "--plot", "{OUT}", "{routes.jsonl}"],
         ["interactions.jsonl", "routes.jsonl"], True),
        ("eval-csv", [t("pr-eval"), "--truth", "{interactions.jsonl}", "--format", "csv", "-o", "{OUT}", "{routes.jsonl}"],
         ["interactions.jsonl", "routes.jsonl"], True),
        ("route-errors", [t("pr-route"), "--graph", "{graph.prg}", "--weights", "{weights.prw}", "--keep-going",
                          "--errors", "{OUT}.errors", "-o", "{OUT}", "{queries.jsonl}"], ["queries.jsonl"], True),
        ("pipeline-anchored", ["/bin/sh", "{train-anchored.sh}", bin_dir, "{CASE}/p.prg", "{CASE}/p.prw", os.path.join(work, "corpus"),
                               "{interactions.jsonl}"], ["interactions.jsonl"], False),
        ("pipeline-gmt", ["/bin/sh", "{train-gmt.sh}", bin_dir, "{CASE}/p.prg", "{CASE}/p.prw", os.path.join(work, "corpus"),
                          "{CASE}/labelled.jsonl", "{conversations.jsonl}", "{conversation-users.jsonl}"],
         ["conversations.jsonl", "conversation-users.jsonl"], False),
    ] + ([("route-minilm", [t("pr-route"), "--graph", "{minilm.prg}", "--weights", "{minilm.prw}", "--model-dir", "{CASE}",
                            "{one-query.jsonl}"], ["tokenizer.json", "one-query.jsonl"], False)] if HAS_MODEL else [])


def mutate_text(data, rng):
    lines = data.split(b"\n")
    choice = rng.randrange(10)
    if choice == 0 and len(data) > 0:  # flip bytes
        data = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        return bytes(data)
    if choice == 1:  # truncate
        return data[:rng.randrange(len(data) + 1)]
    if choice == 2 and len(lines) > 1:  # drop or duplicate lines
        i = rng.randrange(len(lines))
        return b"\n".join(lines[:i] + lines[i + 1:] if rng.random() < 0.5 else lines[:i] + [lines[i]] * 3 + lines[i:])
    if choice in (3, 4, 5):  # replace one JSON value
        i = rng.randrange(len(lines))
        try:
            row = json.loads(lines[i])
            key = rng.choice(sorted(row))
            text = json.dumps(row)
            needle = json.dumps(key) + ": " + json.dumps(row[key])
            lines[i] = text.replace(needle, json.dumps(key) + ": " + rng.choice(NASTY_JSON), 1).encode()
            return b"\n".join(lines)
        except (ValueError, IndexError, TypeError, AttributeError):
            return data
    if choice == 6:  # remove a field
        i = rng.randrange(len(lines))
        try:
            row = json.loads(lines[i])
            row.pop(rng.choice(sorted(row)))
            lines[i] = json.dumps(row).encode()
            return b"\n".join(lines)
        except (ValueError, IndexError, TypeError, AttributeError):
            return data
    if choice == 7:  # a huge string or invalid UTF-8
        return data + (b'{"user":"' + b"u" * rng.choice([10, 100000]) + b'\xff\xfe"}\n')
    if choice == 8:
        return b""
    return data + rng.choice([b"\n\n", b"{", b"[1,2,3]\n", b"\x00\x00\n", b'{"a":1}\n'])


def mutate_binary(data, rng):
    data = bytearray(data)
    choice = rng.randrange(6)
    if choice == 0:
        for _ in range(rng.randint(1, 16)):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    elif choice == 1:
        del data[rng.randrange(len(data)):]
    elif choice == 2:
        start = rng.randrange(len(data))
        data[start:start + rng.randint(1, 64)] = bytes(rng.randint(1, 64))
    elif choice == 3:  # corrupt the header region
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(min(64, len(data)))] = rng.randrange(256)
    elif choice == 4:
        start = rng.randrange(len(data))
        data[start:start] = data[start:start + rng.randint(1, 256)]
    else:
        data[rng.randrange(len(data)):] = b"\xff" * 8
    return bytes(data)


def mutate_arguments(command, rng):
    command = list(command)
    choice = rng.randrange(4)
    flags = ["--seed", "--epochs", "--hidden", "--dim", "--sweep", "--alpha", "--beta", "--split", "--threads",
             "--queries-per-user", "--layers", "--lr", "--dropout", "--new-users", "--no-such-flag", "--format", "--model"]
    if choice == 0:
        command[1:1] = [rng.choice(flags), rng.choice(NASTY_VALUES)]
    elif choice == 1 and len(command) > 2:
        del command[rng.randrange(1, len(command))]
    elif choice == 2:
        command.append(rng.choice(flags))
    else:
        command[1:1] = [rng.choice(flags) + "=" + rng.choice(NASTY_VALUES)]
    return command


def check_case(index, rng, work, scenario, timeout):
    name, template, inputs, writes = scenario
    case_dir = os.path.join(work, "case")
    shutil.rmtree(case_dir, ignore_errors=True)
    os.makedirs(case_dir)
    files = {}
    for each in inputs:
        files[each] = os.path.join(case_dir, each)
        shutil.copyfile(os.path.join(work, "corpus", each), files[each])
    # (A pipeline's command line is a shell script's: only its inputs are mutated.)
    target = rng.choice(inputs + ([] if name.startswith("pipeline-") else ["<arguments>"]))
    if target != "<arguments>":
        with open(files[target], "rb") as f:
            data = f.read()
        binary = target.endswith((".prg", ".prw"))
        with open(files[target], "wb") as f:
            f.write(mutate_binary(data, rng) if binary and data else mutate_text(data, rng))
    out = os.path.join(case_dir, "output.out")
    existing = writes and rng.random() < 0.3
    if existing:
        with open(out, "wb") as f:
            f.write(b"pre-existing output\n")
    # Where the output goes: a plain path, a symbolic link to it, /dev/null, an input of
    # the case, or (pr-route) the same path as --errors.
    destination = rng.choice(["plain"] * 6 + ["link", "null", "input", "same"]) if writes else "plain"
    if destination == "same" and name != "route-errors":
        destination = "plain"
    out_argument = out
    if destination == "link":
        out_argument = os.path.join(case_dir, "link.out")
        os.symlink(out, out_argument)
    elif destination == "null":
        out_argument = "/dev/null"
    elif destination == "input":
        out_argument = files[rng.choice(inputs)]
    if name == "route-minilm":  # the case's model folder: its own tokenizer, the installed weights
        for each in ("model.safetensors", "model.safetensors.verified"):
            if os.path.exists(os.path.join(MODEL_DIR, each)):
                os.symlink(os.path.join(MODEL_DIR, each), os.path.join(case_dir, each))
    guarded = {path: open(path, "rb").read() for path in files.values()}
    command = []
    for part in template:
        if part == "{OUT}":
            command.append(out_argument)
        elif part == "{CASE}":
            command.append(case_dir)
        elif part.startswith("{CASE}/"):
            command.append(os.path.join(case_dir, part[len("{CASE}/"):]))
        elif part == "{OUT}.errors":
            command.append(out_argument if destination == "same" else out + ".errors")
        elif part.startswith("{") and part.endswith("}"):
            command.append(files.get(part[1:-1], os.path.join(work, "corpus", part[1:-1])))
        else:
            command.append(part)
    if target == "<arguments>":
        command = mutate_arguments(command, rng)
    status, _, stderr, _ = run(command, timeout=timeout)
    problems = []
    if destination == "link" and not os.path.islink(out_argument):
        problems.append("the output's symbolic link was replaced")
    if not stat.S_ISCHR(os.stat("/dev/null").st_mode):
        problems.append("/dev/null is no longer a character device")
    if destination in ("input", "same") and target != "<arguments>" and status != 64:
        problems.append(f"an output that is an input or another output: exit {status}, not 64")
    # The inputs the command reads (a mutated command line may have dropped some, and then
    # writing that path is no longer replacing an input).
    read = {part for i, part in enumerate(command) if i == 0 or command[i - 1] not in ("-o", "--output", "--plot", "--errors")}
    if any(open(path, "rb").read() != data for path, data in guarded.items() if path in read):
        problems.append("an input file was modified")
    if status == 0 and destination == "plain" and name == "eval-plot":
        try:
            xml.etree.ElementTree.parse(out)
        except (xml.etree.ElementTree.ParseError, OSError) as error:
            problems.append(f"the SVG is not well-formed XML: {error}")
    if status == 0 and destination == "plain" and name == "eval-csv":
        with open(out, newline="", encoding="utf-8", errors="replace") as f:
            if any(cell[:1] in ("=", "+", "@") for row in csv.reader(f) for cell in row):
                problems.append("a CSV cell starts as a formula")
    if status is None:
        problems.append("hang")
    elif status < 0:
        problems.append(f"signal {-status}")
    elif status not in DOCUMENTED:
        problems.append(f"undocumented exit status {status}")
    if status not in (None, 0) and status is not None and status > 0:
        lines = [line for line in stderr.decode("utf-8", "replace").split("\n") if line]
        if status in ONE_LINE:
            if len(lines) != 1:
                problems.append(f"{len(lines)} stderr lines")
            elif not any(path in lines[0] for path in list(files.values()) + [out, os.path.join(work, "corpus"), "<stdin>"]
                         + [part + ":" for part in command[1:] if not part.startswith("-")]):
                problems.append("error names no file: " + lines[0][:200])
        # (--keep-going writes the good lines' routes and exits 65 for the bad ones.)
        if writes and os.path.exists(out) and not (name == "route-errors" and status == 65):
            with open(out, "rb") as f:
                if not existing or f.read() != b"pre-existing output\n":
                    problems.append("output written or damaged on failure")
        leftovers = [entry for entry in os.listdir(case_dir) if ".tmp." in entry]
        if leftovers:
            problems.append("temporary files left: " + ", ".join(leftovers))
    return name, target, status, problems, command


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", required=True)
    parser.add_argument("--cases", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=30)
    args = parser.parse_args()
    bin_dir = os.path.abspath(args.bin)
    work = tempfile.mkdtemp(prefix="prouter-fuzz-")
    try:
        os.makedirs(os.path.join(work, "corpus"))
        build_corpus(bin_dir, os.path.join(work, "corpus"))
        all_scenarios = scenarios(bin_dir, work)
        for scenario in all_scenarios:  # the unmutated corpus passes every scenario
            command = [os.path.join(work, "baseline.out") + p[len("{OUT}"):] if p.startswith("{OUT}") else
                       MODEL_DIR if p == "{CASE}" else
                       os.path.join(work, "baseline-" + p[len("{CASE}/"):]) if p.startswith("{CASE}/") else
                       os.path.join(work, "corpus", p[1:-1]) if p.startswith("{") else p for p in scenario[1]]
            status, _, stderr, _ = run(command, timeout=args.timeout)
            if status != 0:
                sys.exit(f"fuzz: scenario {scenario[0]} fails on the unmutated corpus ({status}): {stderr.decode()[:300]}")
        rng = random.Random(args.seed)
        statuses = {}
        failures = 0
        started = time.monotonic()
        for index in range(args.cases):
            scenario = all_scenarios[index % len(all_scenarios)]
            name, target, status, problems, command = check_case(index, rng, work, scenario, args.timeout)
            statuses[str(status)] = statuses.get(str(status), 0) + 1
            if problems:
                failures += 1
                print(f"case {index} ({name}, mutated {target}): {'; '.join(problems)}: {' '.join(command)[:300]}", flush=True)
        summary = {"cases": args.cases, "seed": args.seed, "failed": failures, "exit_statuses": statuses,
                   "seconds": round(time.monotonic() - started, 1)}
        print(json.dumps(summary, sort_keys=True))
        sys.exit(1 if failures else 0)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
