"""Quick figures on the sample articles: ingest vs embedder alone, retrieve/ask latency.

Usage: python bench/bench_sample.py   (prints Markdown; medians over repeats)
"""

from __future__ import annotations

import platform
import statistics
import tempfile
import time
from pathlib import Path

from rag.api import Engine
from rag.chunk import chunk_article
from rag.clean import clean
from rag.evaluate import load_golden
from rag.load import read_file
from rag.settings import Settings
from vectorstore.embeddings import UseMultilingual

ARTICLES = Path(__file__).resolve().parent.parent / "data" / "articles"


def main(repeats: int = 5) -> None:
    embedder = UseMultilingual()
    embedder.embed(["warm up"])
    articles = [clean(read_file(p, max_bytes=10**8), doc_id=p.stem, source=str(p)) for p in sorted(ARTICLES.iterdir())]
    sentences = sorted({s.text for a in articles for c in chunk_article(a) for s in c.sentences})
    embed_s, ingest_s, chunks = [], [], 0
    for _ in range(repeats):
        began = time.perf_counter()
        embedder.embed(sentences)
        embed_s.append(time.perf_counter() - began)
        with tempfile.TemporaryDirectory() as d:
            engine = Engine(Settings(persist_dir=Path(d)), embedder=embedder)
            report = engine.ingest([ARTICLES])
            ingest_s.append(report.seconds)
            chunks = report.chunks
    questions = [i.question for i in load_golden()]
    with tempfile.TemporaryDirectory() as d:
        engine = Engine(Settings(persist_dir=Path(d)), embedder=embedder)
        engine.ingest([ARTICLES])
        engine.ask(questions[0])
        retrieve_ms, ask_ms = [], []
        for _ in range(repeats):
            for q in questions:
                t = time.perf_counter()
                engine.retrieve(q)
                retrieve_ms.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                engine.ask(q)
                ask_ms.append((time.perf_counter() - t) * 1000)
    cpu = platform.processor() or platform.machine()
    print(f"machine: {cpu}, Python {platform.python_version()}; {len(articles)} articles, {chunks} chunks")
    print(f"embedder alone: {len(sentences) / statistics.median(embed_s):.0f} sentences/s (median of {repeats})")
    print(f"full ingest: {chunks / statistics.median(ingest_s):.0f} chunks/s, {statistics.median(ingest_s):.2f} s")
    print(f"ingest / embed-only time: {statistics.median(ingest_s) / statistics.median(embed_s):.2f}")
    q = statistics.quantiles
    print(f"retrieve ms p50 {statistics.median(retrieve_ms):.1f} p95 {q(retrieve_ms, n=20)[18]:.1f}")
    print(f"ask ms p50 {statistics.median(ask_ms):.1f} p95 {q(ask_ms, n=20)[18]:.1f}")


if __name__ == "__main__":
    main()
