#!/usr/bin/env bash
# Benchmark: GMTRouter training time and peak memory on a multi-turn world of USERS
# users with 2 conversations of 5 turns each (10 turns per user; 1,000 users by
# default), on THREADS OpenBLAS threads (default 2), with the default schedule (BATCH
# and EPOCHS override it). Prints one line per step with seconds and
# peak resident memory.
# Usage: examples/bench-gmt.sh [BIN_DIR] [OUT_DIR]   (env: USERS, EPOCHS, BATCH, THREADS)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-$(cd "$here/.." && swift build -c release --show-bin-path)}
bin=$(cd "$bin" && pwd)
out=${2:-$(mktemp -d)}
users=${USERS:-1000}
export PATH="$bin:$PATH"
mkdir -p "$out"
measure() {
    local name=$1
    shift
    /usr/bin/time -f "$name: %e s, peak %M KB" "$@"
}
python3 "$here/generate_conversations.py" --out "$out" --users "$users" --conversations 2 --turns 5 >&2
measure pr-sim pr-sim multi-turn --users "$out/conversation-users.jsonl" -o "$out/labelled.jsonl" "$out/conversations.jsonl"
measure pr-build-graph pr-build-graph --multi-turn -o "$out/bench.prg" "$out/labelled.jsonl"
measure pr-embed pr-embed --llms "$here/data/llms.jsonl" --in-place "$out/bench.prg"
pr-build-graph --info "$out/bench.prg"
measure pr-train sh -c "pr-train --model gmt --threads ${THREADS:-2} --epochs ${EPOCHS:-400} ${BATCH:+--batch-size $BATCH} \
    --log-json -o '$out/gmt.prw' '$out/bench.prg' 2>'$out/train-log.jsonl'"
tail -2 "$out/train-log.jsonl"
measure pr-route sh -c "pr-route --graph '$out/bench.prg' --weights '$out/gmt.prw' --split test >'$out/routes.jsonl'"
pr-eval --truth "$out/labelled.jsonl" --format table "$out/routes.jsonl" | head -4
