#!/usr/bin/env python3
"""Convert RouteLLM's real evaluation outcomes into prouter's responses.jsonl.

Input: a directory laid out like examples/data/routellm/ (unchanged copies of files from
lm-sys/RouteLLM, routellm/evals/..., Apache-2.0, see LICENSE and SOURCE_COMMIT there):
  mmlu/mmlu_<subject>.csv      prompt, then True/False per LLM (correct answer)
  gsm8k/gsm8k_responses.csv    prompt, True/False per LLM, both answers
  mt_bench/question.jsonl      80 questions (first turns used)
  mt_bench/judgements.jsonl    GPT-4 judge scores 1..10 of each LLM's first-turn answer

Output (to --out): tasks.jsonl, llms.jsonl and responses.jsonl with two real LLMs,
gpt-4-1106-preview and Mixtral-8x7B-Instruct. Performance is REAL: 1/0 for a correct or
wrong MMLU/GSM8K answer, judge score / 10 on MT-Bench. Costs are ESTIMATES: token
counts are estimated from text (1.3 tokens per word; GSM8K output from the real
answers, MMLU output 8 tokens, MT-Bench output 400 tokens for both LLMs) and priced at
the list prices of the time, 10 / 30 USD per million input / output tokens for
gpt-4-1106-preview and 0.6 / 0.6 for Mixtral-8x7B on hosted endpoints.

--per-task N keeps the first N queries of each task (file order), so the world stays
small; the tasks are gsm8k, mt-bench and one per MMLU subject file present.

    python3 examples/routellm_to_responses.py --out DIR [--data examples/data/routellm] [--per-task 200]
"""

import argparse
import csv
import glob
import json
import os

GPT4, MIXTRAL = "gpt-4-1106-preview", "mistralai/Mixtral-8x7B-Instruct-v0.1"
LLMS = [
    {"llm": "gpt-4-1106-preview", "description": "OpenAI GPT-4 Turbo (November 2023 preview); strongest, most expensive.",
     "price_in": 10.0, "price_out": 30.0, "params_b": 1000.0},
    {"llm": "mixtral-8x7b-instruct", "description": "Mistral's sparse mixture of experts, 47B total; cheap open model.",
     "price_in": 0.6, "price_out": 0.6, "params_b": 46.7},
]
NAMES = {GPT4: "gpt-4-1106-preview", MIXTRAL: "mixtral-8x7b-instruct"}


def tokens(text):
    return max(1, int(len(text.split()) * 1.3))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", default=os.path.join(here, "data", "routellm"))
    p.add_argument("--out", required=True)
    p.add_argument("--per-task", type=int, default=200)
    a = p.parse_args()
    csv.field_size_limit(1 << 30)
    tasks, responses = [], []

    def add(task, number, prompt, outcomes):
        query_id = f"{task}-{number:04d}"
        for llm, (performance, output_tokens) in outcomes.items():
            responses.append({"query_id": query_id, "task": task, "query": prompt, "llm": NAMES[llm],
                              "performance": performance, "input_tokens": tokens(prompt), "output_tokens": output_tokens})

    for path in sorted(glob.glob(os.path.join(a.data, "mmlu", "mmlu_*.csv"))):
        subject = os.path.basename(path)[len("mmlu_"):-len(".csv")]
        task = "mmlu-" + subject.replace("_", "-")
        tasks.append({"task": task, "description": f"MMLU multiple-choice questions on {subject.replace('_', ' ')}; correct or not."})
        with open(path, newline="", encoding="utf-8") as f:
            for number, row in enumerate(csv.DictReader(f), 1):
                if number > a.per_task:
                    break
                add(task, number, row["prompt"], {llm: (1.0 if row[llm] == "True" else 0.0, 8) for llm in (GPT4, MIXTRAL)})

    path = os.path.join(a.data, "gsm8k", "gsm8k_responses.csv")
    if os.path.exists(path):
        tasks.append({"task": "gsm8k", "description": "Grade-school math word problems; the final number is correct or not."})
        with open(path, newline="", encoding="utf-8") as f:
            for number, row in enumerate(csv.DictReader(f), 1):
                if number > a.per_task:
                    break
                add("gsm8k", number, row["prompt"],
                    {llm: (1.0 if row[llm] == "True" else 0.0, tokens(row[llm + "_response"])) for llm in (GPT4, MIXTRAL)})

    questions = os.path.join(a.data, "mt_bench", "question.jsonl")
    if os.path.exists(questions):
        scores = {}
        with open(os.path.join(a.data, "mt_bench", "judgements.jsonl"), encoding="utf-8") as f:
            for line in f:
                j = json.loads(line)
                if j.get("turn") == 1 and j["model"] in NAMES and j.get("score", -1) >= 0:
                    scores[(j["question_id"], j["model"])] = j["score"]
        tasks.append({"task": "mt-bench", "description": "Open-ended multi-domain questions (MT-Bench first turns) judged 1..10 by GPT-4."})
        with open(questions, encoding="utf-8") as f:
            number = 0
            for line in f:
                q = json.loads(line)
                if not all((q["question_id"], llm) in scores for llm in (GPT4, MIXTRAL)) or number >= a.per_task:
                    continue
                number += 1
                add("mt-bench", number, q["turns"][0], {llm: (scores[(q["question_id"], llm)] / 10, 400) for llm in (GPT4, MIXTRAL)})

    os.makedirs(a.out, exist_ok=True)
    for name, rows in (("tasks.jsonl", tasks), ("llms.jsonl", LLMS), ("responses.jsonl", responses)):
        with open(os.path.join(a.out, name), "w", encoding="utf-8", newline="\n") as f:
            for row in rows:
                f.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
