#!/usr/bin/env python3
"""Convert pairwise human-preference logs shaped like Chatbot Arena battles into
prouter's conversations.jsonl, so that real logs of that kind can be routed.

Input, one battle per line (the fields of the public Arena conversation dumps):
  {"question_id", "model_a", "model_b", "winner", "judge",
   "conversation_a": [{"role":"user","content":...}, {"role":"assistant","content":...}, ...],
   "conversation_b": [... the same user turns, model_b's answers ...]}
`winner` is "model_a", "model_b", "tie" or "tie (bothbad)"; `judge` is the voter.

Output, one line per user turn: user = judge, conversation_id = question_id (id#2,
id#3... when a question comes back in another battle),
turn = 0, 1, ..., query = the user's message, and two responses (model_a's and
model_b's answers, length = their word count). The vote is cast once, after the
last turn, so only the last turn carries feedback: `preferred` true for the
winner and false for the loser; a "tie" prefers both, "tie (bothbad)" neither.
Earlier turns carry no feedback (they are history). A battle whose two
conversations do not have the same user turns is skipped with a warning on stderr.

    python3 examples/arena_to_conversations.py battles.jsonl > conversations.jsonl
"""

import json
import sys

WINNERS = {"model_a": (True, False), "model_b": (False, True), "tie": (True, True), "tie (bothbad)": (False, False)}


def turns(conversation):
    """(user message, assistant reply) pairs in order."""
    pairs, pending = [], None
    for message in conversation:
        if message.get("role") == "user":
            pending = message.get("content", "")
        elif message.get("role") == "assistant" and pending is not None:
            pairs.append((pending, message.get("content", "")))
            pending = None
    return pairs


def convert(lines, out, err):
    written = skipped = 0
    seen = {}
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            battle = json.loads(line)
            a, b = turns(battle["conversation_a"]), turns(battle["conversation_b"])
            feedback = WINNERS[battle["winner"]]
            ids = (str(battle["question_id"]), str(battle["judge"]), battle["model_a"], battle["model_b"])
        except (ValueError, KeyError, TypeError) as error:
            print("arena_to_conversations: line %d: %s" % (number, error), file=err)
            return 65
        if not a or [q for q, _ in a] != [q for q, _ in b] or ids[2] == ids[3]:
            print("arena_to_conversations: line %d: skipped (the two sides differ, or are empty)" % number, file=err)
            skipped += 1
            continue
        # A question asked in several battles becomes several conversations: id, id#2, ...
        seen[ids[0]] = seen.get(ids[0], 0) + 1
        conversation = ids[0] if seen[ids[0]] == 1 else "%s#%d" % (ids[0], seen[ids[0]])
        for turn, ((query, answer_a), (_, answer_b)) in enumerate(zip(a, b)):
            last = turn == len(a) - 1
            responses = []
            for llm, answer, preferred in ((ids[2], answer_a, feedback[0]), (ids[3], answer_b, feedback[1])):
                response = {"llm": llm, "response": answer, "length": len(answer.split())}
                if last:
                    response["preferred"] = preferred
                responses.append(response)
            out.write(json.dumps({"user": ids[1], "conversation_id": conversation, "turn": turn, "query": query,
                                  "responses": responses}, separators=(",", ":"), ensure_ascii=False) + "\n")
            written += 1
    print("arena_to_conversations: %d turns written, %d battles skipped" % (written, skipped), file=err)
    return 0


if __name__ == "__main__":
    source = open(sys.argv[1], encoding="utf-8") if len(sys.argv) > 1 and sys.argv[1] != "-" else sys.stdin
    sys.exit(convert(source, sys.stdout, sys.stderr))
