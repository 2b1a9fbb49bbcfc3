#!/usr/bin/env python3
"""Times pr-route as a coprocess on a pipe: one new query written at a time and its route
read back, LINES times. Prints one JSON line: the median and 99th-percentile latency per
line in milliseconds, named NAME.

Usage: coprocess_latency.py NAME PR_ROUTE GRAPH WEIGHTS LINES USER_FORMAT USERS TASK
(queries come from users USER_FORMAT % n for n = 1..USERS, e.g. "user-%d" 9, on task TASK)."""
import json
import statistics
import subprocess
import sys
import time

name, route, graph, weights, lines, user_format, users, task = sys.argv[1:9]
lines, users = int(lines), int(users)
process = subprocess.Popen([route, "--graph", graph, "--weights", weights],
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
latencies = []
for i in range(lines):
    query = {"user": user_format % (i % users + 1), "task": task, "query_id": "s%d" % i,
             "query": "How do I fix regex number %d in my parser without catching trailing dots?" % i}
    started = time.perf_counter()
    process.stdin.write((json.dumps(query) + "\n").encode())
    assert json.loads(process.stdout.readline())["query_id"] == query["query_id"]
    latencies.append((time.perf_counter() - started) * 1000)
process.stdin.close()
assert process.wait() == 0
latencies.sort()
print(json.dumps({"benchmark": f"pr-route streaming from a pipe ({name}, one line at a time)", "lines": lines,
                  "median_ms": round(statistics.median(latencies), 3),
                  "p99_ms": round(latencies[int(0.99 * (lines - 1))], 3)}))
