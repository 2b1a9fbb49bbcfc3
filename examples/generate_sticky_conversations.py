#!/usr/bin/env python3
"""Generate a labelled multi-turn world with tunable history effects (SYNTHETIC data).

For the multi-turn robustness suite (examples/robustness-multiturn.sh). Writes labelled
conversation turns (the `preferred` flags set, no pr-sim needed) to standard output,
or, with --arena, Chatbot-Arena-shaped battles for examples/arena_to_conversations.py.

Each user has a favourite LLM and hidden weights on quality and cost. Each conversation
has a topic; every LLM has a skill per topic. At each turn the user prefers:
  * with probability --stickiness, the LLM they preferred most recently in this
    conversation, when it is offered again;
  * else the offered LLM with the highest utility:
        favourite * [m is the favourite] + 4 * quality_weight * skill(m, topic)
        - cost_weight * relative_price(m) + Gumbel noise.
Knobs:
  --favourite    the favourite's bonus, in units of the noise (0: no favourite);
  --offered      LLMs offered per turn (from a pool of --llms);
  --drift        the chance that the topic changes between two turns;
  --reveal       how much the text reveals: each query word is a topic word with this
                 chance (else a common word), and each response's `score` is its skill
                 plus noise of standard deviation 0.3 * (1 - reveal);
  --shared       the share of conversations that open with one of a few stock queries
                 ("hi", "can you help me?"...), shared across users.
In --arena mode every battle offers two LLMs for the whole conversation, only the last
turn carries the vote, and 5% of votes are ties.

Deterministic: one seeded random.Random drives everything.

    python3 examples/generate_sticky_conversations.py --seed 1 --stickiness 0.6 > labelled.jsonl
    python3 examples/generate_sticky_conversations.py --arena | python3 examples/arena_to_conversations.py
"""

import argparse
import json
import math
import random
import sys

from generate_world import LLMS

TOPIC_WORDS = {
    "tax": "deduction refund bracket filing income audit withholding credit",
    "fitness": "cardio interval stretch protein sprint recovery marathon squat",
    "python": "function loop exception module decorator generator list import",
    "cooking": "saute simmer dough spice oven marinade broth roast",
    "travel": "itinerary visa layover hostel passport rail luggage booking",
    "law": "contract clause liability tenant plaintiff statute damages lease",
    "music": "chord tempo melody scale rhythm harmony octave riff",
    "math": "integral matrix proof vector limit series derivative prime",
}
COMMON = ("the a to and of you it is for this that with can on your as be are or if should will "
          "first then also here some more when make use one time need way good please tell me about").split()
STOCK = ["hi", "hello", "can you help me?", "thanks", "continue", "explain more", "what do you think?", "ok"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--users", type=int, default=60)
    parser.add_argument("--conversations", type=int, default=8, help="per user")
    parser.add_argument("--turns", default="2-6", help="turns per conversation, N or MIN-MAX")
    parser.add_argument("--llms", type=int, default=8)
    parser.add_argument("--offered", type=int, default=3)
    parser.add_argument("--stickiness", type=float, default=0.5)
    parser.add_argument("--favourite", type=float, default=1.5)
    parser.add_argument("--drift", type=float, default=0.2)
    parser.add_argument("--reveal", type=float, default=0.5)
    parser.add_argument("--shared", type=float, default=0.0)
    parser.add_argument("--arena", action="store_true")
    args = parser.parse_args()
    low, _, high = args.turns.partition("-")
    turn_range = (int(low), int(high or low))
    offered = 2 if args.arena else args.offered
    if not (2 <= offered <= args.llms <= len(LLMS)):
        parser.error("need 2 <= --offered <= --llms <= %d" % len(LLMS))
    rng = random.Random(args.seed)

    pool = [llm[0] for llm in LLMS[:args.llms]]
    price = {llm[0]: llm[3] for llm in LLMS[:args.llms]}
    top_price = max(price.values())
    topics = sorted(TOPIC_WORDS)
    skill = {m: {t: llm[5] + rng.gauss(0, 0.12) for t in topics} for m, llm in zip(pool, LLMS)}
    users = [{"id": "sticky-user-%03d" % (u + 1), "favourite": rng.choice(pool),
              "quality": 0.5 + rng.random(), "cost": 1.5 * rng.random()} for u in range(args.users)]

    def query_text(topic, turn, opener):
        if opener is not None:
            return opener
        words = [rng.choice(TOPIC_WORDS[topic].split()) if rng.random() < args.reveal else rng.choice(COMMON)
                 for _ in range(8)]
        return "%s (%d)" % (" ".join(words), turn + 1) if rng.random() < 0.5 else " ".join(words)

    def utility(user, m, topic):
        return (args.favourite * (m == user["favourite"]) + 4 * user["quality"] * skill[m][topic]
                - user["cost"] * price[m] / top_price - math.log(-math.log(rng.random() or 1e-12)))

    for user in users:
        for c in range(args.conversations):
            conversation = "%s-c%02d" % (user["id"], c + 1)
            topic = rng.choice(topics)
            turns = rng.randint(*turn_range)
            opener = rng.choice(STOCK) if rng.random() < args.shared else None
            battle = sorted(rng.sample(pool, 2)) if args.arena else None
            preferred_so_far = []
            lines = []
            for turn in range(turns):
                if turn > 0 and rng.random() < args.drift:
                    topic = rng.choice(topics)
                query = query_text(topic, turn, opener if turn == 0 else None)
                candidates = list(battle) if battle else rng.sample(pool, offered)
                sticky = [m for m in reversed(preferred_so_far) if m in candidates]
                if sticky and rng.random() < args.stickiness:
                    choice = sticky[0]
                else:
                    choice = max(candidates, key=lambda m: utility(user, m, topic))
                preferred_so_far.append(choice)
                responses = []
                for m in candidates:
                    score = min(1.0, max(0.0, skill[m][topic] + rng.gauss(0, 0.3 * (1 - args.reveal))))
                    length = int(80 + 200 * rng.random())
                    words = [rng.choice(TOPIC_WORDS[topic].split()) if rng.random() < 0.3 else rng.choice(COMMON)
                             for _ in range(12)]
                    responses.append({"llm": m, "response": " ".join(words), "score": round(score, 4),
                                      "cost": round(length * price[m] / 1e6, 8), "length": length,
                                      "preferred": m == choice})
                lines.append({"user": user["id"], "conversation_id": conversation, "turn": turn, "query": query,
                              "responses": responses, "_choice": choice})
            if args.arena:
                winner = lines[-1]["_choice"]
                vote = "tie" if rng.random() < 0.05 else "model_a" if winner == battle[0] else "model_b"
                sides = []
                for m in battle:
                    messages = []
                    for line in lines:
                        answer = next(r["response"] for r in line["responses"] if r["llm"] == m)
                        messages += [{"role": "user", "content": line["query"]}, {"role": "assistant", "content": answer}]
                    sides.append(messages)
                print(json.dumps({"question_id": conversation, "model_a": battle[0], "model_b": battle[1], "winner": vote,
                                  "judge": user["id"], "conversation_a": sides[0], "conversation_b": sides[1]},
                                 separators=(",", ":")))
            else:
                for line in lines:
                    del line["_choice"]
                    print(json.dumps(line, separators=(",", ":")))


if __name__ == "__main__":
    sys.exit(main())
