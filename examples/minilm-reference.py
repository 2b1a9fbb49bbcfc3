#!/usr/bin/env python3
"""Writes the MiniLM equivalence fixture (Tests/PRouterEmbeddingTests/Fixtures/minilm-reference.jsonl):
for each of a few hundred varied texts, the token ids of the reference tokenizer and the
vector of sentence-transformers' own all-MiniLM-L6-v2, run on the model folder that
`make model` installs. Run it once, in a throwaway virtual environment, when the fixture
must change (it needs sentence-transformers and torch; prouter never does):

    python3 -m venv /tmp/st && /tmp/st/bin/pip install sentence-transformers
    /tmp/st/bin/python examples/minilm-reference.py MODEL_DIR > Tests/PRouterEmbeddingTests/Fixtures/minilm-reference.jsonl

Vectors are stored as little-endian float16 in base64 (the test compares cosines, which
half precision moves by about 1e-7).
"""
import base64
import json
import random
import sys

import numpy as np
from sentence_transformers import SentenceTransformer


def texts():
    rng = random.Random(7)
    fixed = [
        "", " ", "\t\n", "Hello, world!", "fix my regex", "debug this pattern match",
        "How do I reverse a linked list in C?", "What's the capital of France?",
        "Café crème brûlée à la mode", "naïve coöperation façade résumé", "Ångström ÅÄÖ åäö ØÆ",
        "İstanbul ve ıspanak", "straße STRASSE", "ΣΊΣΥΦΟΣ σίσυφος", "Привет, как дела?",
        "你好，世界！我喜欢自然语言处理。", "日本語のテキストも試します", "한국어 문장입니다",
        "مرحبا بالعالم", "שלום עולם", "हिन्दी वाक्य", "ภาษาไทย", "emoji 😀🚀🔥 and 👍🏽 skin tones",
        "tabs\tand\nnewlines\r\nmixed", "zero\u200bwidth\u200djoiner", "soft\u00adhyphen", "bidi \u202eoverride\u202c",
        "control \u0001\u0002\u0007 chars", "nul \u0000 in the middle", "replacement \ufffd char",
        "!!!???...,,,;;;:::", "((([[[{{{}}}]]])))", "$$$ +++ === ^^^ ``` ||| ~~~", "—–-‐ “quotes” ‘single’ «guillemets»",
        "def f(x):\n    return x**2 + 1  # square", "SELECT * FROM users WHERE id = 42;",
        "for (int i = 0; i < n; ++i) { sum += a[i]; }", "git rebase -i HEAD~3 && git push --force-with-lease",
        "https://example.com/path?query=1&b=two#frag", "user@example.com", "C:\\Windows\\System32",
        "3.14159 2.71828 1e-10 -42 +7 1,000,000", "A" * 99, "B" * 100, "C" * 101, "supercalifragilisticexpialidocious",
        "unaffable unbelievable antidisestablishmentarianism", "x" * 300,
        "The quick brown fox jumps over the lazy dog. " * 40,
        " ".join(["word%d" % i for i in range(400)]),
        "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝕞𝕒𝕥𝕙 𝓈𝒸𝓇𝒾𝓅𝓉", "ﬁ ligature ﬀ ﬂ", "full-width ＡＢＣ１２３", "superscript x² and ½ fractions",
        "combining e\u0301 vs é", "Ǆ ǅ ǆ titlecase", "Ⅻ roman numerals", "private use \ue000\uf8ff",
    ]
    words = ("the of and to in is you that it he was for on are as with his they at be this have from or one had by "
             "word but not what all were we when your can said there use an each which she do how their if will up "
             "other about out many then them these so some her would make like him into time has look two more write "
             "go see number no way could people my than first water been call who oil its now find long down day did "
             "get come made may part regex python javascript kubernetes latency gradient embedding router model llm "
             "translate summarize poem essay recipe invoice budget travel visa tax mortgage").split()
    generated = []
    for i in range(200):
        n = rng.choice([1, 3, 8, 15, 20, 20, 25, 40, 80])
        sentence = " ".join(rng.choice(words) for _ in range(n))
        if i % 3 == 0:
            sentence = sentence.capitalize() + rng.choice([".", "?", "!", "..."])
        if i % 7 == 0:
            sentence += " " + rng.choice(["café", "naïve", "你好", "😀", "(see §3.2)", "e.g.", "O'Reilly", "state-of-the-art"])
        generated.append(sentence)
    return fixed + generated


def main():
    model = SentenceTransformer(sys.argv[1], device="cpu")
    assert model.max_seq_length == 256, model.max_seq_length
    items = texts()
    vectors = model.encode(items, batch_size=16, normalize_embeddings=False, convert_to_numpy=True)
    for text, vector in zip(items, vectors):
        ids = model.tokenizer(text, truncation=True, max_length=model.max_seq_length)["input_ids"]
        half = np.asarray(vector, dtype="<f2").tobytes()
        print(json.dumps({"text": text, "ids": ids, "vector_f16": base64.b64encode(half).decode("ascii")},
                         ensure_ascii=False))


if __name__ == "__main__":
    main()
