"""The store's bookkeeping in its ``meta`` collection: change counters, pending writes, small keyed records."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from vectorstore.core import Record, StoreClient
from vectorstore.where import clean_meta


class Bookkeeping:
    """Counters (generation, vectors), pending marks and notes (versions, feeds, claims)."""

    def __init__(self, client: StoreClient) -> None:
        self.client = client

    def generation(self) -> int:
        """A number every finished ingest that changed something increases."""
        return self.counter("generation")

    def bump_generation(self) -> int:
        """Increase the generation (under the writer lock); returns the new value."""
        return self.bump_counter("generation")

    def counter(self, name: str) -> int:
        """A change counter: ``generation`` (articles changed) or ``vectors`` (keyword-only articles embedded)."""
        return self.counters().get(name, 0)

    def counters(self) -> dict[str, int]:
        """Every change counter, read in one round-trip (the app checks them before each question)."""
        col = self.client.meta()
        if col is None:
            return {}
        got = self.client.call(col.get, ids=["generation", "vectors"], include=["metadatas"])
        return {i: int((m or {}).get("n", 0)) for i, m in zip(got["ids"], got["metadatas"], strict=True)}

    def bump_counter(self, name: str) -> int:
        """Increase a change counter (under the writer lock); returns the new value."""
        n = self.counter(name) + 1
        self.client.upsert_meta([name], [{"n": n}])
        return n

    def mark_pending(self, doc_id: str) -> None:
        """Record that ``doc_id`` is about to change (see :meth:`pending`)."""
        self.client.upsert_meta([f"pending:{doc_id}"], [{"kind": "pending", "doc_id": doc_id}])

    def clear_pending(self, doc_id: str) -> None:
        """Record that ``doc_id``'s change is complete."""
        self.client.call(self.client.cols["meta"].delete, ids=[f"pending:{doc_id}"])

    def pending(self) -> list[str]:
        """Documents whose last change did not finish (the writer died)."""
        got = self.client.call(self.client.cols["meta"].get, where={"kind": "pending"}, include=["metadatas"])
        return sorted(str(m["doc_id"]) for m in got["metadatas"] if m)

    def put_notes(self, records: Sequence[Record], *, replace: bool = True) -> None:
        """Store small keyed records beside the index (article versions, feeds: ``vectorstore/history.py``).

        With ``replace=False`` a record whose id exists is left as it is (Chroma
        ignores an ``add`` of an existing id): the first writer wins
        (``vectorstore/claims.py``).
        """
        if records:
            self.client.call(
                self.client.cols["meta"].upsert if replace else self.client.cols["meta"].add,
                ids=[r.id for r in records],
                documents=[r.text for r in records],
                metadatas=[clean_meta(r.meta) for r in records],
                embeddings=[[1.0]] * len(records),
            )

    def notes(self, kind: str, **where: Any) -> list[Record]:
        """The records :meth:`put_notes` stored whose ``kind`` (and every ``where`` field) matches."""
        col = self.client.meta()
        if col is None:
            return []
        clauses = [{"kind": kind}] + [{k: v} for k, v in where.items()]
        got = self.client.call(col.get, where=clauses[0] if len(clauses) == 1 else {"$and": clauses},
                         include=["documents", "metadatas"])  # fmt: skip
        return [
            Record(i, t or "", dict(m or {}))
            for i, t, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        ]

    def note(self, note_id: str) -> Record | None:
        """One record stored by :meth:`put_notes`, by id."""
        col = self.client.meta()
        if col is None:
            return None
        got = self.client.call(col.get, ids=[note_id], include=["documents", "metadatas"])
        if not got["ids"]:
            return None
        return Record(got["ids"][0], got["documents"][0] or "", dict(got["metadatas"][0] or {}))

    def drop_notes(self, ids: Sequence[str], *, where: dict[str, Any] | None = None) -> None:
        """Delete records stored by :meth:`put_notes` (only those matching ``where``, if given, in one call)."""
        if ids:
            self.client.call(self.client.cols["meta"].delete, ids=list(ids), where=where)

    def purge_document(self, doc_id: str) -> None:
        """Remove every trace of ``doc_id`` (record, chunks, sentences) and its pending mark."""
        self.client.delete("docs", [doc_id])
        self.client.delete("chunks", self.client.ids("chunks", doc_id))
        self.client.delete("sentences", self.client.ids("sentences", doc_id))
        self.clear_pending(doc_id)
