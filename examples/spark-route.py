#!/usr/bin/env python3
"""Route a JSON Lines file of queries on Apache Spark, and check the result against one
pr-route process.

The graph and weights files go to every executor with SparkContext.addFile (on a
cluster: spark-submit --files graph.prg,model.prw), and RDD.pipe runs pr-route once per
partition, in the executor's working directory (where those files are), on that
partition's lines. Lines without
a query_id get "line-N" (N counted over the whole file), the id one pr-route process
would give them, so that every partition's routes carry the same ids as one process's.
The routes come back in input order (RDD.zip pairs each partition's routes with its
lines: pr-route writes one route per query line, in order) and are written to --out.
With --check (the default), one pr-route process routes the same lines and the two
outputs must be byte-identical.

Prints one JSON line on stderr: lines, partitions, Spark start-up seconds, routing
seconds and lines per second.

Needs PySpark and a Java runtime (`make spark-example` installs PySpark into a
throwaway virtual environment under .build/ and runs this on the example world).
Exit statuses: 0 equal; 1 the outputs differ; 64 bad usage; 66 an input is missing;
69 no pr-route, PySpark or Java.

    examples/spark-route.py --graph graph.prg --weights model.prw --queries queries.jsonl \\
        --out routes.jsonl [--partitions 4] [--master local[2]] [--bin DIR] [--no-check]
"""

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import time


def fail(status, message):
    sys.stderr.write("spark-route: %s\n" % message)
    sys.exit(status)


def find_pr_route(option):
    here = os.path.dirname(os.path.abspath(__file__))
    candidates = [option] if option else [os.environ.get("PROUTER_BIN", ""), here, os.path.join(here, "..", ".build", "release")]
    for directory in candidates:
        if directory and os.access(os.path.join(directory, "pr-route"), os.X_OK):
            return os.path.abspath(os.path.join(directory, "pr-route"))
    found = None if option else shutil.which("pr-route")
    if not found:
        fail(69, "cannot find pr-route: give --bin DIR, set PROUTER_BIN, or run make install")
    return found


def with_ids(lines):
    """The query lines, each with a query_id ("line-N" where it had none)."""
    result = []
    for number, line in enumerate(lines, 1):
        record = json.loads(line)
        if isinstance(record, dict) and "query_id" not in record:
            record["query_id"] = "line-%d" % number
            line = json.dumps(record, separators=(",", ":"), ensure_ascii=False)
        result.append(line)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--graph", required=True)
    parser.add_argument("--weights", required=True)
    parser.add_argument("--queries", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--partitions", type=int, default=4)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--bin", default="")
    parser.add_argument("--no-check", dest="check", action="store_false")
    options = parser.parse_args()
    options.graph, options.weights, options.out = (os.path.abspath(p) for p in (options.graph, options.weights, options.out))
    if options.partitions < 1:
        parser.error("--partitions must be at least 1")
    for path in (options.graph, options.weights, options.queries):
        if not os.path.isfile(path):
            fail(66, "%s: cannot open: no such file" % path)
    pr_route = find_pr_route(options.bin)
    if not shutil.which("java") and not os.environ.get("JAVA_HOME"):
        fail(69, "no Java runtime: sudo apt-get install -y openjdk-17-jre-headless")
    try:
        from pyspark import SparkConf, SparkContext, SparkFiles
    except ImportError:
        fail(69, "no PySpark: run `make spark-example`, or pip install pyspark in a virtual environment")

    with open(options.queries, encoding="utf-8") as f:
        try:
            lines = with_ids([line.rstrip("\n") for line in f if line.strip()])
        except ValueError as error:
            fail(65, "%s: not JSON Lines: %s" % (options.queries, error))

    started = time.monotonic()
    conf = SparkConf().setMaster(options.master).setAppName("prouter-route").set("spark.ui.enabled", "false").set("spark.ui.showConsoleProgress", "false")
    sc = SparkContext(conf=conf)
    sc.setLogLevel("ERROR")
    startup = time.monotonic() - started
    try:
        sc.addFile(os.path.abspath(options.graph))
        sc.addFile(os.path.abspath(options.weights))
        begun = time.monotonic()
        queries = sc.parallelize(lines, options.partitions)
        # Executors find the files where addFile (or spark-submit --files) put them: their
        # working directory on a cluster; in local mode, SparkFiles' root directory, which
        # the command enters first.
        files = {"PROUTER_FILES": SparkFiles.getRootDirectory()} if sc.master.startswith("local") else {}
        command = "sh -c 'cd \"${PROUTER_FILES:-.}\" && exec \"$0\" --graph \"$1\" --weights \"$2\"' %s %s %s" % tuple(
            shlex.quote(p) for p in (pr_route, os.path.basename(options.graph), os.path.basename(options.weights)))
        routes = queries.pipe(command, env=files, checkCode=True)
        ordered = queries.zipWithIndex().values().zip(routes).sortByKey().values().collect()
        seconds = time.monotonic() - begun
    finally:
        sc.stop()

    with open(options.out, "w", encoding="utf-8") as f:
        f.writelines(route + "\n" for route in ordered)
    print(json.dumps({"lines": len(lines), "partitions": options.partitions, "master": options.master,
                      "spark_startup_s": round(startup, 2), "routing_s": round(seconds, 2),
                      "lines_per_s": round(len(lines) / seconds, 1) if seconds > 0 else None}), file=sys.stderr)
    if options.check:
        one = subprocess.run([pr_route, "--graph", options.graph, "--weights", options.weights],
                             input="".join(line + "\n" for line in lines), capture_output=True, text=True)
        if one.returncode != 0:
            fail(one.returncode, "one pr-route process failed: " + one.stderr.strip())
        with open(options.out, encoding="utf-8") as f:
            if f.read() != one.stdout:
                fail(1, "the Spark routes differ from one pr-route process's")
        print("spark-route: %d routes, byte-identical to one pr-route process" % len(ordered), file=sys.stderr)


if __name__ == "__main__":
    main()
