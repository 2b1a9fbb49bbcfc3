#!/usr/bin/env python3
"""Generate a SYNTHETIC routing world of a chosen shape, for the robustness suite.

The bundled example (generate_world.py) is one fixed world; this generator has knobs,
so that routing quality can be measured on worlds nobody tuned for:

  --llms N            candidate LLMs (4..30): size-driven skill, prices spread by --cost-spread
  --users N           users (10..300), each with alpha in 0..1 and beta = 1 - alpha
  --tasks N           tasks (2..6); a share --binary-tasks of them score 0/1 (exact match)
  --queries N         queries per task
  --noise S           per-answer noise of continuous scores (standard deviation)
  --text-signal P     how much the query text reveals: each informative word (topic,
                      difficulty) is shown with probability P, else replaced by filler
  --user-spread S     how different users are: alpha = 0.5 + S * U(-0.5, 0.5)
  --task-taste S      per-user, per-task shift of the judge's alpha (judge labels only:
                      users who care differently per task)
  --cost-spread X     price ratio between the most and least expensive LLM
  --topic-skill S     size of each LLM's per-topic strengths and weaknesses
  --judge-noise S     noise of the simulated judge's labels (labels.jsonl)
  --text-style S      "tagged" (default): the task tag, three topic words, difficulty words,
                      three fillers and the query's number; "noisy": nine shuffled words
                      and nothing else: one difficulty word, the topic word twice, a word
                      of another topic of the same task, five fillers (the shape of worlds
                      where many users share few queries; pair with pr-sim without
                      --queries-per-user so that every user answers every query)

Writes tasks.jsonl, llms.jsonl, responses.jsonl (performance, input/output tokens),
users.jsonl (alpha, beta, profile) and labels.jsonl (a simulated judge's choice per user
and query from the user's hidden alpha/beta and answer length, plus noise). Deterministic:
one seeded random.Random; the same arguments give the same bytes.

    python3 examples/generate_varied_world.py --out DIR [--seed 1] [knobs...]
"""

import argparse
import functools
import math
import os
import random

from generate_world import judge_labels, write_jsonl

TOPIC_WORDS = [
    ["matrix", "vector", "eigenvalue", "linear"], ["protein", "enzyme", "cell", "membrane"],
    ["contract", "liability", "court", "statute"], ["poem", "metaphor", "stanza", "rhyme"],
    ["recursion", "pointer", "compiler", "thread"], ["inflation", "interest", "market", "bond"],
    ["battle", "empire", "treaty", "dynasty"], ["diagnosis", "symptom", "dose", "patient"],
    ["orbit", "galaxy", "telescope", "planet"], ["recipe", "oven", "flour", "sauce"],
]
TASK_NAMES = ["chat", "math", "reading", "summary", "code", "law"]
HARD_WORDS = ["prove", "rigorously", "derive", "multi-step", "edge-case", "nested", "contradictory", "formal"]
EASY_WORDS = ["briefly", "simple", "quick", "short", "basic", "one-line", "plain", "easy"]
FILLER = ["please", "the", "about", "some", "thing", "question", "here", "this", "with", "and", "kind", "of"]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--llms", type=int, default=10)
    p.add_argument("--users", type=int, default=40)
    p.add_argument("--tasks", type=int, default=4)
    p.add_argument("--binary-tasks", type=float, default=0.25)
    p.add_argument("--queries", type=int, default=100)
    p.add_argument("--noise", type=float, default=0.05)
    p.add_argument("--text-signal", type=float, default=0.8)
    p.add_argument("--user-spread", type=float, default=1.0)
    p.add_argument("--task-taste", type=float, default=0.0)
    p.add_argument("--cost-spread", type=float, default=100.0)
    p.add_argument("--topic-skill", type=float, default=0.15)
    p.add_argument("--judge-noise", type=float, default=0.05)
    p.add_argument("--text-style", choices=["tagged", "noisy"], default="tagged")
    a = p.parse_args()
    rng = random.Random(a.seed)

    def gauss(sigma):
        u1, u2 = max(rng.random(), 1e-12), rng.random()
        return sigma * math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)

    tasks = TASK_NAMES[:a.tasks]
    binary = set(tasks[len(tasks) - max(0, round(a.binary_tasks * len(tasks))):]) if a.binary_tasks > 0 else set()
    llms = []
    for i in range(a.llms):
        size = math.exp(rng.uniform(math.log(1), math.log(700)))
        rank = math.log(size) / math.log(700)
        price = 0.05 * a.cost_spread ** (0.8 * rank + 0.2 * rng.random())
        llms.append({
            "llm": f"llm-{i + 1:02d}", "size": size, "price_in": round(price, 4), "price_out": round(price * rng.uniform(1, 4), 4),
            "skill": 0.35 + 0.35 * rank + gauss(0.03), "verbosity": rng.uniform(0.6, 1.5),
            "task": {t: gauss(0.06) for t in tasks}, "topic": [gauss(a.topic_skill) for _ in TOPIC_WORDS],
        })

    def reveal(word):
        return word if rng.random() < a.text_signal else rng.choice(FILLER)

    responses = []
    for t, task in enumerate(tasks):
        for q in range(a.queries):
            if a.text_style == "noisy":
                difficulty = rng.random()
                level = HARD_WORDS if difficulty > 0.5 else EASY_WORDS
                # Each task draws its topics from its own three; the text is nine shuffled words.
                own = [(t * 3 + k) % len(TOPIC_WORDS) for k in range(3)]
                topic = rng.choice(own)
                other = rng.choice([k for k in own if k != topic])
                word = rng.choice(TOPIC_WORDS[topic])
                words = [reveal(rng.choice(level)), reveal(word), reveal(word), reveal(rng.choice(TOPIC_WORDS[other]))]
                words += [rng.choice(FILLER) for _ in range(5)]
                rng.shuffle(words)
                text = " ".join(words)
            else:
                topic = rng.randrange(len(TOPIC_WORDS))
                difficulty = rng.random()
                level = HARD_WORDS if difficulty > 0.5 else EASY_WORDS
                words = [reveal(w) for w in rng.sample(TOPIC_WORDS[topic], 3)]
                words += [reveal(w) for w in rng.sample(level, 1 + int(3 * abs(difficulty - 0.5)))]
                words += rng.sample(FILLER, 3)
                rng.shuffle(words)
                text = f"[{task}] " + " ".join(words) + f" #{q + 1}"
            query_id = f"{task}-{q + 1:04d}"
            input_tokens = 30 + int(len(text.split()) * 1.4 * (1 + 2 * difficulty))
            for m in llms:
                margin = m["skill"] + m["task"][task] + m["topic"][topic] - (0.2 + 0.6 * difficulty)
                if task in binary:
                    perf = 1.0 if rng.random() < 1 / (1 + math.exp(-12 * margin)) else 0.0
                else:
                    perf = round(min(1.0, max(0.0, 0.5 + margin + gauss(a.noise))), 4)
                output_tokens = max(8, int((60 + 200 * difficulty) * m["verbosity"] * rng.uniform(0.7, 1.3)))
                responses.append({"query_id": query_id, "task": task, "query": text, "llm": m["llm"], "performance": perf,
                                  "input_tokens": input_tokens, "output_tokens": output_tokens,
                                  "response": f"[synthetic {m['llm']} answer, {output_tokens} tokens]"})

    users = []
    for u in range(a.users):
        alpha = min(1.0, max(0.0, 0.5 + a.user_spread * (rng.random() - 0.5)))
        taste = {task: min(1.0, max(0.0, alpha + gauss(a.task_taste))) for task in tasks} if a.task_taste > 0 else None
        users.append({"user": f"u{u + 1:03d}", "alpha": round(alpha, 3), "beta": round(1 - alpha, 3),
                      "profile": f"A user who weighs quality {alpha:.2f} and cost {1 - alpha:.2f}.", "taste": taste})

    out = a.out
    os.makedirs(out, exist_ok=True)

    write = functools.partial(write_jsonl, out)

    write("tasks.jsonl", [{"task": t, "description": f"Synthetic task {t}" + (", scored 0 or 1." if t in binary else ", scored 0..1.")}
                          for t in tasks])
    write("llms.jsonl", [{"llm": m["llm"], "description": f"A {m['size']:.0f}B model.", "price_in": m["price_in"],
                          "price_out": m["price_out"], "params_b": round(m["size"], 1)} for m in llms])
    write("responses.jsonl", responses)
    plain = [{k: v for k, v in u.items() if k != "taste"} for u in users]
    write("users.jsonl", plain)

    labels = judge_labels(responses, {m["llm"]: (m["price_in"], m["price_out"]) for m in llms}, users,
                          lambda: gauss(a.judge_noise), lambda u, task: u["taste"][task] if u["taste"] else u["alpha"])
    write("labels.jsonl", labels)


if __name__ == "__main__":
    main()
