"""Incremental, idempotent ingest: files -> clean articles -> chunks -> store."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from rag.ingestion.chunk import chunk_article
from rag.ingestion.sources import read_sources
from rag.ingestion.vectors import Layout, chunk_vectors, layout, provisional_vectors, sentence_records
from rag.ingestion.web import is_url
from rag.settings import Settings
from rag.types import Article, Chunk, IngestReport, Skipped
from vectorstore.embedders.factory import Embedder
from vectorstore.history import save_version
from vectorstore.store import ChromaStore, DocumentWrite, Record
from vectorstore.where import date_num

Progress = Callable[[int, int, str], None]
BATCH_SENTENCES = 2000


def ingest_paths(
    paths: Sequence[str | Path],
    *,
    settings: Settings,
    embedder: Embedder,
    store: ChromaStore,
    prune: bool = False,
    vectors: bool = True,
    progress: Progress | None = None,
) -> IngestReport:
    """Bring the index in line with the article files under ``paths`` (and the pages of its links).

    Unchanged files (same cleaned text) are left alone, changed ones replace
    exactly their chunks, and with ``prune`` documents whose files are gone
    from an ingested folder are removed. Bad files are skipped with a reason;
    nothing already indexed is lost because of them. With ``vectors=False``
    new and changed articles are written keyword-only, to be embedded by
    :func:`rag.ingestion.vectors.embed_pending`.
    """
    began = time.perf_counter()
    timings = dict.fromkeys(("load", "chunk", "embed", "store"), 0.0)
    folders = [Path(p).resolve() for p in paths if Path(p).is_dir()]
    store.open(create=True, dimension=embedder.dimension)
    # Documents a killed writer left half-written are removed whole, then
    # re-added below from their files like any new document.
    repaired = store.pending()
    for doc_id in repaired:
        store.purge_document(doc_id)
    stored = store.documents()
    by_hash = {m.get("content_hash"): d for d, m in stored.items()}

    articles: list[Article] = []
    skipped: list[Skipped] = []
    seen: dict[str, str] = {}
    for label, article, problem in read_sources(paths, settings=settings, timings=timings):
        if article is None:
            skipped.append(Skipped(label, problem or "not an article"))
            continue
        if article.doc_id in seen:
            same = "page (same canonical URL)" if is_url(article.source) else "file name"
            skipped.append(Skipped(label, f"same {same} as {seen[article.doc_id]}; give it once"))
            continue
        twin = by_hash.get(article.content_hash)
        if twin and twin != article.doc_id:
            skipped.append(Skipped(label, f"same text as already indexed {twin}"))
            continue
        seen[article.doc_id] = label
        by_hash[article.content_hash] = article.doc_id
        articles.append(article)

    added, updated, unchanged = [], [], []
    todo = []
    for article in articles:
        old = stored.get(article.doc_id)
        if old is None:
            added.append(article.doc_id)
            todo.append(article)
        elif old.get("content_hash") != article.content_hash or old.get("source") != article.source:
            if old.get("content_hash") != article.content_hash:
                # An updated story: its earlier text stays readable (not searched), RAG_KEEP_VERSIONS deep.
                text = store.document_text(article.doc_id) or ""
                save_version(store, article.doc_id, text, old, keep=settings.keep_versions)
            updated.append(article.doc_id)
            todo.append(article)
        else:
            unchanged.append(article.doc_id)

    # Articles are chunked one by one but embedded and written in batches:
    # one model call and a few large Chroma writes per batch cost much less
    # than small writes per article (see docs/BENCHMARKS.md).
    batch: list[tuple[Article, list[Chunk]]] = []
    pending_sentences = done = 0
    for article in todo:
        t = time.perf_counter()
        chunks = chunk_article(article, max_chars=settings.chunk_chars, overlap=settings.chunk_overlap)
        timings["chunk"] += time.perf_counter() - t
        batch.append((article, chunks))
        pending_sentences += sum(len(c.sentences) for c in chunks)
        if pending_sentences >= BATCH_SENTENCES:
            write_batch(
                batch, embedder=embedder if vectors else None, store=store, replace=set(updated), timings=timings
            )
            done += len(batch)
            batch, pending_sentences = [], 0
            if progress:
                progress(done, len(todo), article.doc_id)
    if batch:
        write_batch(batch, embedder=embedder if vectors else None, store=store, replace=set(updated), timings=timings)
    if progress:
        progress(len(todo), len(todo), "")

    removed: list[str] = []
    if prune:
        for doc_id, meta in stored.items():
            source = Path(str(meta.get("source", "")))
            if any(source.is_relative_to(f) for f in folders) and not source.exists():
                store.mark_pending(doc_id)
                store.purge_document(doc_id)
                removed.append(doc_id)
    if todo or removed or repaired:
        store.bump_generation()

    return IngestReport(
        added=tuple(added),
        updated=tuple(updated),
        unchanged=tuple(unchanged),
        removed=tuple(removed),
        skipped=tuple(skipped),
        repaired=tuple(repaired),
        chunks=store.count(),
        seconds=time.perf_counter() - began,
        timings={k: round(v, 4) for k, v in timings.items()},
    )


def write_batch(
    batch: list[tuple[Article, list[Chunk]]],
    *,
    embedder: Embedder | None,
    store: ChromaStore,
    replace: set[str],
    timings: dict[str, float],
) -> None:
    """Embed and store a batch of chunked articles.

    Args:
        batch: Articles with their chunks.
        embedder: Embeds every distinct sentence once; None writes the
            articles keyword-only (no sentence vectors yet).
        store: Where the records go.
        replace: Doc ids that may have older chunks to remove (updates).
        timings: Seconds spent embedding and storing are added here.
    """
    per_doc = [(article, chunks, layout([(c.chunk_id, c.sentences) for c in chunks])) for article, chunks in batch]
    t = time.perf_counter()
    texts = [s.text for _, _, plan in per_doc for s in plan.sentences]
    vectors = embedder.embed(texts) if embedder is not None else None
    timings["embed"] += time.perf_counter() - t
    t = time.perf_counter()
    writes, offset = [], 0
    dimension = store.dimension()
    for article, chunks, plan in per_doc:
        sentence_vectors = vectors[offset : offset + len(plan.sentences)] if vectors is not None else None
        offset += len(plan.sentences)
        writes.append(_document_write(article, chunks, plan, sentence_vectors, article.doc_id in replace, dimension))
    store.write_documents(writes)
    timings["store"] += time.perf_counter() - t


def _document_write(
    article: Article,
    chunks: list[Chunk],
    plan: Layout,
    sentence_vectors: np.ndarray | None,
    replace: bool,
    dimension: int,
) -> DocumentWrite:
    doc_meta = _doc_meta(article)
    filterable = {k: doc_meta[k] for k in ("doc_id", "outlet", "date", "date_num")}
    embedded = sentence_vectors is not None
    return DocumentWrite(
        doc=Record(
            article.doc_id,
            article.text,
            {
                **doc_meta,
                "content_hash": article.content_hash,
                "chunks": len(chunks),
                "embedded": embedded,
                "indexed_at": datetime.now(UTC).isoformat(timespec="seconds"),
            },
        ),
        chunks=[Record(c.chunk_id, c.text, {**doc_meta, **_chunk_meta(c)}) for c in chunks],
        # A chunk's vector is the mean of its sentences' vectors: every sentence
        # is embedded once, and answer selection reuses the same vectors.
        chunk_vectors=(
            chunk_vectors(plan, sentence_vectors)
            if sentence_vectors is not None
            else provisional_vectors(plan.chunk_ids, dimension)
        ),
        sentences=sentence_records(article.doc_id, filterable, plan) if embedded else [],
        sentence_vectors=sentence_vectors if sentence_vectors is not None else np.zeros((0, dimension), np.float32),
        replace=replace,
    )


def _doc_meta(article: Article) -> dict[str, Any]:
    return {
        "doc_id": article.doc_id,
        "title": article.title,
        "date": article.date,
        "date_num": date_num(article.date),
        "date_inferred": article.date_inferred,
        # Where each page starts in the text, for a PDF ("0,1834,3920"); cited pages come from it.
        "pages": ",".join(map(str, article.pages)),
        "ocr_pages": ",".join(map(str, article.ocr_pages)),
        "updated": article.updated,
        "outlet": article.outlet,
        "author": article.author,
        "source": article.source,
        # Which stemmer BM25 reads the article with, and whether a question is
        # in the same language as a passage (rag/search/retrieval.py).
        "lang": article.language,
    }


def _chunk_meta(chunk: Chunk) -> dict[str, Any]:
    spans = ",".join(f"{s.start}:{s.end}" for s in chunk.sentences)
    return {"start": chunk.start, "end": chunk.end, "sentences": spans}
