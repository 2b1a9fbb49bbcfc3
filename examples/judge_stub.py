#!/usr/bin/env python3
"""A stand-in for an OpenAI-compatible chat-completions endpoint, for trying
`pr-sim judge` without an account and for benchmarking it.

It listens on 127.0.0.1 only and answers POST /v1/chat/completions like a judge
that reads the user profile: it picks the response whose text best matches the
profile's wording (word overlap), in the reply form the prompt asks for
("Best response: N" or a sentence ending in [[N]]). Options inject latency and a
rate limit (HTTP 429 with Retry-After), so that retries and --jobs can be seen
at work.

    python3 examples/judge_stub.py --port 8765 --latency 0.2 --max-concurrent 8

With --port 0 the system picks a free port; the first line on stdout is the port.
"""
import argparse
import json
import re
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

WORD = re.compile(r"[a-z]+")


def choose(profile, prompt):
    """The number of the response sharing most words with the profile (ties: the first)."""
    wanted = set(WORD.findall(profile.lower()))
    parts = re.split(r"\nResponse (\d+):\n", prompt)
    best, best_score = 1, -1
    for i in range(1, len(parts) - 1, 2):
        number, text = int(parts[i]), parts[i + 1]
        score = len(wanted & set(WORD.findall(text.lower())))
        if score > best_score:
            best, best_score = number, score
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=8765, help="0: any free port, printed on stdout")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds before each reply")
    parser.add_argument("--max-concurrent", type=int, default=0,
                        help="requests served at once; more get 429 with Retry-After (0: no limit)")
    parser.add_argument("--key", default="", help="require this bearer key (401 otherwise)")
    args = parser.parse_args()
    lock = threading.Lock()
    state = {"active": 0, "served": 0, "limited": 0}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out at once, no 40 ms delayed-ACK stall

        def log_message(self, *_):
            pass

        def reply(self, status, body, headers=()):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            if not self.path.rstrip("/").endswith("/v1/chat/completions"):
                return self.reply(404, {"error": {"message": "no such endpoint"}})
            if args.key and self.headers.get("Authorization") != "Bearer " + args.key:
                return self.reply(401, {"error": {"message": "invalid key"}})
            with lock:
                if args.max_concurrent and state["active"] >= args.max_concurrent:
                    state["limited"] += 1
                    return self.reply(429, {"error": {"message": "rate limited"}}, [("Retry-After", "1")])
                state["active"] += 1
            try:
                time.sleep(args.latency)
                messages = {m["role"]: m["content"] for m in body.get("messages", [])}
                prompt = messages.get("user", "")
                number = choose(messages.get("system", ""), prompt)
                content = f"This user would pick it. [[{number}]]" if "[[N]]" in prompt else f"Best response: {number}"
                self.reply(200, {
                    "object": "chat.completion", "model": body.get("model", ""),
                    "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                                 "finish_reason": "stop"}],
                    "usage": {"prompt_tokens": len(prompt) // 4, "completion_tokens": 6,
                              "total_tokens": len(prompt) // 4 + 6},
                })
            finally:
                with lock:
                    state["active"] -= 1
                    state["served"] += 1

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    port = server.server_address[1]
    print(port, flush=True)
    print(f"judge stub on http://127.0.0.1:{port}", file=sys.stderr, flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        server.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        print(f"judge stub: served {state['served']}, rate-limited {state['limited']}", file=sys.stderr)


if __name__ == "__main__":
    main()
