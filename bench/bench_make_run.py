"""Seconds from `make run` to the first answer in a real browser, on an installed checkout with no index.

    python -m bench.bench_make_run "Cosa ha promesso Meloni?"

Starts `make run` (which ingests the sample articles, then serves the app),
polls until the app answers HTTP, opens Debian's Chromium with Playwright,
asks the question and waits for the first source card. Run it right after
`make install` in a fresh clone: the figure is what a new user waits once
the install is done. Prints JSON: the stages' times from the start.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

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
            box.fill(question)
            box.press("Enter")
            page.locator(".source-card").first.wait_for(timeout=120_000)
            times["first_answer_s"] = round(time.perf_counter() - began, 1)
            browser.close()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    print(json.dumps({"question": question, **times}))


if __name__ == "__main__":
    main()
