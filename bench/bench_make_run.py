"""Seconds from `make run` to the first answer in a real browser, and what an asker waits after Enter.

    python -m bench.bench_make_run "Cosa ha promesso Meloni?"

Starts `make run` (which ingests the sample articles, then serves the app),
polls until the app answers HTTP, opens Debian's Chromium with Playwright,
asks the question and waits for the first source card. Run it right after
`make install` in a fresh clone: the figure is what a new user waits once
the install is done. Then it asks the question again and an English one
(warm), and for each of the three asks reports the milliseconds from Enter to
the first status line, to the answer's first words, and to the whole answer.
Prints JSON: the stages' times from the start, and the asks.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def main() -> None:
    from playwright.sync_api import sync_playwright

    question = sys.argv[1] if len(sys.argv) > 1 else "Cosa ha promesso Meloni?"
    port = "8765"
    began = time.perf_counter()
    proc = subprocess.Popen(
        ["make", "run"], cwd=ROOT, env={**os.environ, "PORT": port}, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    times: dict[str, float] = {}
    try:
        url = f"http://127.0.0.1:{port}"
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"make run exited with {proc.returncode}")
            try:
                if httpx.get(url + "/_stcore/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        times["app_serving_s"] = round(time.perf_counter() - began, 1)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
            page = browser.new_page()
            page.goto(url)
            box = page.get_by_placeholder("Ask about the articles")
            box.wait_for(timeout=120_000)
            times["page_ready_s"] = round(time.perf_counter() - began, 1)
            asks = [timed_ask(page, box, question)]
            times["first_answer_s"] = round(time.perf_counter() - began, 1)
            asks += [timed_ask(page, box, q) for q in (question, "What did Meloni commit?")]
            browser.close()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    print(json.dumps({"question": question, **times, "asks": asks}))


# When the newest chat message first showed a status line, then words of its own, then "Answered in".
WATCH = """() => {
  window.__t = {};
  const before = document.querySelectorAll('[data-testid="stChatMessage"]').length;
  const seen = () => {
    const messages = document.querySelectorAll('[data-testid="stChatMessage"]');
    // the new answer: the message after the new question (the two after those shown before it was asked)
    const last = messages.length >= before + 2 ? messages[before + 1] : null;
    if (!last) return;
    const now = performance.now();
    const status = last.querySelector('summary');
    if (status && !window.__t.status) window.__t.status = now;
    const words = [...last.querySelectorAll('[data-testid="stMarkdownContainer"]')]
      .filter(e => !e.closest('summary') && e.innerText.trim().length > 20);
    if (words.length && !window.__t.words) window.__t.words = now;
    if (status && /(Answered|Risposta) in/.test(status.innerText) && !window.__t.done) window.__t.done = now;
  };
  if (window.__obs) window.__obs.disconnect();  // the last ask's watcher
  window.__obs = new MutationObserver(seen);
  window.__obs.observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


def timed_ask(page: Any, box: Any, question: str) -> dict[str, float]:
    """Milliseconds from Enter to the status line, the first words and the whole answer of ``question``."""
    page.evaluate(WATCH)
    box.fill(question)
    sent = page.evaluate("performance.now()")
    box.press("Enter")
    page.wait_for_function("window.__t.done !== undefined", timeout=120_000)
    t = page.evaluate("window.__t")
    return {"question": question, **{k: round(t[k] - sent) for k in ("status", "words", "done") if k in t}}


if __name__ == "__main__":
    main()
