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


class StoreCore:
    """The client and collections of one index, and the calls every section of the store makes."""

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
        self._embedder_name = embedder_name
        self._timeout = timeout
        self._client = connect(persist_dir, chroma_url, timeout)
        self._names = {part: f"{collection}-{part}" for part in ("docs", "chunks", "sentences", "meta")}
        self._persist_dir = persist_dir
        self._server = bool(chroma_url)
        self._cols: dict[str, Any] = {}

    def _meta(self) -> Any:
        if "meta" not in self._cols and self._has(self._names["meta"]):
            self._cols["meta"] = self._call(self._client.get_collection, self._names["meta"], embedding_function=None)
        return self._cols.get("meta")

    def _has(self, name: str) -> bool:
        try:
            self._client.get_collection(name)
            return True
        except Exception:  # chroma raises NotFoundError or ValueError by version
            return False

    def _ids(self, part: str, doc_id: str) -> list[str]:
        got = self._call(self._cols[part].get, where={"doc_id": doc_id}, include=[])
        return list(got["ids"])

    def _upsert(self, part: str, records: Sequence[Record], vectors: np.ndarray) -> None:
        # Chroma rejects batches above its max size; stay well below it.
        size = max(1, min(1000, int(self._client.get_max_batch_size())))
        col = self._cols[part]
        for i in range(0, len(records), size):
            batch = records[i : i + size]
            self._call(
                col.upsert,
                ids=[r.id for r in batch],
                documents=[r.text for r in batch] if any(r.text for r in batch) else None,
                metadatas=[clean_meta(r.meta) for r in batch],
                embeddings=vectors[i : i + size].tolist(),
            )

    def _delete(self, part: str, ids: Sequence[str]) -> None:
        for i in range(0, len(ids), 1000):
            self._call(self._cols[part].delete, ids=list(ids[i : i + 1000]))

    def _call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
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

    def _upsert_meta(self, ids: list[str], metadatas: list[dict[str, Any]]) -> None:
        self._call(self._cols["meta"].upsert, ids=ids, metadatas=metadatas, embeddings=[[1.0]] * len(ids))


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
