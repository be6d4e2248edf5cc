"""One index: its store, embedder and derived indexes (BM25, vocabulary, quotes), kept current.

The write side (rag/library/) and the questions (rag/steps/) are built on one
:class:`Index`, which :class:`rag.api.Engine` composes with them;
:meth:`Index.sync` is what lets a long-lived reader see another process's writes.
"""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import threading
from collections.abc import Iterator, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from rag import fitted
from rag.ingestion.lock import writer_lock
from rag.search.retrieval import passes
from rag.settings import Settings
from rag.types import IndexStats, Quote, Where, to_filters
from vectorstore.embedders.factory import Embedder, make_embedder
from vectorstore.store import ChromaStore, StoreClient

if TYPE_CHECKING:  # imported on first use at run time: a process that only asks extractively never loads them
    from rag.answering.extractive import ExtractiveAnswerer
    from rag.news.quotebook import QuoteBook
    from rag.search.retrieval import Retriever
    from rag.search.vocabulary import Vocabulary


class Index:
    """One index with its embedder; heavy parts are built on first use and kept."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        embedder: Embedder | None = None,
        store: ChromaStore | None = None,
    ) -> None:
        self.settings = settings or Settings.from_env()
        if embedder is not None:
            self.__dict__["embedder"] = embedder
        if store is not None:
            self.__dict__["store"] = store
        self._write_lock = threading.Lock()
        self._sync_lock = threading.Lock()
        self._counters: dict[str, int] | None = None
        self._vocabulary: Vocabulary | None = None
        self._quotebook: QuoteBook | None = None
        self._date_span: tuple[str | None, str | None] | None = None

    @cached_property
    def embedder(self) -> Embedder:
        """The configured embedding model (loaded lazily by itself)."""
        s = self.settings
        return make_embedder(s.embedder, e5_engine=s.e5_engine, e5_precision=s.e5_precision, threads=s.embed_threads)

    @cached_property
    def name_embedder(self) -> Embedder:
        """USE, for comparing two texts of the same kind: names, and a model's sentence with its source.

        Its cosines are calibrated for that (Paris/Parigi 0.91, Biden/Trump
        0.48; a paraphrase of a cited sentence >= 0.45), it embeds fast, and it
        loads only when needed: a question with a name the articles do not
        have as written, or a model's answer to verify.
        """
        from vectorstore.embedders.factory import UseMultilingual

        return self.embedder if self.embedder.name == UseMultilingual.name else UseMultilingual()

    @cached_property
    def store(self) -> ChromaStore:
        """The Chroma store the settings point at."""
        return ChromaStore(
            StoreClient(
                persist_dir=str(self.settings.persist_dir),
                chroma_url=self.settings.chroma_url,
                collection=self.settings.collection,
                embedder_name=self.embedder.name,
                timeout=self.settings.chroma_timeout,
            )
        )

    @cached_property
    def answerer(self) -> ExtractiveAnswerer:
        """The extractive answerer."""
        from rag.answering.extractive import ExtractiveAnswerer
        from rag.answering.reader import Reader

        # The reader's weights load on the first question it reads (rag/answering/reader.py).
        reader = (
            Reader(path=self.settings.reader, threads=self.settings.embed_threads) if self.settings.reader else None
        )
        return ExtractiveAnswerer(
            store=self.store, embedder=self.embedder, threshold=self.settings.abstain_threshold, reader=reader
        )

    @cached_property
    def retriever(self) -> Retriever:
        """Dense (and optionally lexical) retrieval over the store."""
        from rag.search.retrieval import Retriever

        return Retriever(
            store=self.store,
            embedder=self.embedder,
            lexical_weight=self.settings.lexical_weight,
            cross_lexical_weight=self.settings.cross_lexical_weight,
            cache_dir=self.derived_dir(),
            group_copies=self.settings.group_copies,
            signatures=self.derived_dir().parent / f"{self._derived_prefix()}minhash.npz",
        )

    def vocabulary(self) -> Vocabulary:
        """Names the corpus knows (built on first need, reset by ingest)."""
        if self._vocabulary is None:
            from rag.search.vocabulary import Vocabulary

            self._vocabulary = Vocabulary.cached(
                self.derived_dir() / "vocabulary", self.store.document_texts, embedder=self.name_embedder
            )
        return self._vocabulary

    def quotebook(self) -> QuoteBook:
        """Every quote and speaker of the index (built on first need, saved per index generation)."""
        if self._quotebook is None:
            from rag.news.quotebook import QuoteBook

            self._quotebook = QuoteBook.cached(self.derived_dir() / "quotes", self.store.iter_documents)
        return self._quotebook

    def people(self, *, where: Where = None) -> list[tuple[str, int]]:
        """The people the articles quote, with how many quotes each, most quoted first (places, outlets and
        institutions that "say" something are left out: rag/news/speakers.Speakers.is_person)."""
        from collections import Counter

        book = self.quotebook()
        counts = Counter(q.speaker for q in self.quotes(where=where) if q.speaker)
        return [(name, n) for name, n in counts.most_common() if book.speakers.is_person(name)]

    def quotes(self, speaker: str | None = None, *, where: Where = None) -> list[Quote]:
        """Direct quotes and reported speech, newest first; of one speaker (any form of the name) if given.

        Args:
            speaker: "Zelensky", "Volodymyr Zelensky", "Kushner"… None gives everyone's.
            where: Filters on the articles (doc ids, outlets, date range).
        """
        self.sync()
        filters = to_filters(where)
        quotes: list[Quote] = self.quotebook().by(self.speaker_name(speaker) if speaker else None)
        if self.settings.group_copies:  # a quote reprinted by several outlets is listed once
            story = self.retriever.copies().story
            seen: set[tuple[str | None, str, str]] = set()
            unique = []
            for q in quotes:
                key = (q.speaker, q.text, story(q.doc_id))
                if key not in seen:
                    seen.add(key)
                    unique.append(q)
            quotes = unique
        if filters is None or filters.is_empty():
            return quotes
        docs = self.store.documents(sorted({q.doc_id for q in quotes}))
        return [q for q in quotes if passes({**docs.get(q.doc_id, {}), "date": q.date}, filters)]

    def speaker_name(self, name: str) -> str:
        """``name`` as the articles spell it when they quote no one by it ("Melloni" -> "Meloni").

        Only a name the quote book does not resolve is respelt, by the same
        rule as questions (:meth:`rag.search.vocabulary.Vocabulary.respell`).
        """
        if self.quotebook().speaker(name) is not None:
            return name
        return self.vocabulary().respell(name, name.split(), near=fitted.SPELLING)

    def derived_dir(self) -> Path:
        """Where indexes derived from this index generation (BM25, vocabulary) are saved.

        One folder per generation, so a process never loads another
        generation's; older folders are removed when a new one is made.
        """
        prefix = f"{self._derived_prefix()}g"
        folder = self.settings.persist_dir / "derived" / f"{prefix}{self.store.generation()}"
        if not folder.exists():
            for old in folder.parent.glob(f"{prefix}*"):
                shutil.rmtree(old, ignore_errors=True)
        return folder

    def _derived_prefix(self) -> str:
        location = hashlib.sha1(self.settings.store_location.encode()).hexdigest()[:8]
        return f"{self.settings.collection}-{location}-"

    def refresh_derived(self) -> None:
        """Build the derived indexes of a new generation (after this process wrote one)."""
        # The writer builds and saves BM25 and the vocabulary for the new
        # generation, so the next reader starts fast (62 s at 100k chunks).
        self.forget_derived()
        self._counters = self.store.counters()
        self.retriever.warm()
        self.vocabulary()

    def forget_derived(self) -> None:
        """Drop the derived indexes; each is built again on first use."""
        for name in ("retriever", "answerer"):
            self.__dict__.pop(name, None)
        self._vocabulary = None
        self._quotebook = None
        self._date_span = None

    def sync(self) -> None:
        """Open the index and pick up what another process wrote since we last looked.

        Called before every question: when the index generation moved (an
        ingest finished elsewhere), the store is reopened on a fresh client and
        the lexical index and vocabulary are rebuilt, so a running app sees new
        articles without a restart.
        """
        with self._sync_lock:
            self.store.open(create=False)
            counters = self.store.counters()
            if self._counters is not None and counters != self._counters:
                # New vectors alone need only the fresh client; the lexical index
                # and vocabulary of the same generation stay valid.
                self.__dict__["store"] = self.store.reopen()
                self.store.open(create=False)
                if counters.get("generation") != self._counters.get("generation"):
                    self.forget_derived()
                else:
                    self.__dict__.pop("answerer", None)
                    self.retriever.store = self.store
                    self.retriever.forget_vectors()
            self._counters = counters

    def saw_own_writes(self, *, vectors: bool = False) -> None:
        """Note this process's own writes, which :meth:`sync` then need not reopen for (``vectors``: new ones)."""
        with self._sync_lock:
            self._counters = self.store.counters()
            if vectors and "retriever" in self.__dict__:
                self.retriever.forget_vectors()  # sync will not see our own counter move

    @contextlib.contextmanager
    def writing(self, wait: float = 0.0) -> Iterator[None]:
        """Hold the writer lock (this process's and the index folder's), repairing after a killed writer."""
        with self._write_lock, writer_lock(self.settings.persist_dir, wait=wait) as interrupted:
            if interrupted and self.store.exists():
                # The last writer was killed: rebuild the vector collections
                # so the index searches exactly as a clean one (ChromaStore.rebuild),
                # and have every reader reopen them. Read them on a fresh client:
                # one opened before that writer ran still holds its vectors as they
                # were then (ChromaStore.reopen), and would copy those.
                with self._sync_lock:
                    self.__dict__["store"] = self.store.reopen()
                    self.forget_derived()
                self.store.open(create=False)
                self.store.rebuild()
                self.store.bump_generation()
            yield

    def labels(self, doc_ids: Sequence[str]) -> dict[str, str]:
        """A short name for each indexed article of ``doc_ids``: its outlet, else its title."""
        self.sync()
        return {d: str(m.get("outlet") or m.get("title") or d) for d, m in self.store.documents(list(doc_ids)).items()}

    def document(self, doc_id: str) -> str | None:
        """The cleaned text of an indexed article (what citation spans index)."""
        self.sync()
        return self.store.document_text(doc_id)

    def page_span(self, doc_id: str, page: int) -> tuple[int, int] | None:
        """Where ``page`` (1-based) of a PDF article starts and ends in its text; None for other articles."""
        starts = [
            int(x) for x in str(self.store.documents([doc_id]).get(doc_id, {}).get("pages") or "").split(",") if x
        ]
        if not 1 <= page <= len(starts):
            return None
        text = self.document(doc_id) or ""
        return starts[page - 1], starts[page] if page < len(starts) else len(text)

    def date_span(self) -> tuple[str | None, str | None]:
        """The oldest and newest article dates, read once per index generation.

        Every question asks for it (a month filters only within it); reading
        every article's metadata each time cost ~87 ms of a ~140 ms ``ask`` at 10k chunks.
        """
        self.sync()
        if self._date_span is None:
            stats = self.stats()
            self._date_span = (stats.date_min, stats.date_max)
        return self._date_span

    def stats(self) -> IndexStats:
        """What the index holds."""
        self.sync()
        docs = self.store.documents()
        dates = sorted(str(m["date"]) for m in docs.values() if m.get("date"))
        return IndexStats(
            documents=len(docs),
            chunks=self.store.count(),
            embedder=self.embedder.name,
            dimension=self.embedder.dimension,
            store=self.settings.store_location,
            outlets=tuple(sorted({str(m["outlet"]) for m in docs.values() if m.get("outlet")})),
            date_min=dates[0] if dates else None,
            date_max=dates[-1] if dates else None,
            titles={d: str(m.get("title", d)) for d, m in sorted(docs.items())},
            keyword_only=sum(1 for m in docs.values() if m.get("embedded") is False),
            runtime=str(getattr(self.embedder, "runtime", "")),
        )
