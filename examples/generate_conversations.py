#!/usr/bin/env python3
"""Generate prouter's multi-turn example world (SYNTHETIC data, not measurements).

Writes examples/data/conversations.jsonl and examples/data/conversation-users.jsonl:

* 16 users, each with a hidden weight vector over a response's quality, cost, length
  and rare-word use (the four signals of GMTRouter's synthetic benchmarks), made of
  two of four archetypes mixed differently, so that one turn seldom tells users apart
  and the preference shows across turns.
* Moods: in 60% of the conversations the user leans towards one archetype for that
  conversation only (weights pulled 85% of the way to it, written as a
  per-conversation line of conversation-users.jsonl). Only the conversation's own
  earlier turns reveal a mood; a profile of the user's past conversations cannot.
* 16 conversations per user, 3 to 6 turns each, on a topic; every turn offers 4
  candidate LLMs drawn from the example pool of 10 (examples/generate_world.py),
  so that the history of a conversation says which LLMs this user takes to.
* Each response has a score (quality in 0..1: the LLM's skill, the turn's
  difficulty and noise), a cost (USD from its token count and the LLM's price), a
  length in tokens and a short synthetic text whose share of rare technical words
  is the LLM's style.

`pr-sim multi-turn --users conversation-users.jsonl conversations.jsonl` marks each
turn's preferred response. Deterministic: one seeded random.Random drives
everything; the output is byte-identical on every run.

    python3 examples/generate_conversations.py [--out examples/data] [--seed 2511]
        [--users 16] [--conversations 16] [--turns N]   (bigger worlds for benchmarks)
"""

import argparse
import json
import os
import random

from generate_world import LLMS

TOPICS = ["planning a trip", "debugging a script", "writing a cover letter", "understanding a contract",
          "training for a race", "cooking for guests", "learning statistics", "fixing a bike",
          "choosing a laptop", "writing a speech"]
COMMON = ("the a to and of you it is for this that with can on your as be are or if "
          "should will first then also here some more when make use one time need way good").split()
RARE = ("heteroscedastic idempotent anisotropic eigenbasis orthogonality quasiconvex stochastically "
        "amortized monotonicity asymptotic bifurcation cointegration homoskedastic lemmatized "
        "paraphrastic polysemous subadditive topological").split()
# The archetypes users mix: quality first, thrift, brevity, jargon.
ARCHETYPES = [
    {"quality": 1.0, "cost": 0.0, "length": 0.0, "rare_words": 0.0},
    {"quality": 0.3, "cost": -1.0, "length": 0.0, "rare_words": 0.0},
    {"quality": 0.3, "cost": 0.0, "length": -1.0, "rare_words": 0.0},
    {"quality": 0.2, "cost": 0.0, "length": 0.2, "rare_words": 1.0},
]
USERS = 16
CONVERSATIONS_PER_USER = 16
CANDIDATES = 4
# Share of conversations with a mood of their own (an archetype the user leans to in that
# conversation only), and how far the mood pulls the user's weights towards it.
MOOD_SHARE = 0.6
MOOD_PULL = 0.85


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "data"))
    parser.add_argument("--seed", type=int, default=2511)
    parser.add_argument("--users", type=int, default=USERS)
    parser.add_argument("--conversations", type=int, default=CONVERSATIONS_PER_USER, help="per user")
    parser.add_argument("--turns", type=int, default=0, help="turns per conversation (default: 3 to 6)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    # Per LLM: skill, verbosity, share of rare words, prices.
    styles = {llm[0]: {"skill": llm[5], "verbosity": llm[6], "rare": 0.02 + 0.25 * rng.random(),
                       "price_in": llm[2], "price_out": llm[3]} for llm in LLMS}
    names = sorted(styles)

    users = []
    for u in range(args.users):
        main_type, second = u % len(ARCHETYPES), (u * 3 + 1) % len(ARCHETYPES)
        mix = 0.55 + 0.3 * rng.random()
        weights = {k: round(mix * ARCHETYPES[main_type][k] + (1 - mix) * ARCHETYPES[second][k], 3)
                   for k in ARCHETYPES[0]}
        users.append({"user": "conv-user-%02d" % (u + 1), "weights": weights})

    lines = []
    moods = []
    for user in users:
        for c in range(args.conversations):
            topic = rng.choice(TOPICS)
            conversation = "%s-c%02d" % (user["user"], c + 1)
            if rng.random() < MOOD_SHARE:
                mood = ARCHETYPES[int(rng.random() * len(ARCHETYPES))]
                moods.append({"user": user["user"], "conversation_id": conversation,
                              "weights": {k: round((1 - MOOD_PULL) * user["weights"][k] + MOOD_PULL * mood[k], 3)
                                          for k in mood}})
            for turn in range(args.turns or 3 + int(rng.random() * 4)):
                difficulty = rng.random()
                query = "Turn %d about %s: %s" % (turn + 1, topic, " ".join(rng.choice(COMMON) for _ in range(6 + turn)))
                if difficulty > 0.6:
                    query += " (tricky: %s)" % rng.choice(RARE)
                responses = []
                for llm in sorted(rng.sample(names, CANDIDATES), key=lambda _: rng.random()):
                    style = styles[llm]
                    score = style["skill"] + 0.35 * (0.5 - difficulty) * (1.2 - style["skill"]) + rng.gauss(0, 0.05)
                    score = min(1.0, max(0.0, score))
                    tokens = int(60 + 220 * style["verbosity"] * (0.85 + 0.3 * rng.random()) * (1 + difficulty))
                    words = [rng.choice(RARE) if rng.random() < style["rare"] else rng.choice(COMMON) for _ in range(24)]
                    prompt_tokens = 40 + 30 * turn
                    cost = (prompt_tokens * style["price_in"] + tokens * style["price_out"]) / 1e6
                    responses.append({"llm": llm, "response": "%s: %s." % (llm, " ".join(words)),
                                      "score": round(score, 4), "cost": round(cost, 8), "length": tokens})
                lines.append({"user": user["user"], "conversation_id": conversation, "turn": turn,
                              "query": query, "responses": responses})

    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "conversation-users.jsonl"), "w") as f:
        for user in users + moods:
            f.write(json.dumps(user, separators=(",", ":")) + "\n")
    with open(os.path.join(args.out, "conversations.jsonl"), "w") as f:
        for line in lines:
            f.write(json.dumps(line, separators=(",", ":")) + "\n")
    print("wrote %d users (%d conversation moods) and %d turns to %s" % (len(users), len(moods), len(lines), args.out))


if __name__ == "__main__":
    main()
