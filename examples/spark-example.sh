#!/usr/bin/env bash
# Routes the example world's queries on Spark (local[2]) with examples/spark-route.py
# and checks the routes against one pr-route process. Installs PySpark into a throwaway
# virtual environment (.build/spark-venv; SPARK_VENV to choose) on first use; needs a
# Java runtime (openjdk-17-jre-headless). Not part of the build or CI.
# Usage: examples/spark-example.sh [BIN_DIR] [OUT_DIR]   (env: LINES, PARTITIONS, PYSPARK_VERSION)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$(cd "${1:-$here/../.build/release}" && pwd)
out=${2:-$(mktemp -d)}
venv=${SPARK_VENV:-$here/../.build/spark-venv}
export PATH="$bin:$PATH"
command -v java >/dev/null 2>&1 || {
    echo "spark-example: no Java runtime; install it with: sudo apt-get install -y --no-install-recommends openjdk-17-jre-headless" >&2
    exit 69
}
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import pyspark" 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "pyspark==${PYSPARK_VERSION:-3.5.3}"
fi
mkdir -p "$out"
data="$here/data"
pr-sim --users "$data/users.jsonl" --llms "$data/llms.jsonl" "$data/responses.jsonl" >"$out/interactions.jsonl"
pr-build-graph -q --seed 7 -o "$out/graph.prg" "$out/interactions.jsonl"
pr-embed --tasks "$data/tasks.jsonl" --llms "$data/llms.jsonl" --in-place "$out/graph.prg"
pr-train -q --seed 1 -o "$out/model.prw" "$out/graph.prg"
# LINES query lines: the test queries again and again, a third of them without a query_id.
pr-build-graph --export-queries test "$out/graph.prg" | python3 -c '
import json, sys
rows = [json.loads(line) for line in sys.stdin]
for n in range(int(sys.argv[1])):
    row = dict(rows[n % len(rows)], query_id="%s-%d" % (rows[n % len(rows)]["query_id"], n))
    if n % 3 == 0:
        del row["query_id"]
    print(json.dumps(row))' "${LINES:-20000}" >"$out/queries.jsonl"
"$venv/bin/python" "$here/spark-route.py" --bin "$bin" --graph "$out/graph.prg" --weights "$out/model.prw" \
    --queries "$out/queries.jsonl" --out "$out/routes.jsonl" --partitions "${PARTITIONS:-4}" 2> >(grep -v 'WARN NativeCodeLoader' >&2)
start=$(date +%s.%N)
pr-route --graph "$out/graph.prg" --weights "$out/model.prw" "$out/queries.jsonl" >/dev/null
echo "one pr-route process: $(echo "$(date +%s.%N) - $start" | bc) s for the same lines" >&2
