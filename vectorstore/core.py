"""What every part of the store stands on: the Chroma client, the collections, calls that retry, records."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from rag.errors import EmbedderMismatch, IndexNotFound, StoreUnavailable
from vectorstore.connect import connect, is_connection_error
from vectorstore.where import clean_meta

SCHEMA = 1
RETRIES = 6  # attempts after the first for a call another process's writes got in the way of (~16 s in all)


@dataclass(frozen=True)
class DocumentWrite:
    """One document to store: its record, chunks and sentences with their vectors."""

    doc: Record
    chunks: list[Record]
    chunk_vectors: np.ndarray
    sentences: list[Record]
    sentence_vectors: np.ndarray
    replace: bool = False  # an update: remove chunks the new text no longer has


@dataclass(frozen=True)
class Record:
    """A stored item: id, text, metadata and, for queries, cosine similarity."""

    id: str
    text: str
    meta: dict[str, Any]
    score: float = 0.0


class StoreClient:
    """The client and collections of one index, and the calls every part of the store makes (retried)."""

    def __init__(
        self,
        *,
        persist_dir: str,
        chroma_url: str | None,
        collection: str,
        embedder_name: str,
        timeout: float = 5.0,
    ) -> None:
        self.location = chroma_url or persist_dir
        self.embedder_name = embedder_name
        self.timeout = timeout
        self.chroma = connect(persist_dir, chroma_url, timeout)
        self.names = {part: f"{collection}-{part}" for part in ("docs", "chunks", "sentences", "meta")}
        self.persist_dir = persist_dir
        self.server = bool(chroma_url)
        self.cols: dict[str, Any] = {}

    def meta(self) -> Any:
        """The ``meta`` collection, or None before an index has one."""
        if "meta" not in self.cols and self.has(self.names["meta"]):
            self.cols["meta"] = self.call(self.chroma.get_collection, self.names["meta"], embedding_function=None)
        return self.cols.get("meta")

    def has(self, name: str) -> bool:
        """Whether a collection of this name exists."""
        try:
            self.chroma.get_collection(name)
            return True
        except Exception:  # chroma raises NotFoundError or ValueError by version
            return False

    def ids(self, part: str, doc_id: str) -> list[str]:
        """The ids of one document's records in ``part``."""
        got = self.call(self.cols[part].get, where={"doc_id": doc_id}, include=[])
        return list(got["ids"])

    def upsert(self, part: str, records: Sequence[Record], vectors: np.ndarray) -> None:
        """Write ``records`` with their vectors into ``part``, in batches Chroma accepts."""
        # Chroma rejects batches above its max size; stay well below it.
        size = max(1, min(1000, int(self.chroma.get_max_batch_size())))
        col = self.cols[part]
        for i in range(0, len(records), size):
            batch = records[i : i + size]
            self.call(
                col.upsert,
                ids=[r.id for r in batch],
                documents=[r.text for r in batch] if any(r.text for r in batch) else None,
                metadatas=[clean_meta(r.meta) for r in batch],
                embeddings=vectors[i : i + size].tolist(),
            )

    def delete(self, part: str, ids: Sequence[str]) -> None:
        """Delete records of ``part`` by id, in batches."""
        for i in range(0, len(ids), 1000):
            self.call(self.cols[part].delete, ids=list(ids[i : i + 1000]))

    def call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """``fn(*args, **kwargs)``, tried again while another process's writes get in its way."""
        for attempt in range(RETRIES + 1):
            try:
                return fn(*args, **kwargs)
            except (IndexNotFound, EmbedderMismatch):
                raise
            except Exception as exc:
                if is_connection_error(exc):
                    raise StoreUnavailable(
                        f"the Chroma server at {self.location} is not answering; start it or unset RAG_CHROMA_URL."
                    ) from None
                if not _contended(exc):
                    raise
                if attempt == RETRIES:
                    raise StoreUnavailable(
                        f"the index at {self.location} stayed busy with another process's writes; try again, "
                        "or use a Chroma server (RAG_CHROMA_URL) for many processes at once."
                    ) from None
                # Every call we make is idempotent (get, upsert, update, delete by id): trying again is safe.
                time.sleep(0.25 * 2**attempt)
        raise AssertionError("unreachable")

    def upsert_meta(self, ids: list[str], metadatas: list[dict[str, Any]]) -> None:
        """Write small records (counters, marks) into the ``meta`` collection."""
        self.call(self.cols["meta"].upsert, ids=ids, metadatas=metadatas, embeddings=[[1.0]] * len(ids))


def _contended(exc: Exception) -> bool:
    """Chroma's embedded store failing because another process compacted its log at the same time.

    chroma-core/chroma#5366 (open): with one process writing and others reading
    one directory, a write (or read) can fail with "Error in compaction: Failed to
    apply logs to the metadata segment", and a read can meet SQLite's "database
    disk image is malformed" while the writer commits (Chroma keeps SQLite in
    rollback-journal mode; ``PRAGMA integrity_check`` says "ok" afterwards). The
    same call succeeds a moment later (bench/bench_load.py --ingest).
    """
    text = str(exc)
    return any(s in text for s in ("Failed to apply logs", "database is locked", "database disk image is malformed"))
