"""Near-duplicate grouping (rag/search/copies.py), measured: quality on reprints, and its cost at ingest and ask.

    python -m bench.bench_copies --size 10000

1. Copy-pair precision and recall on the multi-outlet corpus (evaluation/reprints.py:
   the sample articles reprinted under other outlets, one figure changed),
   and the time to build the groups.
2. Ingest with grouping off and on, alternated in one run (median of
   ``--repeats``): the sample articles (one-stage, embedded) and ``--size``
   synthetic chunks (keyword-only stage, where grouping weighs most).
3. Ask p50 over the golden questions with grouping off and on, on the same
   indexes.
Writes bench/results/copies.json.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.bench_stages import latency
from bench.common import RESULTS, machine
from bench.corpus import ARTICLES, CACHE, build
from evaluation.evaluate import load_golden
from evaluation.reprints import COPY, true_pairs
from evaluation.reprints import build as build_reprints
from rag.api import Engine
from rag.ingestion.chunk import chunk_article, split_sentences
from rag.search.copies import Copies
from rag.settings import Settings
from rag.types import Article
from vectorstore.embedders.factory import E5Small

SQUAD = Path(__file__).resolve().parent.parent / "evaluation" / "data" / "squad-it-dev" / "articles"


def news_corpus(target_chunks: int) -> Path:
    """About ``target_chunks`` chunks of news-like text with reprints, cached in bench/.cache.

    Articles are runs of consecutive Wikipedia sentences (the SQuAD-it
    articles shipped for the evaluation), so follow-ups that repeat a
    paragraph happen as they do in news; one article in ten is reprinted
    under two other outlets by evaluation/reprints.py. The synthetic corpus of the
    other benchmarks recombines ~150 sentences, so every passage there has
    dozens of near-copies: a worst case, reported beside this one.
    """
    folder = CACHE / f"news-{target_chunks}"
    if (folder / ".complete").exists():
        return folder
    sentences = [
        s.text
        for path in sorted(SQUAD.glob("*.txt"))
        for s in split_sentences(path.read_text(encoding="utf-8"))
        if len(s.text) > 40
    ]
    rng = random.Random(target_chunks)
    folder.mkdir(parents=True, exist_ok=True)
    chunks = i = 0
    while chunks < target_chunks:
        start = rng.randrange(len(sentences) - 30)
        body = sentences[start : start + rng.randint(8, 24)]
        paragraphs = [" ".join(body[j : j + 3]) for j in range(0, len(body), 3)]
        text = f" date 2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} Esteri\n\n" + "\n\n".join(paragraphs)
        path = folder / f"news_{i:06d}.txt"
        path.write_text(text + "\n", encoding="utf-8")
        n = len(chunk_article(Article(doc_id="x", text=text, source="", title="")))
        if i % 10 == 0:
            build_reprints([path], folder / "reprints", copies=2)
            n *= 3
        chunks += n
        i += 1
    (folder / ".complete").write_text(f"{i} articles, ~{chunks} chunks\n")
    return folder


def quality(tmp: Path, embedder: E5Small) -> dict[str, Any]:
    """Copy-pair precision and recall on the reprint corpus, and the build time."""
    corpus = build_reprints(sorted(ARTICLES.glob("*.txt")), tmp / "reprints")
    engine = Engine(Settings(persist_dir=tmp / "reprints-index"), embedder=embedder)
    engine.ingest([tmp / "reprints"], embed=False)
    chunks = []
    for r in engine.store.iter_chunks():
        spans = [(int(a), int(b)) for a, b in (p.split(":") for p in str(r.meta["sentences"]).split(","))]
        chunks.append((r.id, str(r.meta["doc_id"]), r.text, spans))
    texts = {d: engine.store.document_text(d) or "" for d in engine.store.documents()}
    truth = {pair for pair, shared in true_pairs(corpus, chunks, texts).items() if shared >= COPY}
    began = time.perf_counter()
    found = Copies.build([(c, d, t) for c, d, t, _ in chunks]).pairs()
    return {
        "articles": len(texts),
        "reprints": len(corpus.reprints),
        "chunks": len(chunks),
        "true_pairs": len(truth),
        "found_pairs": len(found),
        "precision": round(len(found & truth) / max(1, len(found)), 4),
        "recall": round(len(found & truth) / max(1, len(truth)), 4),
        "build_s": round(time.perf_counter() - began, 3),
    }


def ingest_times(folder: Path, tmp: Path, embedder: E5Small, *, embed: bool, repeats: int) -> dict[str, Any]:
    # ``tmp`` is this corpus's own folder: every ingest starts on an empty index.
    """Median wall time of a fresh ingest with grouping off and on, alternated."""
    times: dict[str, list[float]] = {"off": [], "on": []}
    for rep in range(repeats):
        for flag in ("off", "on"):
            settings = Settings(persist_dir=tmp / f"ingest-{flag}-{rep}", group_copies=flag == "on")
            engine = Engine(settings, embedder=embedder)
            began = time.perf_counter()
            report = engine.ingest([folder], embed=embed)
            times[flag].append(time.perf_counter() - began)
    off, on = statistics.median(times["off"]), statistics.median(times["on"])
    return {
        "chunks": report.chunks,
        "off_s": round(off, 2),
        "on_s": round(on, 2),
        "slower_pct": round(100 * (on - off) / off, 1),
        "runs": {k: [round(t, 2) for t in v] for k, v in times.items()},
    }


def ask_times(index: Path, embedder: E5Small, questions: list[str]) -> dict[str, Any]:
    """Ask p50/p95 on one index with grouping off and on."""
    out = {}
    for flag in ("off", "on"):
        engine = Engine(Settings(persist_dir=index, group_copies=flag == "on"), embedder=embedder)
        out[flag] = latency(engine, questions)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=10000, help="synthetic chunks for the large ingest")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    embedder = E5Small()
    questions = [i.question for i in load_golden()][:40]
    out: dict[str, Any] = {"machine": machine()}
    with tempfile.TemporaryDirectory(prefix="bench-copies-") as name:
        tmp = Path(name)
        out["quality"] = quality(tmp, embedder)
        out["ingest_sample"] = ingest_times(ARTICLES, tmp / "sample", embedder, embed=True, repeats=args.repeats)
        out["ask_sample_ms"] = ask_times(tmp / "sample" / "ingest-on-0", embedder, questions)
        for name, folder in (("news", news_corpus(args.size)), ("synthetic", build(args.size))):
            key = f"{name}_{args.size}_keyword_only"
            out[f"ingest_{key}"] = ingest_times(folder, tmp / name, embedder, embed=False, repeats=args.repeats)
            out[f"ask_{key}_ms"] = ask_times(tmp / name / "ingest-on-0", embedder, questions[:20])
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "copies.json").write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
