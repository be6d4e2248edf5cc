"""The Chroma store: an embedded directory or a Chroma server.

Four collections per index: ``<name>-docs`` (one record per article, its
clean text and content hash), ``<name>-chunks`` (retrieval units),
``<name>-sentences`` (sentence vectors for answer selection) and
``<name>-meta`` (the index generation and the documents a writer is in the
middle of changing). A document is marked pending before it is touched and
unmarked after its record is written last; the next ingest purges whatever is
still marked, so a crash at any point costs only a redo of that document.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from rag.errors import EmbedderMismatch, IndexNotFound, StoreUnavailable
from vectorstore.connect import connect, is_connection_error
from vectorstore.where import Filters, clean_meta, where_clause

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


class ChromaStore:
    """Chroma collections for one index, checked against one embedder."""

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

    # ----- opening -----
    def exists(self) -> bool:
        """True when an index has been created here."""
        return self._has(self._names["docs"])

    def open(self, *, create: bool, dimension: int | None = None) -> None:
        """Open (or create) the collections and check the embedder.

        Raises:
            IndexNotFound: ``create`` is False and there is no index.
            EmbedderMismatch: the index was built with another embedder.
        """
        if "chunks" in self._cols:  # not just any: reading the generation opens "meta" alone
            return
        self._finish_swap()
        if not create and not self.exists():
            raise IndexNotFound(f"no index at {self.location}; build one with `python -m rag ingest data/articles`.")
        meta = {"embedder": self._embedder_name, "dimension": dimension or 0, "schema": SCHEMA}
        for part, name in self._names.items():
            if part == "meta" and not create and not self._has(name):
                continue  # an index from before the meta collection; it reads as generation 0
            col = self._call(
                self._client.get_or_create_collection,
                name,
                metadata=meta,
                configuration={"hnsw": {"space": "cosine"}},
                embedding_function=None,
            )
            built_with = (col.metadata or {}).get("embedder")
            if built_with != self._embedder_name:
                raise EmbedderMismatch(
                    f"the index at {self.location} was built with {built_with!r} but RAG_EMBEDDER is "
                    f"{self._embedder_name!r}; set RAG_EMBEDDER={built_with} or re-index with "
                    "`python -m rag ingest --reindex PATH`."
                )
            self._cols[part] = col

    def dimension(self) -> int:
        """The vector size the index was created with."""
        return int((self._cols["chunks"].metadata or {}).get("dimension", 0))

    def reset(self) -> None:
        """Delete this index's collections (for a re-index with a new embedder)."""
        for name in self._names.values():
            with contextlib.suppress(Exception):  # absent already
                self._client.delete_collection(name)
        self._cols = {}

    def reopen(self) -> ChromaStore:
        """A store on a fresh client, which sees what other processes wrote.

        Chroma caches one client system per path and its HNSW index in memory,
        so vectors another process adds stay invisible to an old client
        (chroma-core/chroma#3792). Dropping the cached system for our path
        only (not other paths) makes the next client load them from disk.
        """
        if not self._server:
            from chromadb.api.client import SharedSystemClient

            SharedSystemClient._identifier_to_system.pop(self._persist_dir, None)
        return ChromaStore(
            persist_dir=self._persist_dir,
            chroma_url=self.location if self._server else None,
            collection=self._names["docs"].removesuffix("-docs"),
            embedder_name=self._embedder_name,
            timeout=self._timeout,
        )

    # ----- generation and pending writes -----
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
        col = self._meta()
        if col is None:
            return {}
        got = self._call(col.get, ids=["generation", "vectors"], include=["metadatas"])
        return {i: int((m or {}).get("n", 0)) for i, m in zip(got["ids"], got["metadatas"], strict=True)}

    def bump_counter(self, name: str) -> int:
        """Increase a change counter (under the writer lock); returns the new value."""
        n = self.counter(name) + 1
        self._upsert_meta([name], [{"n": n}])
        return n

    def _upsert_meta(self, ids: list[str], metadatas: list[dict[str, Any]]) -> None:
        self._call(self._cols["meta"].upsert, ids=ids, metadatas=metadatas, embeddings=[[1.0]] * len(ids))

    def mark_pending(self, doc_id: str) -> None:
        """Record that ``doc_id`` is about to change (see :meth:`pending`)."""
        self._upsert_meta([f"pending:{doc_id}"], [{"kind": "pending", "doc_id": doc_id}])

    def clear_pending(self, doc_id: str) -> None:
        """Record that ``doc_id``'s change is complete."""
        self._call(self._cols["meta"].delete, ids=[f"pending:{doc_id}"])

    def pending(self) -> list[str]:
        """Documents whose last change did not finish (the writer died)."""
        got = self._call(self._cols["meta"].get, where={"kind": "pending"}, include=["metadatas"])
        return sorted(str(m["doc_id"]) for m in got["metadatas"] if m)

    def put_notes(self, records: Sequence[Record], *, replace: bool = True) -> None:
        """Store small keyed records beside the index (article versions, feeds: ``vectorstore/history.py``).

        With ``replace=False`` a record whose id exists is left as it is (Chroma
        ignores an ``add`` of an existing id): the first writer wins
        (``vectorstore/claims.py``).
        """
        if records:
            self._call(
                self._cols["meta"].upsert if replace else self._cols["meta"].add,
                ids=[r.id for r in records],
                documents=[r.text for r in records],
                metadatas=[clean_meta(r.meta) for r in records],
                embeddings=[[1.0]] * len(records),
            )

    def notes(self, kind: str, **where: Any) -> list[Record]:
        """The records :meth:`put_notes` stored whose ``kind`` (and every ``where`` field) matches."""
        col = self._meta()
        if col is None:
            return []
        clauses = [{"kind": kind}] + [{k: v} for k, v in where.items()]
        got = self._call(col.get, where=clauses[0] if len(clauses) == 1 else {"$and": clauses},
                         include=["documents", "metadatas"])  # fmt: skip
        return [
            Record(i, t or "", dict(m or {}))
            for i, t, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        ]

    def note(self, note_id: str) -> Record | None:
        """One record stored by :meth:`put_notes`, by id."""
        col = self._meta()
        if col is None:
            return None
        got = self._call(col.get, ids=[note_id], include=["documents", "metadatas"])
        if not got["ids"]:
            return None
        return Record(got["ids"][0], got["documents"][0] or "", dict(got["metadatas"][0] or {}))

    def drop_notes(self, ids: Sequence[str], *, where: dict[str, Any] | None = None) -> None:
        """Delete records stored by :meth:`put_notes` (only those matching ``where``, if given, in one call)."""
        if ids:
            self._call(self._cols["meta"].delete, ids=list(ids), where=where)

    def purge_document(self, doc_id: str) -> None:
        """Remove every trace of ``doc_id`` (record, chunks, sentences) and its pending mark."""
        self._delete("docs", [doc_id])
        self._delete("chunks", self._ids("chunks", doc_id))
        self._delete("sentences", self._ids("sentences", doc_id))
        self.clear_pending(doc_id)

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

    # ----- repair after a killed writer -----
    def rebuild(self, parts: Sequence[str] = ("sentences", "chunks", "docs")) -> None:
        """Copy each vector collection into a fresh one, in id order, and swap it in.

        After a writer is killed, Chroma's HNSW graph of a collection can stop
        reaching a vector its records hold (deleted and re-added labels, or a
        graph persisted half-way), so a recovered index answered differently
        from a clean one. A graph built anew from the stored records, with no
        deletions in its history, searches as a clean ingest's does.

        Crash-safe: the copy is complete before the original is dropped, and
        :meth:`open` finishes a swap that was cut between the two.
        """
        for part in parts:
            name = self._names[part]
            spare = f"{name}-rebuild"
            with contextlib.suppress(Exception):  # a copy a killed rebuild left unfinished
                self._client.delete_collection(spare)
            old = self._call(self._client.get_collection, name, embedding_function=None)
            fresh = self._call(
                self._client.create_collection,
                spare,
                metadata=old.metadata,
                configuration={"hnsw": {"space": "cosine"}},
                embedding_function=None,
            )
            for batch in self._all_records(old):
                self._call(fresh.add, **batch)
            self._call(self._client.delete_collection, name)
            self._call(fresh.modify, name=name)
            self._cols[part] = self._call(self._client.get_collection, name, embedding_function=None)

    def _all_records(self, col: Any, batch: int = 1000) -> Iterator[dict[str, Any]]:
        """Every record of ``col`` in id order, in ``add`` batches."""
        ids = sorted(self._call(col.get, include=[])["ids"])
        for i in range(0, len(ids), batch):
            got = self._call(col.get, ids=ids[i : i + batch], include=["embeddings", "metadatas", "documents"])
            order = sorted(range(len(got["ids"])), key=got["ids"].__getitem__)
            docs = got["documents"]
            yield {
                "ids": [got["ids"][j] for j in order],
                "embeddings": [np.asarray(got["embeddings"][j], dtype=np.float32).tolist() for j in order],
                "metadatas": [got["metadatas"][j] for j in order],
                "documents": [docs[j] for j in order] if docs and any(d is not None for d in docs) else None,
            }

    def _finish_swap(self) -> None:
        """A rebuild killed after dropping a collection and before renaming its copy: rename it now."""
        for name in self._names.values():
            spare = f"{name}-rebuild"
            if not self._has(name) and self._has(spare):
                self._call(self._client.get_collection, spare, embedding_function=None).modify(name=name)

    # ----- writing -----
    def write_documents(self, writes: Sequence[DocumentWrite]) -> None:
        """Store several documents: mark them pending, write chunks and sentences, then their records.

        A crash anywhere leaves the documents marked, and the next ingest
        redoes them (see the module docstring).
        """
        if not writes:
            return
        self._upsert_meta(
            [f"pending:{w.doc.id}" for w in writes], [{"kind": "pending", "doc_id": w.doc.id} for w in writes]
        )
        stale_chunks: list[str] = []
        stale_sentences: list[str] = []
        for w in writes:
            if w.replace:  # only an update can leave chunks of an older text behind
                stale_chunks += sorted(set(self._ids("chunks", w.doc.id)) - {c.id for c in w.chunks})
                stale_sentences += sorted(set(self._ids("sentences", w.doc.id)) - {s.id for s in w.sentences})
        self._upsert("chunks", [c for w in writes for c in w.chunks], np.concatenate([w.chunk_vectors for w in writes]))
        self._upsert(
            "sentences", [s for w in writes for s in w.sentences], np.concatenate([w.sentence_vectors for w in writes])
        )
        self._delete("chunks", stale_chunks)
        self._delete("sentences", stale_sentences)
        doc_vectors = np.stack([w.chunk_vectors.mean(axis=0) for w in writes])
        self._upsert("docs", [w.doc for w in writes], doc_vectors)
        self._call(self._cols["meta"].delete, ids=[f"pending:{w.doc.id}" for w in writes])

    def write_vectors(
        self,
        doc_id: str,
        *,
        sentences: list[Record],
        sentence_vectors: np.ndarray,
        chunk_ids: list[str],
        chunk_vectors: np.ndarray,
    ) -> None:
        """Give a keyword-only document its sentence and chunk vectors, then mark it embedded.

        The mark is written last, so a crash before it leaves the document
        keyword-only and the next pass redoes it (upserts are idempotent).
        """
        self._upsert("sentences", sentences, sentence_vectors)
        for i in range(0, len(chunk_ids), 1000):
            self._call(
                self._cols["chunks"].update,
                ids=chunk_ids[i : i + 1000],
                embeddings=chunk_vectors[i : i + 1000].tolist(),
            )
        got = self._call(self._cols["docs"].get, ids=[doc_id], include=["metadatas"])
        meta = {**dict(got["metadatas"][0] or {}), "embedded": True}
        self._call(
            self._cols["docs"].update,
            ids=[doc_id],
            metadatas=[clean_meta(meta)],
            embeddings=[chunk_vectors.mean(axis=0).tolist()],
        )

    # ----- reading -----
    def documents(self, ids: Sequence[str] | None = None) -> dict[str, dict[str, Any]]:
        """Metadata of every document (or of those in ``ids``), by doc id."""
        if ids is not None and not ids:
            return {}  # Chroma reads an empty id list as an error, not as "none"
        got = self._call(self._cols["docs"].get, ids=list(ids) if ids is not None else None, include=["metadatas"])
        return {i: dict(m or {}) for i, m in zip(got["ids"], got["metadatas"], strict=True)}

    def keyword_only(self) -> dict[str, dict[str, Any]]:
        """Documents written without sentence vectors yet (see ``rag/ingestion/vectors.py``), by doc id."""
        got = self._call(self._cols["docs"].get, where={"embedded": False}, include=["metadatas"])
        return {i: dict(m or {}) for i, m in zip(got["ids"], got["metadatas"], strict=True)}

    def chunks_of(self, doc_id: str) -> list[Record]:
        """One document's chunks."""
        got = self._call(self._cols["chunks"].get, where={"doc_id": doc_id}, include=["documents", "metadatas"])
        return [
            Record(i, t or "", dict(m or {}))
            for i, t, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        ]

    def document_texts(self, batch: int = 500) -> Iterator[str]:
        """The cleaned text of every article, in batches."""
        offset = 0
        while True:
            got = self._call(self._cols["docs"].get, include=["documents"], limit=batch, offset=offset)
            yield from (t or "" for t in got["documents"])
            if len(got["ids"]) < batch:
                return
            offset += batch

    def iter_documents(self, batch: int = 500) -> Iterator[Record]:
        """Every article with its cleaned text and metadata, in batches."""
        offset = 0
        while True:
            got = self._call(self._cols["docs"].get, include=["documents", "metadatas"], limit=batch, offset=offset)
            for i, t, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True):
                yield Record(i, t or "", dict(m or {}))
            if len(got["ids"]) < batch:
                return
            offset += batch

    def document_text(self, doc_id: str) -> str | None:
        """The cleaned text of one article, or None if it is not indexed."""
        got = self._call(self._cols["docs"].get, ids=[doc_id], include=["documents"])
        return got["documents"][0] if got["ids"] else None

    def count(self, part: str = "chunks") -> int:
        """How many records one collection holds."""
        return int(self._call(self._cols[part].count))

    def query(
        self, vector: np.ndarray, *, k: int, filters: Filters | None = None, part: str = "sentences"
    ) -> list[Record]:
        """The ``k`` sentences (or chunks) nearest to ``vector`` that pass ``filters``.

        Sentence records carry no text (spans into their chunk recover it).
        """
        # Chroma returns fewer than n_results when the collection is smaller,
        # so no count() round-trip is needed first.
        got = self._call(
            self._cols[part].query,
            query_embeddings=[vector.tolist()],
            n_results=k,
            where=where_clause(filters),
            include=["metadatas", "distances"] + (["documents"] if part == "chunks" else []),
        )
        texts = got["documents"][0] if part == "chunks" else [""] * len(got["ids"][0])
        return [
            Record(i, t or "", dict(m or {}), 1.0 - float(d))
            for i, t, m, d in zip(got["ids"][0], texts, got["metadatas"][0], got["distances"][0], strict=True)
        ]

    def chunks_by_id(self, ids: Sequence[str]) -> dict[str, Record]:
        """Chunks with the given ids (missing ids are left out)."""
        if not ids:
            return {}
        got = self._call(self._cols["chunks"].get, ids=list(ids), include=["documents", "metadatas"])
        return {
            i: Record(i, t, dict(m or {}))
            for i, t, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
            if t is not None  # caught mid-write by another process (see iter_chunks): as if not there yet
        }

    def sentence_vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored vectors of the given sentences, by id."""
        if not ids:
            return {}
        got = self._call(self._cols["sentences"].get, ids=list(ids), include=["embeddings"])
        return {i: np.asarray(v, dtype=np.float32) for i, v in zip(got["ids"], got["embeddings"], strict=True)}

    def iter_chunks(self, batch: int = 5000) -> Iterator[Record]:
        """Every chunk, in batches (for the lexical index)."""
        offset = 0
        while True:
            read = partial(self._call, self._cols["chunks"].get, include=["documents", "metadatas"], limit=batch)
            got = read(offset=offset)
            for attempt in range(RETRIES):
                # Read while another process writes, chunks can come back without their text (found by
                # bench/bench_load.py --ingest): read the batch again once that write is through.
                if all(t is not None for t in got["documents"]):
                    break
                time.sleep(0.25 * 2**attempt)
                got = read(offset=offset)
            for i, t, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True):
                if t is not None:  # still mid-write: left out now; the writer's generation bump brings it back
                    yield Record(i, t, dict(m or {}))
            if len(got["ids"]) < batch:
                return
            offset += batch

    def chunk_ids(self, doc_id: str | Sequence[str] | None = None) -> set[str]:
        """Ids of every chunk, or of one document's (or several documents') chunks, in one call."""
        if isinstance(doc_id, str):
            return set(self._ids("chunks", doc_id))
        if doc_id is not None:
            wanted = list(doc_id)
            if not wanted:
                return set()
            return set(self._call(self._cols["chunks"].get, where={"doc_id": {"$in": wanted}}, include=[])["ids"])
        return set(self._call(self._cols["chunks"].get, include=[])["ids"])

    # ----- helpers -----
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
