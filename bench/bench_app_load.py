"""Several people asking in the Streamlit app at once: N browser sessions against one `streamlit run`.

Starts the app on an index (default: the load benchmark's ~10k-chunk index,
else RAG_PERSIST_DIR), opens N Playwright contexts in Debian's Chromium (one
session each, as N people would), types a different question in each and
sends them together, then waits in every session for a source card (a cited
answer), a refusal (a warning) or an error. Reports seconds from send to cited answer per session,
and any error shown. Never downloads a browser; the app listens on 127.0.0.1.

Usage: python -m bench.bench_app_load [--sessions 8] [--index DIR] [--embedder use-multilingual]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from bench.corpus import CACHE, ROOT

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
QUESTIONS = [
    "What did Meloni commit?", "Cosa ha promesso Meloni?", "Who led the American delegation in Paris?",
    "Quanti punti aveva il piano di pace?", "What did Putin say about the European changes?",
    "Chi ha guidato la delegazione americana?", "What did Zelensky say about the allies?",
    "Cosa comprende il pacchetto di garanzie di sicurezza?",
]  # fmt: skip


def start(index: Path, embedder: str, port: int, chroma_url: str | None = None) -> subprocess.Popen[bytes]:
    env = {**os.environ, "RAG_PERSIST_DIR": str(index), "RAG_EMBEDDER": embedder, "HF_HUB_OFFLINE": "1"}
    if chroma_url:
        env["RAG_CHROMA_URL"] = chroma_url
    log = (CACHE / "app-load.log").open("wb")  # the app's own output, to read when a session fails
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "ui.py"), "--server.address", "127.0.0.1",
         "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/_stcore/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("the app did not start within 120 s")


async def session(browser: Any, url: str, question: str, go: asyncio.Event) -> dict[str, Any]:
    context = await browser.new_context(viewport={"width": 1280, "height": 1000})
    page = await context.new_page()
    await page.goto(url)
    box = page.get_by_placeholder("Ask about the articles")
    await box.wait_for(timeout=120_000)
    await box.fill(question)
    await go.wait()
    began = time.perf_counter()
    await box.press("Enter")
    # A cited answer, a refusal (a warning: app/ask.py) or an error, whichever comes first.
    outcomes = {
        "cited": page.locator(".source-card").first,
        "refused": page.locator("[data-testid='stAlertContentWarning']").first,
        "error": page.locator("[data-testid='stException'], [data-testid='stAlertContentError']").first,
    }
    tasks = {asyncio.create_task(loc.wait_for(timeout=300_000)): name for name, loc in outcomes.items()}
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    seconds = time.perf_counter() - began
    outcome = next((tasks[t] for t in done if t.exception() is None), "timeout")
    if outcome == "refused":  # or a "Sources disagree" warning above the cards of a cited answer
        cards = next(t for t in tasks if tasks[t] == "cited")
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(asyncio.shield(cards), timeout=10)
        if cards.done() and cards.exception() is None:
            outcome, seconds = "cited", time.perf_counter() - began
    for task in pending:
        task.cancel()
    shown = await outcomes["error"].inner_text() if await outcomes["error"].count() else None
    await context.close()
    return {"question": question, "seconds": round(seconds, 2), "outcome": outcome, "error": shown}


async def run(url: str, n: int, on_go: Any = None) -> list[dict[str, Any]]:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        go = asyncio.Event()
        tasks = [asyncio.create_task(session(browser, url, QUESTIONS[i % len(QUESTIONS)], go)) for i in range(n)]
        await asyncio.sleep(0)
        while sum(1 for t in tasks if not t.done()) and not go.is_set():
            await asyncio.sleep(15)  # every session loaded and typed (generous on 2 cores)
            if on_go is not None:
                on_go()
            go.set()
        results = await asyncio.gather(*tasks)
        await browser.close()
    return list(results)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--index", default=str(CACHE / "load-index-10000-use-multilingual"))
    # The answer model is fitted on E5 cosines: over a USE index most answers are refusals.
    parser.add_argument("--embedder", default="use-multilingual")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--ingest",
        metavar="FOLDER",
        help="as the questions go, another process ingests FOLDER (on a copy of the index served by `chroma run`)",
    )
    args = parser.parse_args()
    index, server, ingest, ended = Path(args.index), None, [], []
    if args.ingest:
        from bench.bench_load import SERVER, chroma_server

        copy = CACHE / "app-load-index-copy"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(index, copy)
        index, server = copy, chroma_server(copy)
    url = SERVER["url"] if args.ingest else None

    def ingest_now() -> None:
        env = {**os.environ, "RAG_PERSIST_DIR": str(index), "RAG_EMBEDDER": args.embedder, "HF_HUB_OFFLINE": "1"}
        env["RAG_CHROMA_URL"] = str(url)
        began = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "rag", "ingest", args.ingest], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        ingest.append(proc)

        # When it ends, against the sessions' seconds (the answers that overlap it are the measured ones).
        def wait(proc: Any = proc) -> None:
            proc.wait()
            ended.append(time.perf_counter() - began)

        threading.Thread(target=wait, daemon=True).start()

    proc = start(index, args.embedder, args.port, url)
    try:
        rows = asyncio.run(run(f"http://127.0.0.1:{args.port}", args.sessions, ingest_now if args.ingest else None))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        for p in ingest:
            p.wait(timeout=1800)
        if server is not None:
            server.terminate()
    seconds = [r["seconds"] for r in rows]
    summary = {
        "sessions": args.sessions,
        "ingest_alongside": bool(args.ingest),
        "ingest_ok": all(p.returncode == 0 for p in ingest) if ingest else None,
        "ingest_s": round(ended[0], 1) if ended else None,
        "p50_s": round(statistics.median(seconds), 2),
        "max_s": max(seconds),
        "cited": sum(r["outcome"] == "cited" for r in rows),
        "refused": sum(r["outcome"] == "refused" for r in rows),
        "errors": sum(r["error"] is not None or r["outcome"] in ("error", "timeout") for r in rows),
        "rows": rows,
    }
    print(json.dumps(summary, indent=1))
    out = Path(__file__).resolve().parent / "results"
    out.mkdir(exist_ok=True)
    (out / f"app-load-{args.sessions}{'-ingest' if args.ingest else ''}.json").write_text(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
