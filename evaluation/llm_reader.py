"""The bundled Qwen2.5-Coder model as a reader: it picks the answer sentence's number under a grammar.

    python -m evaluation.llm_reader --model qwen2.5-1.5b --limit 80

Same candidates as the trained reader (today's model's shortlist, evaluation/reader_candidates.py),
on ``--limit`` evenly spaced SQuAD-it tune questions (Italian, then English) that a fold's reader
scored held out; prints top-1 right and seconds per question beside the trained reader's and today's
model's choices on the same questions (evaluation/train_reader.py).
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from evaluation.reader_candidates import load
from evaluation.reader_report import scores_of
from evaluation.train_reader import RUNS, shortlist
from rag.models.local_models import gguf_path
from rag.settings import Settings

PROMPT = (
    "Question: {question}\n\nNumbered sentences from news and encyclopedia articles:\n{sentences}\n\n"
    "Which sentence states the answer to the question? Reply with its number only."
)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default="qwen2.5-1.5b")
    ap.add_argument("--limit", type=int, default=80)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    from llama_cpp import Llama, LlamaGrammar

    llm = Llama(
        model_path=str(gguf_path(args.model, cache_dir=Settings().model_dir)),
        n_ctx=4096, n_batch=512, n_threads=args.threads, seed=0, verbose=False,
    )  # fmt: skip
    held = {**scores_of(RUNS / "fold-0" / "scores.jsonl"), **scores_of(RUNS / "fold-1" / "scores.jsonl")}
    records = load("squad") + load("golden")
    print("| suite | questions | Qwen top-1 | Qwen s/question (median) | trained reader top-1 | today's model top-1 |")
    print("|---|---:|---:|---:|---:|---:|")
    for suite, lang in (("squad", "it"), ("squad", "en")):
        # The questions the trained reader scored held out, so both are compared on the same ones.
        picked = [r for r in records if r["suite"] == suite and r["lang"] == lang and r["id"] in held]
        picked = picked[:: max(1, len(picked) // args.limit)][: args.limit]
        right, reader_right, today, seconds = [], [], [], []
        for r in picked:
            idx = shortlist(r)
            listing = "\n".join(f"{n}. {' '.join(r['candidates'][i]['text'].split())}" for n, i in enumerate(idx, 1))
            numbers = " | ".join(f'"{n}"' for n in range(1, len(idx) + 1))
            grammar = LlamaGrammar.from_string(f"root ::= {numbers}", verbose=False)
            t0 = time.perf_counter()
            reply = llm.create_chat_completion(
                messages=[{"role": "user", "content": PROMPT.format(question=r["question"], sentences=listing)}],
                grammar=grammar, max_tokens=4, temperature=0.0,
            )  # fmt: skip
            seconds.append(time.perf_counter() - t0)
            text = str(reply["choices"][0]["message"]["content"]).strip()  # type: ignore[index]
            choice = int(text) - 1 if text.isdigit() and 0 < int(text) <= len(idx) else 0
            right.append(r["candidates"][idx[choice]]["gold"])
            today.append(r["candidates"][idx[0]]["gold"])
            s = held.get(r["id"])
            if s is not None:
                reader_right.append(r["candidates"][s["idx"][int(np.argmax(s["scores"]))]]["gold"])
        print(
            f"| {suite} {lang.upper()} | {len(picked)} | {np.mean(right):.3f} | {statistics.median(seconds):.2f} s "
            f"| {np.mean(reader_right) if reader_right else float('nan'):.3f} | {np.mean(today):.3f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
