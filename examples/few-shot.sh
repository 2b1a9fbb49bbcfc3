#!/usr/bin/env bash
# The few-shot new-user experiment of GMTRouter on the multi-turn example world: hold
# out 4 users entirely (pr-build-graph --new-users 4 --shots 0), train once, then route
# the second half of each held-out user's conversations (every turn, with its own
# conversation's history) after attaching K of their turns with --support, for
# K = 0, 1, 3, 5, 10, without retraining. The personalized model (history ignored) gets
# the same K turns as single-turn support interactions. Prints accuracy against shots.
# Usage: examples/few-shot.sh [BIN_DIR] [OUT_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-$(cd "$here/.." && swift build -c release --show-bin-path)}
bin=$(cd "$bin" && pwd)
out=${2:-$(mktemp -d)}
data="$here/data"
export PATH="$bin:$PATH"
mkdir -p "$out"
seed=${SEED:-1}

pr-sim multi-turn --users "$data/conversation-users.jsonl" "$data/conversations.jsonl" >"$out/labelled.jsonl"
pr-build-graph --multi-turn --new-users 4 --shots 0 --seed 7 -o "$out/few-shot.prg" "$out/labelled.jsonl"
pr-embed --llms "$data/llms.jsonl" --in-place "$out/few-shot.prg"
pr-train --model gmt --seed "$seed" -q -o "$out/gmt.prw" "$out/few-shot.prg"
pr-train --model personalized --seed "$seed" -q -o "$out/personalized.prw" "$out/few-shot.prg"
new_users=$(pr-build-graph --info "$out/few-shot.prg" | python3 -c 'import json,sys; print(",".join(json.load(sys.stdin)["new_users"]))')

printf '%-6s %-14s %-14s %s\n' shots gmt personalized turns
for shots in 0 1 3 5 10; do
    # The first SHOTS turns of the first half of each new user's conversations are
    # support; the second half is the test set (pr-build-graph's rule for new users).
    python3 - "$out" "$shots" "$new_users" <<'PY'
import collections, json, sys
out, shots, users = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(",")
conversations = collections.OrderedDict()
for line in open(out + "/labelled.jsonl"):
    turn = json.loads(line)
    if turn["user"] in users:
        conversations.setdefault((turn["user"], turn["conversation_id"]), []).append(turn)
with open(out + "/support.jsonl", "w") as support, open(out + "/support-interactions.jsonl", "w") as flat, \
        open(out + "/test.jsonl", "w") as test, open(out + "/test-queries.jsonl", "w") as queries:
    for user in users:
        owned = [turns for (owner, _), turns in conversations.items() if owner == user]
        pool = owned[:(len(owned) + 1) // 2]
        kept = [turn for turns in pool for turn in turns][:shots]
        for turn in kept:
            support.write(json.dumps(turn) + "\n")
            for response in turn["responses"]:
                flat.write(json.dumps({"user": user, "query_id": "%s#%d" % (turn["conversation_id"], turn["turn"]),
                                       "query": turn["query"], "task": "conversation", "llm": response["llm"],
                                       "performance": response["score"], "cost": response["cost"],
                                       "best": response["preferred"]}) + "\n")
        for turns in owned[len(pool):]:
            for turn in turns:
                test.write(json.dumps(turn) + "\n")
                queries.write(json.dumps({"user": user, "query_id": "%s#%d" % (turn["conversation_id"], turn["turn"]),
                                          "query": turn["query"], "task": "conversation"}) + "\n")
PY
    support=(--support "$out/support.jsonl")
    flat=(--support "$out/support-interactions.jsonl")
    if [ "$shots" = 0 ]; then support=(--allow-unknown-users); flat=(--allow-unknown-users); fi
    pr-route --graph "$out/few-shot.prg" --weights "$out/gmt.prw" --every-turn "${support[@]}" <"$out/test.jsonl" >"$out/gmt-$shots.jsonl"
    pr-route --graph "$out/few-shot.prg" --weights "$out/personalized.prw" "${flat[@]}" <"$out/test-queries.jsonl" \
        | python3 -c 'import json, sys
# pr-route scores every LLM for a new query; keep the turn'"'"'s own candidates.
candidates = {}
for line in open(sys.argv[1]):
    turn = json.loads(line)
    candidates["%s#%d" % (turn["conversation_id"], turn["turn"])] = {r["llm"] for r in turn["responses"]}
for line in sys.stdin:
    route = json.loads(line)
    scores = {llm: s for llm, s in route["scores"].items() if llm in candidates[route["query_id"]]}
    route["llm"] = max(sorted(scores), key=scores.get)
    print(json.dumps(route))' "$out/test.jsonl" >"$out/personalized-$shots.jsonl"
    accuracy() { pr-eval --truth "$out/labelled.jsonl" "$1" | python3 -c 'import json,sys; r=json.loads(sys.stdin.readline()); print("%.2f%%" % (100*r["systems"][0]["accuracy"]), r["queries"])'; }
    read -r gmt turns < <(accuracy "$out/gmt-$shots.jsonl")
    read -r personalized _ < <(accuracy "$out/personalized-$shots.jsonl")
    printf '%-6s %-14s %-14s %s\n' "$shots" "$gmt" "$personalized" "$turns"
done
