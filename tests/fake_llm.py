"""A scripted OpenAI-compatible chat server: the only test double we use for an LLM.

It speaks the real wire protocol (``POST /v1/chat/completions``, with and
without ``stream``), so the product's ``openai:`` backend, LangChain's client
and the app's streaming are exercised for real. Its "model" answers by rule:
it cites the passage that contains ``senza invio di truppe`` (the Meloni
fact), adds an uncited claim when the question mentions taxes, and refuses
when no passage has the fact. ``--delay`` slows the stream down per word.

Run: ``python -m tests.fake_llm --port 8765``.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FACT = "senza invio di truppe"
REFUSAL = "I could not find the answer in the indexed articles."


def reply_for(messages: list[dict[str, str]]) -> str:
    """The scripted answer to a chat request."""
    prompt = "\n".join(str(m.get("content", "")) for m in messages)
    if "Follow-up question:" in prompt:  # the condense prompt
        follow = prompt.rsplit("Follow-up question:", 1)[1].split("\n", 1)[0].strip()
        return f"What did {follow.strip('?').split()[-1]} commit?"
    for block in re.finditer(r'<passage n="(\d+)"[^>]*>(.*?)</passage>', prompt, re.DOTALL):
        if FACT in block.group(2):
            n = block.group(1)
            answer = f"Meloni confirmed Italy's political and logistical support without sending troops [{n}]."
            if "tax" in prompt.rsplit("Question:", 1)[-1].lower():  # a claim no passage makes
                answer += " She also promised to cut taxes for Ukrainian refugees."
            return answer
    return REFUSAL


class Handler(BaseHTTPRequestHandler):
    """Answers chat completions; anything else is 404."""

    def do_POST(self) -> None:
        if not self.path.endswith("/chat/completions"):
            self.send_error(404)
            return
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        text = reply_for(body.get("messages", []))
        model = body.get("model", "fake")
        if body.get("stream"):
            self._stream(text, model)
            return
        payload = {
            "id": "fake-1",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _stream(self, text: str, model: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for piece in re.findall(r"\S+\s*", text):
            chunk = {
                "id": "fake-1",
                "object": "chat.completion.chunk",
                "created": int(time.time()),
                "model": model,
                "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}],
            }
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            self.wfile.flush()
            time.sleep(self.server.delay)  # type: ignore[attr-defined]  # so a person can see it stream
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()

    def do_GET(self) -> None:
        data = b'{"object": "list", "data": [{"id": "fake", "object": "model"}]}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--delay", type=float, default=0.02, help="seconds between streamed words")
    args = parser.parse_args()
    make_server(args.port, args.delay).serve_forever()


def make_server(port: int = 0, delay: float = 0.02) -> ThreadingHTTPServer:
    """The fake server bound to 127.0.0.1 (port 0: any free port)."""
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.delay = delay  # type: ignore[attr-defined]
    return server


if __name__ == "__main__":
    main()
