#!/usr/bin/env python3
"""Generate a SYNTHETIC routing world from latent topics, built unlike generate_varied_world.py.

generate_varied_world.py writes queries from fixed word lists (a topic word twice, one
difficulty word) and adds skills: routers tuned on it may lean on that shape. Here
nothing is additive or listed:

  - the vocabulary is made-up words; each of --topics latent topics draws its own 30 of
    them with gamma weights, and a Zipf background draws from all of them;
  - a query mixes one or two topics of its task (each task favours a few topics), has a
    hidden difficulty in 0..1, and is 5..30 words: harder queries are longer and use a
    few "hard" words more often; a share --background of its words are background
    noise, and each word is misspelt (a letter dropped, doubled or swapped) with
    probability --typos;
  - an LLM's chance of a good answer is a logistic function of its general ability, its
    skill on the query's topic mix and its task, minus its own sensitivity to difficulty
    times the difficulty (weaker LLMs fall off faster): continuous tasks score that
    chance plus noise, 0/1 tasks draw a Bernoulli;
  - prices rise with ability (--cost-spread between the cheapest and dearest); output
    length grows with difficulty and the LLM's verbosity;
  - users weigh quality alpha ~ Beta(--user-shape, --user-shape) and cost 1 - alpha.

Options: --llms, --users, --tasks, --topics, --queries (per task), --binary-tasks (share
of tasks scored 0/1), --background, --typos, --noise, --topic-skill, --cost-spread,
--user-shape, --judge-noise. Writes the files generate_varied_world.py writes (tasks,
llms, responses, users, labels), with the same fields. Deterministic: one seeded
random.Random; the same arguments give the same bytes.

    python3 examples/generate_latent_world.py --out DIR [--seed 1] [options...]
"""

import argparse
import functools
import math
import os
import random

from generate_world import judge_labels, write_jsonl

CONSONANTS = "bcdfghjklmnprstvz"
VOWELS = "aeiou"
TASK_NAMES = ["ask", "solve", "write", "review", "plan", "explain"]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--llms", type=int, default=10)
    p.add_argument("--users", type=int, default=30)
    p.add_argument("--tasks", type=int, default=3)
    p.add_argument("--topics", type=int, default=12)
    p.add_argument("--queries", type=int, default=150)
    p.add_argument("--binary-tasks", type=float, default=0.0)
    p.add_argument("--background", type=float, default=0.5)
    p.add_argument("--typos", type=float, default=0.0)
    p.add_argument("--noise", type=float, default=0.1)
    p.add_argument("--topic-skill", type=float, default=0.8)
    p.add_argument("--cost-spread", type=float, default=50.0)
    p.add_argument("--user-shape", type=float, default=1.0)
    p.add_argument("--judge-noise", type=float, default=0.1)
    a = p.parse_args()
    rng = random.Random(a.seed)

    def word():
        return "".join(rng.choice(CONSONANTS) + rng.choice(VOWELS) for _ in range(rng.randint(2, 4)))

    vocabulary = sorted({word() for _ in range(40 * a.topics + 200)})
    rng.shuffle(vocabulary)
    hard_words, vocabulary = vocabulary[:6], vocabulary[6:]
    background = [1 / (rank + 1) ** 1.1 for rank in range(len(vocabulary))]
    topics = []
    for _ in range(a.topics):
        words = rng.sample(vocabulary, 30)
        topics.append((words, [rng.gammavariate(0.6, 1) for _ in words]))
    tasks = TASK_NAMES[:a.tasks]
    binary = set(tasks[len(tasks) - round(a.binary_tasks * len(tasks)):]) if a.binary_tasks > 0 else set()
    favoured = {task: rng.sample(range(a.topics), min(a.topics, 4)) for task in tasks}

    llms = []
    for i in range(a.llms):
        rank = (i + rng.random()) / a.llms
        price = 0.1 * a.cost_spread ** (0.85 * rank + 0.15 * rng.random())
        llms.append({
            "llm": f"m{i + 1:02d}", "size": round(3 * 400 ** rank, 1), "price_in": round(price, 4),
            "price_out": round(price * rng.uniform(2, 5), 4), "ability": 3 * rank - 1.5 + rng.gauss(0, 0.3),
            "sensitivity": 2.5 + 3 * (1 - rank) + rng.gauss(0, 0.5), "verbosity": rng.uniform(0.5, 1.6),
            "topic": [rng.gauss(0, a.topic_skill) for _ in range(a.topics)], "task": {t: rng.gauss(0, 0.3) for t in tasks},
        })

    def misspelt(w):
        if rng.random() >= a.typos or len(w) < 4:
            return w
        i = rng.randrange(1, len(w) - 1)
        kind = rng.randrange(3)
        if kind == 0:
            return w[:i] + w[i + 1:]
        if kind == 1:
            return w[:i] + w[i] + w[i:]
        return w[:i - 1] + w[i] + w[i - 1] + w[i + 1:]

    responses = []
    for task in tasks:
        for q in range(a.queries):
            mix = {rng.choice(favoured[task]) if rng.random() < 0.85 else rng.randrange(a.topics): 1.0}
            if rng.random() < 0.4:
                second = rng.randrange(a.topics)
                mix = {k: 0.7 * v for k, v in mix.items()}
                mix[second] = mix.get(second, 0) + 0.3
            difficulty = rng.betavariate(2, 2)
            length = 5 + min(25, int(rng.expovariate(1 / (4 + 12 * difficulty))))
            words = []
            for _ in range(length):
                if rng.random() < 0.12 * difficulty:
                    words.append(rng.choice(hard_words))
                elif rng.random() < a.background:
                    words.append(rng.choices(vocabulary, background)[0])
                else:
                    topic = rng.choices(list(mix), list(mix.values()))[0]
                    words.append(rng.choices(*topics[topic])[0])
            text = " ".join(misspelt(w) for w in words)
            query_id = f"{task}-{q + 1:04d}"
            input_tokens = 20 + int(1.6 * sum(len(w) for w in words) / 4)
            for m in llms:
                skill = m["ability"] + m["task"][task] + sum(share * m["topic"][k] for k, share in mix.items())
                chance = 1 / (1 + math.exp(-(skill - m["sensitivity"] * (difficulty - 0.5))))
                if task in binary:
                    perf = 1.0 if rng.random() < chance else 0.0
                else:
                    perf = round(min(1.0, max(0.0, chance + rng.gauss(0, a.noise))), 4)
                output_tokens = max(8, int((40 + 300 * difficulty) * m["verbosity"] * math.exp(rng.gauss(0, 0.3))))
                responses.append({"query_id": query_id, "task": task, "query": text, "llm": m["llm"], "performance": perf,
                                  "input_tokens": input_tokens, "output_tokens": output_tokens,
                                  "response": f"[synthetic {m['llm']} answer, {output_tokens} tokens]"})

    users = []
    for u in range(a.users):
        alpha = round(rng.betavariate(a.user_shape, a.user_shape), 3)
        users.append({"user": f"v{u + 1:03d}", "alpha": alpha, "beta": round(1 - alpha, 3),
                      "profile": f"A user who weighs quality {alpha:.2f} and cost {1 - alpha:.2f}."})

    os.makedirs(a.out, exist_ok=True)

    write = functools.partial(write_jsonl, a.out)

    write("tasks.jsonl", [{"task": t, "description": f"Synthetic task {t}" + (", scored 0 or 1." if t in binary else ", scored 0..1.")}
                          for t in tasks])
    write("llms.jsonl", [{"llm": m["llm"], "description": f"A {m['size']:.0f}B model.", "price_in": m["price_in"],
                          "price_out": m["price_out"], "params_b": m["size"]} for m in llms])
    write("responses.jsonl", responses)
    write("users.jsonl", users)

    labels = judge_labels(responses, {m["llm"]: (m["price_in"], m["price_out"]) for m in llms}, users,
                          lambda: rng.gauss(0, a.judge_noise), lambda u, task: u["alpha"], length_weight=0)
    write("labels.jsonl", labels)


if __name__ == "__main__":
    main()
