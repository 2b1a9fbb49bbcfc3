#!/usr/bin/env bash
# LLM-as-a-Judge walkthrough: pr-sim judge asks judge LLMs which response each user
# (a profile in users.jsonl) would prefer, and the labels feed judge-mode routing.
#   1. --dry-run: the exact request bodies, nothing sent
#   2. a run against the local stub endpoint (examples/judge_stub.py), 2 prompt styles
#   3. a re-run resumes: everything already labelled is skipped
#   4. the labels become interactions (one user per judge configuration)
#   5. with OPENAI_API_KEY set, a small run against the real endpoint
#      (JUDGE_BASE_URL, default https://api.openai.com; JUDGE_MODEL, default gpt-4o-mini)
# Usage: examples/judge.sh [BIN_DIR] [OUT_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-$(cd "$here/.." && swift build -c release --show-bin-path)}
bin=$(cd "$bin" && pwd)
out=${2:-$(mktemp -d)}
data="$here/data"
export PATH="$bin:$PATH"
mkdir -p "$out"

# The first 20 queries (10 LLMs each) keep the walkthrough quick.
head -n 200 "$data/responses.jsonl" >"$out/responses.jsonl"
common=(--users "$data/users.jsonl" --llms "$data/llms.jsonl" --seed 1)

echo "== 1. dry run: 9 users x 20 queries x 2 prompt styles; the first request body:"
pr-sim judge "${common[@]}" --judge-model stub-judge --prompt-style both --dry-run "$out/responses.jsonl" \
    >"$out/requests.jsonl"
wc -l <"$out/requests.jsonl"
head -n 1 "$out/requests.jsonl" | cut -c1-400
echo "..."

echo "== 2. against the stub endpoint (50 ms per reply), --jobs 8"
python3 "$here/judge_stub.py" --port 0 --latency 0.05 >"$out/stub.port" 2>"$out/stub.log" &
stub=$!
trap 'kill $stub 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$out/stub.port" ] && break; sleep 0.1; done
base="http://127.0.0.1:$(head -n 1 "$out/stub.port")"
pr-sim judge "${common[@]}" --judge-model stub-judge --prompt-style both --base-url "$base" --jobs 8 \
    -o "$out/labels.jsonl" "$out/responses.jsonl"
head -n 2 "$out/labels.jsonl"

echo "== 3. the same command again resumes: nothing left to ask"
pr-sim judge "${common[@]}" --judge-model stub-judge --prompt-style both --base-url "$base" --jobs 8 \
    -o "$out/labels.jsonl" "$out/responses.jsonl"

echo "== 4. labels -> interactions, one user per judge configuration (USER/JUDGE/STYLE)"
pr-sim --labels "$out/labels.jsonl" --label-users configuration --llms "$data/llms.jsonl" \
    -o "$out/interactions.jsonl" "$out/responses.jsonl"
echo "$(wc -l <"$out/interactions.jsonl") interaction lines; users: $(python3 -c 'import json,sys; print(len({json.loads(l)["user"] for l in open(sys.argv[1])}))' "$out/interactions.jsonl")"

if [ -n "${OPENAI_API_KEY:-}" ]; then
    echo "== 5. real endpoint: 2 users x 3 queries with ${JUDGE_MODEL:-gpt-4o-mini}"
    head -n 30 "$data/responses.jsonl" >"$out/responses-small.jsonl"
    head -n 2 "$data/users.jsonl" >"$out/users-small.jsonl"
    pr-sim judge --users "$out/users-small.jsonl" --llms "$data/llms.jsonl" --seed 1 \
        --judge-model "${JUDGE_MODEL:-gpt-4o-mini}" --base-url "${JUDGE_BASE_URL:-https://api.openai.com}" \
        --prompt-style both -o "$out/labels-real.jsonl" "$out/responses-small.jsonl"
    cat "$out/labels-real.jsonl"
else
    echo "== 5. skipped: set OPENAI_API_KEY (and optionally JUDGE_BASE_URL, JUDGE_MODEL) to ask a real endpoint"
fi
echo "outputs in $out"
