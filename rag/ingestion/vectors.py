"""Sentence vectors: the slow stage of ingest, which can run after an article is searchable.

With E5 embedding is nearly all of ingest's time (about 13 chunks/s on two
cores; the rest of ingest does thousands). So ingest can write an article's
text and chunks first, "keyword-only": BM25 finds it at once, and answers
embed the few sentences they need on the fly. This module then embeds its
sentences and marks it done, article by article, from the CLI after its
first report or from a background thread in the app. The model runs outside
the writer lock; each article is written under it, and skipped if the
article changed meanwhile (a later pass takes the new text). An interrupted
run loses nothing: unfinished articles stay keyword-only until the next pass.
"""

from __future__ import annotations

import contextlib
import threading
import zlib
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from rag.ingestion.chunk import sentence_id
from rag.search.retrieval import to_passage
from rag.types import Sentence
from vectorstore import claims
from vectorstore.embedders.factory import Embedder
from vectorstore.store import ChromaStore, Record

Progress = Callable[[int, int, str], None]
Guard = Callable[[], contextlib.AbstractContextManager[Any]]


@dataclass(frozen=True)
class Layout:
    """The distinct sentences of one article and the chunks that hold each."""

    sentences: list[Sentence]
    chunk_ids: list[str]
    members: list[list[int]]  # per chunk, its sentences as indexes into ``sentences``
    owners: dict[int, list[str]]  # sentence start -> ids of the chunks holding it


def layout(chunks: Sequence[tuple[str, Sequence[Sentence]]]) -> Layout:
    """Group ``(chunk_id, sentences)`` pairs of one article by distinct sentence (overlap shares them)."""
    seen: dict[int, Sentence] = {}
    owners: dict[int, list[str]] = {}
    for chunk_id, sentences in chunks:
        for s in sentences:
            seen.setdefault(s.start, s)
            owners.setdefault(s.start, []).append(chunk_id)
    ordered = [seen[k] for k in sorted(seen)]
    index = {s.start: i for i, s in enumerate(ordered)}
    return Layout(
        sentences=ordered,
        chunk_ids=[c for c, _ in chunks],
        members=[[index[s.start] for s in sentences] for _, sentences in chunks],
        owners=owners,
    )


def sentence_records(doc_id: str, filterable: dict[str, Any], plan: Layout) -> list[Record]:
    """The stored sentence records of one article (no text: spans into the chunks recover it)."""
    return [
        Record(
            sentence_id(doc_id, s.start, s.text),
            "",
            {**filterable, "start": s.start, "end": s.end, "chunks": ",".join(plan.owners[s.start])},
        )
        for s in plan.sentences
    ]


def chunk_vectors(plan: Layout, sentence_vectors: np.ndarray) -> np.ndarray:
    """Each chunk's vector: the normalised mean of its sentences' vectors."""
    vectors = np.stack([sentence_vectors[m].mean(axis=0) for m in plan.members])
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def provisional_vectors(ids: Sequence[str], dimension: int) -> np.ndarray:
    """Stand-in chunk vectors for a keyword-only article.

    Chroma needs a vector per record; retrieval never searches chunk vectors
    (it searches sentences), and distinct pseudo-random unit vectors keep
    Chroma's HNSW graph well-formed where one repeated vector would not.
    """
    rows = [np.random.default_rng(zlib.crc32(i.encode())).standard_normal(dimension) for i in ids]
    vectors = np.asarray(rows, dtype=np.float32).reshape(len(ids), dimension)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)


def stored_layout(chunks: Sequence[Record]) -> Layout:
    """The layout of one article read back from its stored chunks."""
    ordered = sorted(chunks, key=lambda r: int(r.meta.get("start", 0)))
    return layout([(r.id, [Sentence(*t) for t in to_passage(r).sentence_texts()]) for r in ordered])


def embed_pending(
    *,
    store: ChromaStore,
    embedder: Embedder,
    guard: Guard,
    progress: Progress | None = None,
    stop: threading.Event | None = None,
    owner: str | None = None,
    lease: float = 600.0,
    finished_ids: list[str] | None = None,
) -> int:
    """Embed the sentences of every keyword-only article; returns how many articles were finished.

    Args:
        store: The index (already open).
        embedder: The index's embedder.
        guard: Returns the context (the writer lock) each article is written under.
        progress: Called as ``progress(sentences_done, sentences_total, doc_id)``.
        stop: When set, the pass ends after the current batch (articles up to
            :data:`BATCH_SENTENCES` sentences, embedded in one model call).
        owner: As one of several workers: claim each article for ``owner`` for
            ``lease`` seconds first, and leave those another worker holds
            (``vectorstore/claims.py``).
        lease: Seconds a claim lasts (it must outlast embedding one batch).
        finished_ids: Gets the id of every article this pass finished.
    """
    todo = []
    for doc_id, meta in store.keyword_only().items():
        plan = stored_layout(store.chunks_of(doc_id))
        if plan.sentences:
            todo.append((doc_id, meta, plan))
    total = sum(len(plan.sentences) for _, _, plan in todo)
    done = finished = 0
    if progress and total:
        progress(0, total, "")
    queue = deque(todo)
    while queue and not (stop is not None and stop.is_set()):
        batch, skipped = _next_batch(queue, store=store, owner=owner, lease=lease)
        done += skipped
        if not batch:
            continue  # all of them another worker's
        try:
            # One model call for the whole batch: E5 embeds several times more
            # sentences per second in batches of ~200 than of ~20 (docs/BENCHMARKS.md).
            vectors = embedder.embed([s.text for _, _, plan in batch for s in plan.sentences])
            at = 0
            for doc_id, meta, plan in batch:
                mine = vectors[at : at + len(plan.sentences)]
                at += len(plan.sentences)
                if _write(store, guard, doc_id, meta, plan, mine):
                    finished += 1
                    if finished_ids is not None:
                        finished_ids.append(doc_id)
                done += len(plan.sentences)
                if progress:
                    progress(done, total, doc_id)
        finally:
            if owner is not None:
                for doc_id, _, _ in batch:
                    claims.release(store, doc_id, owner)
    if finished:
        with guard():
            store.bump_counter("vectors")
    return finished


# Sentences embedded per model call, across articles.
BATCH_SENTENCES = 192


def _next_batch(
    queue: deque[tuple[str, dict[str, Any], Layout]], *, store: ChromaStore, owner: str | None, lease: float
) -> tuple[list[tuple[str, dict[str, Any], Layout]], int]:
    """``(batch, sentences skipped)``, taken from the front of ``queue``: articles up to :data:`BATCH_SENTENCES`.

    As a worker, each is claimed first (another worker's are skipped) and
    read again once claimed: a worker whose claim just ended may have
    finished it.
    """
    batch: list[tuple[str, dict[str, Any], Layout]] = []
    skipped = size = 0
    while queue and (not batch or size + len(queue[0][2].sentences) <= BATCH_SENTENCES):
        doc_id, meta, plan = queue.popleft()
        if owner is not None:
            if not claims.claim(store, doc_id, owner, lease=lease):
                skipped += len(plan.sentences)  # another worker's
                continue
            if store.documents([doc_id]).get(doc_id, {}).get("embedded") is not False:
                claims.release(store, doc_id, owner)
                skipped += len(plan.sentences)
                continue
        batch.append((doc_id, meta, plan))
        size += len(plan.sentences)
    return batch, skipped


def _write(
    store: ChromaStore, guard: Guard, doc_id: str, meta: dict[str, Any], plan: Layout, vectors: np.ndarray
) -> bool:
    """Write one article's sentence vectors, unless it changed or was embedded by another meanwhile."""
    with guard():
        now = store.documents([doc_id]).get(doc_id)
        if now is not None and now.get("content_hash") == meta.get("content_hash") and now.get("embedded") is False:
            filterable = {k: meta.get(k) for k in ("doc_id", "outlet", "date", "date_num")}
            store.write_vectors(
                doc_id,
                sentences=sentence_records(doc_id, filterable, plan),
                sentence_vectors=vectors,
                chunk_ids=plan.chunk_ids,
                chunk_vectors=chunk_vectors(plan, vectors),
            )
            return True
    return False


class Background:
    """One background embedding pass at a time, with its progress (for the app).

    ``run(progress, stop)`` is one :func:`embed_pending` pass; the thread
    repeats it until a pass finds nothing left, so articles added while it
    runs are taken too.
    """

    def __init__(self, run: Callable[[Progress, threading.Event], int]) -> None:
        self._run = run
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self.done = self.total = 0
        self.error: str | None = None

    @property
    def running(self) -> bool:
        """Whether a pass is under way."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> threading.Thread:
        """Start the thread unless it is running already; returns it."""
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._stop.clear()
                self.error = None
                self._thread = threading.Thread(target=self._work, name="rag-embed", daemon=True)
                self._thread.start()
            return self._thread

    def stop(self, timeout: float | None = None) -> None:
        """Ask the thread to stop after its current article, and wait for it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _progress(self, done: int, total: int, doc_id: str) -> None:
        self.done, self.total = done, total

    def _work(self) -> None:
        try:
            while not self._stop.is_set() and self._run(self._progress, self._stop):
                pass
        except Exception as exc:  # a thread has no caller: keep the reason for the app to show
            # The articles stay keyword-only, so nothing is lost; the next pass retries them.
            self.error = str(exc) or type(exc).__name__
