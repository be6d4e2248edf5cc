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
from functools import partial
from typing import Any

import numpy as np

from rag.composition import handed_to
from rag.errors import EmbedderMismatch, IndexNotFound
from vectorstore.bookkeeping import Bookkeeping
from vectorstore.core import RETRIES, SCHEMA, DocumentWrite, Record, StoreClient
from vectorstore.repair import Repair
from vectorstore.where import Filters, clean_meta, where_clause

__all__ = ["SCHEMA", "ChromaStore", "DocumentWrite", "Record", "StoreClient"]


class ChromaStore:
    """Chroma collections for one index, checked against one embedder.

    Composed of its parts, each in its own module: the client and its retrying calls
    (``client``, core.py), the bookkeeping of the meta collection (``books``, bookkeeping.py) and the
    repair after a killed writer (``repairs``, repair.py); opening, writing and reading are here.
    """

    def __init__(self, client: StoreClient) -> None:
        self.client = client
        self.location = self.client.location
        self.books = Bookkeeping(self.client)
        self.repairs = Repair(self.client)

    # ----- bookkeeping (bookkeeping.py) and repair (repair.py) -----
    generation = handed_to("books", Bookkeeping.generation)
    bump_generation = handed_to("books", Bookkeeping.bump_generation)
    counter = handed_to("books", Bookkeeping.counter)
    counters = handed_to("books", Bookkeeping.counters)
    bump_counter = handed_to("books", Bookkeeping.bump_counter)
    mark_pending = handed_to("books", Bookkeeping.mark_pending)
    clear_pending = handed_to("books", Bookkeeping.clear_pending)
    pending = handed_to("books", Bookkeeping.pending)
    put_notes = handed_to("books", Bookkeeping.put_notes)
    notes = handed_to("books", Bookkeeping.notes)
    note = handed_to("books", Bookkeeping.note)
    drop_notes = handed_to("books", Bookkeeping.drop_notes)
    purge_document = handed_to("books", Bookkeeping.purge_document)
    rebuild = handed_to("repairs", Repair.rebuild)

    # ----- opening -----
    def exists(self) -> bool:
        """True when an index has been created here."""
        return self.client.has(self.client.names["docs"])

    def open(self, *, create: bool, dimension: int | None = None) -> None:
        """Open (or create) the collections and check the embedder.

        Raises:
            IndexNotFound: ``create`` is False and there is no index.
            EmbedderMismatch: the index was built with another embedder.
        """
        if "chunks" in self.client.cols:  # not just any: reading the generation opens "meta" alone
            return
        self.repairs.finish_swap()
        if not create and not self.exists():
            raise IndexNotFound(f"no index at {self.location}; build one with `python -m rag ingest data/articles`.")
        meta = {"embedder": self.client.embedder_name, "dimension": dimension or 0, "schema": SCHEMA}
        for part, name in self.client.names.items():
            if part == "meta" and not create and not self.client.has(name):
                continue  # an index from before the meta collection; it reads as generation 0
            col = self.client.call(
                self.client.chroma.get_or_create_collection,
                name,
                metadata=meta,
                configuration={"hnsw": {"space": "cosine"}},
                embedding_function=None,
            )
            built_with = (col.metadata or {}).get("embedder")
            if built_with != self.client.embedder_name:
                raise EmbedderMismatch(
                    f"the index at {self.location} was built with {built_with!r} but RAG_EMBEDDER is "
                    f"{self.client.embedder_name!r}; set RAG_EMBEDDER={built_with} or re-index with "
                    "`python -m rag ingest --reindex PATH`."
                )
            self.client.cols[part] = col

    def dimension(self) -> int:
        """The vector size the index was created with."""
        return int((self.client.cols["chunks"].metadata or {}).get("dimension", 0))

    def reset(self) -> None:
        """Delete this index's collections (for a re-index with a new embedder)."""
        for name in self.client.names.values():
            with contextlib.suppress(Exception):  # absent already
                self.client.chroma.delete_collection(name)
        self.client.cols = {}

    def reopen(self) -> ChromaStore:
        """A store on a fresh client, which sees what other processes wrote.

        Chroma caches one client system per path and its HNSW index in memory,
        so vectors another process adds stay invisible to an old client
        (chroma-core/chroma#3792). Dropping the cached system for our path
        only (not other paths) makes the next client load them from disk.
        """
        if not self.client.server:
            from chromadb.api.client import SharedSystemClient

            SharedSystemClient._identifier_to_system.pop(self.client.persist_dir, None)
        return ChromaStore(
            StoreClient(
                persist_dir=self.client.persist_dir,
                chroma_url=self.location if self.client.server else None,
                collection=self.client.names["docs"].removesuffix("-docs"),
                embedder_name=self.client.embedder_name,
                timeout=self.client.timeout,
            )
        )

    # ----- writing -----
    def write_documents(self, writes: Sequence[DocumentWrite]) -> None:
        """Store several documents: mark them pending, write chunks and sentences, then their records.

        A crash anywhere leaves the documents marked, and the next ingest
        redoes them (see the module docstring).
        """
        if not writes:
            return
        self.client.upsert_meta(
            [f"pending:{w.doc.id}" for w in writes], [{"kind": "pending", "doc_id": w.doc.id} for w in writes]
        )
        stale_chunks: list[str] = []
        stale_sentences: list[str] = []
        for w in writes:
            if w.replace:  # only an update can leave chunks of an older text behind
                stale_chunks += sorted(set(self.client.ids("chunks", w.doc.id)) - {c.id for c in w.chunks})
                stale_sentences += sorted(set(self.client.ids("sentences", w.doc.id)) - {s.id for s in w.sentences})
        self.client.upsert(
            "chunks", [c for w in writes for c in w.chunks], np.concatenate([w.chunk_vectors for w in writes])
        )
        self.client.upsert(
            "sentences", [s for w in writes for s in w.sentences], np.concatenate([w.sentence_vectors for w in writes])
        )
        self.client.delete("chunks", stale_chunks)
        self.client.delete("sentences", stale_sentences)
        doc_vectors = np.stack([w.chunk_vectors.mean(axis=0) for w in writes])
        self.client.upsert("docs", [w.doc for w in writes], doc_vectors)
        self.client.call(self.client.cols["meta"].delete, ids=[f"pending:{w.doc.id}" for w in writes])

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
        self.client.upsert("sentences", sentences, sentence_vectors)
        for i in range(0, len(chunk_ids), 1000):
            self.client.call(
                self.client.cols["chunks"].update,
                ids=chunk_ids[i : i + 1000],
                embeddings=chunk_vectors[i : i + 1000].tolist(),
            )
        got = self.client.call(self.client.cols["docs"].get, ids=[doc_id], include=["metadatas"])
        meta = {**dict(got["metadatas"][0] or {}), "embedded": True}
        self.client.call(
            self.client.cols["docs"].update,
            ids=[doc_id],
            metadatas=[clean_meta(meta)],
            embeddings=[chunk_vectors.mean(axis=0).tolist()],
        )

    # ----- reading -----
    def documents(self, ids: Sequence[str] | None = None) -> dict[str, dict[str, Any]]:
        """Metadata of every document (or of those in ``ids``), by doc id."""
        if ids is not None and not ids:
            return {}  # Chroma reads an empty id list as an error, not as "none"
        got = self.client.call(
            self.client.cols["docs"].get, ids=list(ids) if ids is not None else None, include=["metadatas"]
        )
        return {i: dict(m or {}) for i, m in zip(got["ids"], got["metadatas"], strict=True)}

    def keyword_only(self) -> dict[str, dict[str, Any]]:
        """Documents written without sentence vectors yet (see ``rag/ingestion/vectors.py``), by doc id."""
        got = self.client.call(self.client.cols["docs"].get, where={"embedded": False}, include=["metadatas"])
        return {i: dict(m or {}) for i, m in zip(got["ids"], got["metadatas"], strict=True)}

    def chunks_of(self, doc_id: str) -> list[Record]:
        """One document's chunks."""
        got = self.client.call(
            self.client.cols["chunks"].get, where={"doc_id": doc_id}, include=["documents", "metadatas"]
        )
        return [
            Record(i, t or "", dict(m or {}))
            for i, t, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        ]

    def document_texts(self, batch: int = 500) -> Iterator[str]:
        """The cleaned text of every article, in batches."""
        offset = 0
        while True:
            got = self.client.call(self.client.cols["docs"].get, include=["documents"], limit=batch, offset=offset)
            yield from (t or "" for t in got["documents"])
            if len(got["ids"]) < batch:
                return
            offset += batch

    def iter_documents(self, batch: int = 500) -> Iterator[Record]:
        """Every article with its cleaned text and metadata, in batches."""
        offset = 0
        while True:
            got = self.client.call(
                self.client.cols["docs"].get, include=["documents", "metadatas"], limit=batch, offset=offset
            )
            for i, t, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True):
                yield Record(i, t or "", dict(m or {}))
            if len(got["ids"]) < batch:
                return
            offset += batch

    def document_text(self, doc_id: str) -> str | None:
        """The cleaned text of one article, or None if it is not indexed."""
        got = self.client.call(self.client.cols["docs"].get, ids=[doc_id], include=["documents"])
        return got["documents"][0] if got["ids"] else None

    def count(self, part: str = "chunks") -> int:
        """How many records one collection holds."""
        return int(self.client.call(self.client.cols[part].count))

    def count_documents(self, filters: Filters | None = None) -> int:
        """How many articles pass ``filters`` (all of them without)."""
        where = where_clause(filters)
        if where is None:
            return self.count("docs")
        return len(self.client.call(self.client.cols["docs"].get, where=where, include=[])["ids"])

    def query(
        self, vector: np.ndarray, *, k: int, filters: Filters | None = None, part: str = "sentences"
    ) -> list[Record]:
        """The ``k`` sentences (or chunks) nearest to ``vector`` that pass ``filters``.

        Sentence records carry no text (spans into their chunk recover it).
        """
        # Chroma returns fewer than n_results when the collection is smaller,
        # so no count() round-trip is needed first.
        got = self.client.call(
            self.client.cols[part].query,
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
        got = self.client.call(self.client.cols["chunks"].get, ids=list(ids), include=["documents", "metadatas"])
        return {
            i: Record(i, t, dict(m or {}))
            for i, t, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
            if t is not None  # caught mid-write by another process (see iter_chunks): as if not there yet
        }

    def sentence_vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored vectors of the given sentences, by id."""
        if not ids:
            return {}
        got = self.client.call(self.client.cols["sentences"].get, ids=list(ids), include=["embeddings"])
        return {i: np.asarray(v, dtype=np.float32) for i, v in zip(got["ids"], got["embeddings"], strict=True)}

    def iter_chunks(self, batch: int = 5000) -> Iterator[Record]:
        """Every chunk, in batches (for the lexical index)."""
        offset = 0
        while True:
            read = partial(
                self.client.call, self.client.cols["chunks"].get, include=["documents", "metadatas"], limit=batch
            )
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
            return set(self.client.ids("chunks", doc_id))
        if doc_id is not None:
            wanted = list(doc_id)
            if not wanted:
                return set()
            return set(
                self.client.call(self.client.cols["chunks"].get, where={"doc_id": {"$in": wanted}}, include=[])["ids"]
            )
        return set(self.client.call(self.client.cols["chunks"].get, include=[])["ids"])
