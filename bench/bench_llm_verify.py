"""How the verifier meets a real small model: the golden questions answered by a local model.

    python -m bench.bench_llm_verify [--mode llamacpp:qwen2.5-0.5b] [--half test|tune|all]

For each golden question (the sample articles, indexed in bench/.cache/fit-sample),
the model answers through the whole LLM path. Reports how often it falls back
(failed or cited nothing), refuses, and how many of its sentences the verifier
flags, and why; for off-corpus questions (no gold article), how many got an
answer with a sentence shown as supported. Median seconds per answer beside it.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import Counter
from pathlib import Path
from typing import Any

from evaluation.evaluate import half, load_golden
from rag.api import Engine
from rag.settings import Settings

INDEX = Path("bench/.cache/fit-sample")
RESULTS = Path("bench/results/llm-verify.json")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", default="llamacpp:qwen2.5-0.5b")
    parser.add_argument("--half", choices=["test", "tune", "all"], default="test")
    args = parser.parse_args()
    engine = Engine(Settings.from_env(persist_dir=INDEX, answerer=args.mode, llm_timeout=300, translator="none"))
    ids = half("golden", args.half)
    items = [i for i in load_golden() if ids is None or i.id in ids]
    seconds: list[float] = []
    claims = 0
    why: Counter[str] = Counter()
    counts: Counter[str] = Counter()
    examples: list[dict[str, Any]] = []
    for item in items:
        t = time.perf_counter()
        answer = engine.ask(item.question, render=False)
        seconds.append(time.perf_counter() - t)
        off = item.doc_id is None
        if answer.fallback:
            counts["fallback"] += 1
            counts["fallback: " + (answer.notice or "").split("(", 2)[-1].split(")")[0][:40]] += 1
            continue
        if answer.abstained:
            counts["refused" + (" (off-corpus)" if off else "")] += 1
            continue
        counts["answered" + (" (off-corpus)" if off else "")] += 1
        for c in answer.claims:
            claims += 1
            if not c.supported:
                why[c.why or ("no valid marker" if not c.citations else "support below the threshold")] += 1
        if off and any(c.supported for c in answer.claims):
            counts["off-corpus with a supported sentence"] += 1
        if len(examples) < 12:
            examples.append({"q": item.question, "claims": [(c.text, c.supported, c.why) for c in answer.claims]})
    result = {
        "mode": args.mode,
        "half": args.half,
        "questions": len(items),
        "outcomes": dict(counts),
        "sentences": claims,
        "flagged": sum(why.values()),
        "flagged_share": round(sum(why.values()) / claims, 3) if claims else None,
        "flagged_why": dict(why),
        "median_s_per_answer": round(statistics.median(seconds), 2),
    }
    print(json.dumps(result, indent=2, ensure_ascii=False))
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    Path("bench/.cache/llm-verify-examples.json").write_text(json.dumps(examples, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
