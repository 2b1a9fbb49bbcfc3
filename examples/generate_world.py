#!/usr/bin/env python3
"""Generate prouter's bundled example world (SYNTHETIC data, not measurements).

Writes examples/data/{tasks,llms,responses,users,labels}.jsonl:

* 4 tasks shaped like the paper's data sets: instruction following (Alpaca),
  grade-school math (GSM8K, exact match 0/1), reading comprehension (SQuAD, F1)
  and multi-document summarization (Multi-News, ROUGE-like scores).
* 10 LLMs with real-looking prices (USD per million input/output tokens) and
  sizes. Their skill grows with size, plus per-task strengths and weaknesses,
  so that the best LLM depends on the task and the query and routing matters.
* 100 queries per task (400), each with a difficulty that shows in its text (more
  steps, documents or distractors); every LLM answers every query: performance,
  input/output token counts and a short response text.
  Costs are left to pr-sim, which prices the tokens with llms.jsonl.
* 9 users as in the paper's cost-efficiency setting: alpha = 0.2, 0.3, ... 1.0,
  beta = 1 - alpha, each with a profile text for judge mode.
* labels.jsonl: a simulated judge's choice for each user and query, from hidden
  per-profile weights on quality, cost and response length plus judge noise.

Deterministic: one seeded random.Random drives everything; the output is
byte-identical on every run. Uses only random.random() and helpers built on it.

    python3 examples/generate_world.py [--out examples/data] [--seed 2511]
"""

import argparse
import functools
import json
import math
import os
import random

TASKS = [
    ("alpaca", "Open-ended instruction following and chat, like Alpaca: write, explain, advise. Scored 0..1 by a reference judge."),
    ("gsm8k", "Grade-school math word problems, like GSM8K, solved step by step. Scored by exact match of the final number (0 or 1)."),
    ("squad", "Extractive reading comprehension, like SQuAD: answer a question from a short passage. Scored by token F1 in 0..1."),
    ("multinews", "Multi-document news summarization, like Multi-News. Scored by a ROUGE-like overlap in 0..1."),
]

# id, description, price_in, price_out, params_b, base skill, verbosity, per-task bonus
LLMS = [
    ("phi-3-mini", "Small 3.8B dense model; fast and cheap, weak at multi-step reasoning.", 0.10, 0.10, 3.8, 0.38, 0.8,
     {"alpaca": 0.00, "gsm8k": -0.10, "squad": 0.05, "multinews": -0.05}),
    ("mistral-7b-instruct", "7B dense instruction model; cheap generalist.", 0.20, 0.20, 7.3, 0.42, 1.0,
     {"alpaca": 0.04, "gsm8k": -0.08, "squad": 0.00, "multinews": 0.02}),
    ("llama-3.1-8b-instruct", "8B dense instruction model; balanced and inexpensive.", 0.18, 0.18, 8.0, 0.46, 1.0,
     {"alpaca": 0.03, "gsm8k": -0.02, "squad": 0.03, "multinews": 0.00}),
    ("gemma-2-9b-it", "9B dense model; strong reader for its size.", 0.30, 0.30, 9.0, 0.47, 0.9,
     {"alpaca": 0.00, "gsm8k": -0.04, "squad": 0.10, "multinews": 0.03}),
    ("qwen2.5-7b-instruct", "7B dense model tuned heavily on math and code.", 0.30, 0.30, 7.6, 0.45, 1.1,
     {"alpaca": -0.04, "gsm8k": 0.16, "squad": -0.02, "multinews": -0.06}),
    ("mixtral-8x7b-instruct", "Sparse mixture of experts, 47B total; good long-context summarizer.", 0.60, 0.60, 46.7, 0.55, 1.2,
     {"alpaca": 0.02, "gsm8k": -0.03, "squad": 0.00, "multinews": 0.12}),
    ("llama-3.1-70b-instruct", "70B dense model; strong generalist.", 0.88, 0.88, 70.0, 0.64, 1.1,
     {"alpaca": 0.04, "gsm8k": 0.04, "squad": 0.04, "multinews": 0.03}),
    ("qwen2.5-72b-instruct", "72B dense model; the strongest at math in this pool.", 1.20, 1.20, 72.7, 0.64, 1.2,
     {"alpaca": -0.02, "gsm8k": 0.14, "squad": 0.01, "multinews": -0.02}),
    ("deepseek-v3", "671B mixture of experts; top chat quality, priced per output.", 0.90, 2.50, 671.0, 0.70, 1.4,
     {"alpaca": 0.08, "gsm8k": 0.06, "squad": -0.02, "multinews": 0.02}),
    ("llama-3.1-405b-instruct", "405B dense model; strongest overall and most expensive.", 3.50, 3.50, 405.0, 0.74, 1.3,
     {"alpaca": 0.04, "gsm8k": 0.06, "squad": 0.04, "multinews": 0.04}),
]

QUERIES_PER_TASK = 100

# Hidden judge weights per profile: quality, cost aversion, liking for long answers.
PROFILES = [
    ("A student on a tight budget who wants a correct answer but hates paying for it.", 0.5, 0.9, -0.1),
    ("A hobbyist who likes short, direct replies and does not mind small mistakes.", 0.4, 0.5, -0.6),
    ("A small-business owner who wants solid answers at a sensible price.", 0.7, 0.6, 0.0),
    ("A teacher who values clear, complete explanations over brevity.", 0.8, 0.3, 0.5),
    ("A journalist who needs accurate summaries quickly and concisely.", 0.9, 0.3, -0.4),
    ("A data analyst who wants precise numbers and is moderately cost-aware.", 1.0, 0.4, 0.0),
    ("A researcher who wants thorough, detailed answers and has grant money.", 1.0, 0.1, 0.6),
    ("An engineer at a large company who wants the best answer, cost no object.", 1.2, 0.0, 0.1),
    ("A lawyer who wants the most reliable answer and reads everything in full.", 1.2, 0.05, 0.4),
]

NAMES = ["Ava", "Ben", "Chloe", "Dan", "Emma", "Finn", "Grace", "Hugo", "Iris", "Jack", "Kira", "Leo", "Maya", "Noah"]
ITEMS = ["apples", "pencils", "stickers", "marbles", "cookies", "books", "stamps", "shells"]
TOPICS = ["remote work", "urban gardening", "learning a language", "saving for retirement", "training for a 10k",
          "starting a podcast", "reducing food waste", "public speaking", "home composting", "time management",
          "adopting a rescue dog", "negotiating a salary", "writing a cover letter", "planning a road trip",
          "choosing a laptop", "keeping houseplants alive", "budget travel in Europe", "sleep hygiene"]
GENRES = ["short poem", "limerick", "product description", "friendly email", "two-paragraph story", "tweet thread"]
PLACES = ["the harbour town of Elmsby", "the river city of Carrow", "the mountain village of Tessin", "the port of Valdra",
          "the university town of Merriton", "the desert outpost of Qasim"]
EVENTS = ["a new tram line opened", "the annual lantern festival drew record crowds", "a storm closed the ferry service",
          "the council approved a solar farm", "a historic library reopened", "local farmers reported an early harvest",
          "a tech start-up announced two hundred jobs", "the main bridge closed for repairs"]


class World:
    def __init__(self, seed):
        self.rng = random.Random(seed)

    def uniform(self, low, high):
        return low + (high - low) * self.rng.random()

    def integer(self, low, high):
        """Uniform integer in [low, high]."""
        return low + int(self.rng.random() * (high - low + 1))

    def pick(self, items):
        return items[int(self.rng.random() * len(items))]

    def gauss(self, sigma):
        # Box-Muller from random() only, for stable output across Python versions.
        u1 = max(self.rng.random(), 1e-12)
        u2 = self.rng.random()
        return sigma * math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)

    def query(self, task, number):
        """A query text and its difficulty; harder queries read differently (more steps,
        more documents, longer passages), so difficulty is partly visible in the text."""
        jitter = self.uniform(-0.05, 0.05)
        if task == "alpaca":
            kind = number % 3
            if kind == 0:
                return f"Write a {self.pick(GENRES)} about {self.pick(TOPICS)}.", 0.30 + jitter
            if kind == 1:
                return (f"Give me {self.integer(3, 7)} practical tips for {self.pick(TOPICS)}, with one sentence on "
                        f"why each works."), 0.50 + jitter
            return (f"Explain the pros and cons of {self.pick(TOPICS)} to a friend who has never tried it, compare it "
                    f"with {self.pick(TOPICS)}, and recommend a plan for the first month."), 0.72 + jitter
        if task == "gsm8k":
            name, item = self.pick(NAMES), self.pick(ITEMS)
            steps = 1 + number % 4
            parts = [f"{name} has {self.integer(3, 40)} {item}."]
            actions = [f"Then {name} buys {self.integer(2, 9)} packs with {self.integer(2, 12)} {item} in each pack.",
                       f"Then {name} gives away a third of the {item} to a neighbour.",
                       f"Then {name} splits the remaining {item} equally into {self.integer(2, 5)} boxes and keeps one box.",
                       f"Then a friend doubles the {item} in that box and {name} sells {self.integer(1, 4)} of them."]
            parts += actions[:steps]
            parts.append(f"How many {item} does {name} have now?")
            return " ".join(parts), 0.20 + 0.16 * steps + jitter
        if task == "squad":
            place, event = self.pick(PLACES), self.pick(EVENTS)
            distractors = number % 4
            passage = [f"In {self.integer(1990, 2024)}, {event} in {place}, according to the regional newspaper."]
            for _ in range(distractors):
                passage.append(f"Earlier, in {self.integer(1950, 1989)}, {self.pick(EVENTS)} in {self.pick(PLACES)}.")
            passage.append(f"Officials said the change affected about {self.integer(2, 90)} thousand residents.")
            return ("Passage: " + " ".join(passage) + " Question: In which year did the most recent event happen, "
                    "and where?"), 0.30 + 0.13 * distractors + jitter
        articles = 2 + number % 4
        reports = [f"Report {i + 1}: in {self.pick(PLACES)}, {self.pick(EVENTS)}." for i in range(articles)]
        return ("Summarize these news reports in two sentences: " + " ".join(reports)), 0.20 + 0.12 * articles + jitter


def performance(world, task, skill, difficulty):
    margin = skill - difficulty
    if task == "gsm8k":
        chance = 1.0 / (1.0 + math.exp(-25.0 * margin))
        return 1.0 if world.rng.random() < chance else 0.0
    noise = world.gauss(0.03)
    if task == "multinews":
        value = 0.22 + 0.45 * (margin + 0.5) + noise * 0.7
        return round(min(0.6, max(0.0, value)), 4)
    value = 0.5 + 1.1 * margin + noise
    return round(min(1.0, max(0.0, value)), 4)


def judge_signals(responses, price):
    """What a simulated judge sees: the responses grouped by query as (llm, performance,
    cost, output tokens, task) in input order, with cost priced from `price` (llm ->
    USD per million input and output tokens), and norm(value, task, k) that min-max
    normalizes signal k (0 performance, 1 cost, 2 length) over the task's responses."""
    by_query = {}
    for r in responses:
        cost = (r["input_tokens"] * price[r["llm"]][0] + r["output_tokens"] * price[r["llm"]][1]) / 1e6
        by_query.setdefault(r["query_id"], []).append((r["llm"], r["performance"], cost, r["output_tokens"], r["task"]))
    ranges = {}
    for rows in by_query.values():
        for _, perf, cost, length, task in rows:
            lo, hi = ranges.get(task, ([math.inf] * 3, [-math.inf] * 3))
            values = (perf, cost, length)
            ranges[task] = ([min(a, b) for a, b in zip(lo, values)], [max(a, b) for a, b in zip(hi, values)])

    def norm(value, task, k):
        lo, hi = ranges[task][0][k], ranges[task][1][k]
        return (value - lo) / (hi - lo) if hi > lo else 0.0

    return by_query, norm


def write_jsonl(directory, name, rows):
    """Writes `rows` to directory/name as JSON Lines (compact, UTF-8, "\\n" line ends)."""
    with open(os.path.join(directory, name), "w", encoding="utf-8", newline="\n") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")


def judge_labels(responses, price, users, gauss, alpha_of, length_weight=0.1):
    """A simulated judge's choice for every user and query: the response of highest
    alpha * performance - (1 - alpha) * cost - length_weight * length (each min-max
    normalized per task, judge_signals) plus gauss() noise, alpha = alpha_of(user, task)."""
    by_query, norm = judge_signals(responses, price)
    labels = []
    for user in users:
        for query_id, rows in by_query.items():
            task = rows[0][4]
            alpha = alpha_of(user, task)
            best = max(rows, key=lambda r: alpha * norm(r[1], task, 0) - (1 - alpha) * norm(r[2], task, 1)
                       - length_weight * norm(r[3], task, 2) + gauss())
            labels.append({"user": user["user"], "query_id": query_id, "best_llm": best[0], "judge": "simulated-judge",
                           "prompt_style": 1})
    return labels


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "data"))
    parser.add_argument("--seed", type=int, default=2511)
    args = parser.parse_args()
    world = World(args.seed)
    os.makedirs(args.out, exist_ok=True)

    write = functools.partial(write_jsonl, args.out)

    write("tasks.jsonl", [{"task": t, "description": d} for t, d in TASKS])
    write("llms.jsonl", [{"llm": m[0], "description": m[1], "price_in": m[2], "price_out": m[3], "params_b": m[4]}
                         for m in LLMS])

    responses = []
    lengths = {}
    for task, _ in TASKS:
        base_output = {"alpaca": 260, "gsm8k": 140, "squad": 30, "multinews": 120}[task]
        for number in range(QUERIES_PER_TASK):
            query_id = f"{task}-{number + 1:03d}"
            text, difficulty = world.query(task, number)
            input_tokens = int(len(text.split()) * 1.35) + 40
            for llm, _, _, _, _, skill, verbosity, bonus in LLMS:
                perf = performance(world, task, skill + bonus[task], difficulty)
                output_tokens = max(8, int(base_output * verbosity * world.uniform(0.7, 1.3)))
                lengths[(query_id, llm)] = output_tokens
                responses.append({
                    "query_id": query_id, "task": task, "query": text, "llm": llm, "performance": perf,
                    "input_tokens": input_tokens, "output_tokens": output_tokens,
                    "response": f"[synthetic {llm} answer, {output_tokens} tokens, quality {perf:.2f}]",
                })
    write("responses.jsonl", responses)

    users = []
    for i, (profile, _, _, _) in enumerate(PROFILES):
        alpha = round(0.2 + 0.1 * i, 1)
        users.append({"user": f"user-{i + 1}", "alpha": alpha, "beta": round(1.0 - alpha, 1), "profile": profile})
    write("users.jsonl", users)

    # The simulated judge: per task min-max normalized quality, cost and length,
    # weighted by the profile's hidden weights, plus judge noise.
    by_query, norm = judge_signals(responses, {m[0]: (m[2], m[3]) for m in LLMS})

    labels = []
    for i, (_, w_quality, w_cost, w_length) in enumerate(PROFILES):
        for query_id, rows in by_query.items():
            best, best_score = None, -math.inf
            for llm, perf, cost, length, task in rows:
                score = (w_quality * norm(perf, task, 0) - w_cost * norm(cost, task, 1)
                         + 0.3 * w_length * norm(length, task, 2) + world.gauss(0.04))
                if score > best_score:
                    best, best_score = llm, score
            labels.append({"user": f"user-{i + 1}", "query_id": query_id, "best_llm": best,
                           "judge": "simulated-judge", "prompt_style": 1})
    write("labels.jsonl", labels)


if __name__ == "__main__":
    main()
