"""The public API: ``ingest``, ``retrieve``, ``ask`` and the :class:`Engine` behind them.

Front ends (CLI, Streamlit) call only this module.
"""

from __future__ import annotations

import hashlib
import shutil
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from functools import cached_property, partial
from pathlib import Path
from typing import Any

from rag import followup
from rag.errors import ConfigError, RagError
from rag.followup import History
from rag.indexing import Progress, ingest_paths
from rag.llm import describe_failure, is_llm
from rag.lock import writer_lock
from rag.question import check_question, language
from rag.settings import Settings
from rag.types import Answer, Filters, IndexStats, IngestReport, Passage, Where, to_filters
from vectorstore.embeddings import Embedder, make_embedder
from vectorstore.store import ChromaStore


class Engine:
    """One index with its embedder, retriever and answerer.

    Heavy parts (the model, the Chroma client, the lexical index) are built on
    first use and kept, so a long-lived process pays for them once.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        embedder: Embedder | None = None,
        store: ChromaStore | None = None,
        chat_models: Mapping[str, Any] | None = None,
    ) -> None:
        self.settings = settings or Settings.from_env()
        if embedder is not None:
            self.__dict__["embedder"] = embedder
        if store is not None:
            self.__dict__["store"] = store
        self._write_lock = threading.Lock()
        self._sync_lock = threading.Lock()
        self._generation: int | None = None
        self._vocabulary: Any = None
        # Chat models by answerer name; tests pass fakes here.
        self._models: dict[str, Any] = dict(chat_models or {})
        self._models_lock = threading.Lock()

    @cached_property
    def embedder(self) -> Embedder:
        """The configured embedding model (loaded lazily by itself)."""
        return make_embedder(self.settings.embedder)

    @cached_property
    def name_embedder(self) -> Embedder:
        """USE, for comparing two texts of the same kind: names, and a model's sentence with its source.

        Its cosines are calibrated for that (Paris/Parigi 0.91, Biden/Trump
        0.48; a paraphrase of a cited sentence >= 0.45), it embeds fast, and it
        loads only when needed: a question with a name the articles do not
        have as written, or a model's answer to verify.
        """
        from vectorstore.embeddings import UseMultilingual

        return self.embedder if self.embedder.name == UseMultilingual.name else UseMultilingual()

    def preload(self) -> threading.Thread:
        """Start loading the embedding model in the background; returns the thread.

        The model's weights decompress while the main thread imports and opens
        Chroma, so a one-shot process (the CLI) answers sooner.
        """
        embedder = self.embedder
        thread = threading.Thread(target=lambda: embedder.embed(["preload"]), daemon=True)
        thread.start()
        return thread

    @cached_property
    def store(self) -> ChromaStore:
        """The Chroma store the settings point at."""
        return ChromaStore(
            persist_dir=str(self.settings.persist_dir),
            chroma_url=self.settings.chroma_url,
            collection=self.settings.collection,
            embedder_name=self.embedder.name,
            timeout=self.settings.chroma_timeout,
        )

    @cached_property
    def retriever(self) -> Any:
        """Dense (and optionally lexical) retrieval over the store."""
        from rag.retrieval import Retriever

        return Retriever(
            store=self.store,
            embedder=self.embedder,
            lexical_weight=self.settings.lexical_weight,
            cross_lexical_weight=self.settings.cross_lexical_weight,
            cache_dir=self.derived_dir(),
        )

    @cached_property
    def answerer(self) -> Any:
        """The extractive answerer."""
        from rag.answer import ExtractiveAnswerer

        return ExtractiveAnswerer(store=self.store, embedder=self.embedder, threshold=self.settings.abstain_threshold)

    def ingest(
        self,
        paths: Sequence[str | Path],
        *,
        prune: bool = False,
        reindex: bool = False,
        progress: Progress | None = None,
    ) -> IngestReport:
        """Index the articles under ``paths`` (files or folders).

        Args:
            paths: Files and folders of .txt, .md and .html articles.
            prune: Remove documents whose files are gone from an ingested folder.
            reindex: Drop the index first (needed after changing the embedder).
            progress: Called as ``progress(done, total, doc_id)``.
        """
        with self._write_lock, writer_lock(self.settings.persist_dir):
            if reindex:
                self.store.reset()
            report = ingest_paths(
                paths, settings=self.settings, embedder=self.embedder, store=self.store, prune=prune, progress=progress
            )
            self._forget_derived()
            self._generation = self.store.generation()
            if report.added or report.updated or report.removed or report.repaired:
                # The writer builds and saves BM25 and the vocabulary for the new
                # generation, so the next reader starts fast (62 s at 100k chunks).
                self.retriever.warm()
                self.vocabulary()
            return report

    def derived_dir(self) -> Path:
        """Where indexes derived from this index generation (BM25, vocabulary) are saved.

        One folder per generation, so a process never loads another
        generation's; older folders are removed when a new one is made.
        """
        location = hashlib.sha1(self.settings.store_location.encode()).hexdigest()[:8]
        prefix = f"{self.settings.collection}-{location}-g"
        folder = self.settings.persist_dir / "derived" / f"{prefix}{self.store.generation()}"
        if not folder.exists():
            for old in folder.parent.glob(f"{prefix}*"):
                shutil.rmtree(old, ignore_errors=True)
        return folder

    def _forget_derived(self) -> None:
        for name in ("retriever", "answerer"):
            self.__dict__.pop(name, None)
        self._vocabulary = None

    def sync(self) -> None:
        """Open the index and pick up what another process wrote since we last looked.

        Called before every question: when the index generation moved (an
        ingest finished elsewhere), the store is reopened on a fresh client and
        the lexical index and vocabulary are rebuilt, so a running app sees new
        articles without a restart.
        """
        with self._sync_lock:
            self.store.open(create=False)
            generation = self.store.generation()
            if self._generation is not None and generation != self._generation:
                self.__dict__["store"] = self.store.reopen()
                self.store.open(create=False)
                self._forget_derived()
            self._generation = generation

    def ingest_upload(self, name: str, data: bytes, *, folder: Path | None = None) -> IngestReport:
        """Save an uploaded article under a safe name and ingest it.

        The name loses any directory part (``../../etc/passwd`` becomes
        ``passwd``) and characters outside ``[A-Za-z0-9._-]``.

        Raises:
            ConfigError: unsupported type or too large, with the limit.
        """
        from rag.load import SUFFIXES, safe_name

        safe = safe_name(name)
        if Path(safe).suffix.lower() not in SUFFIXES:
            raise ConfigError(f"{name}: unsupported file type; upload .txt, .md or .html articles.")
        if len(data) > self.settings.max_file_mb * 1e6:
            raise ConfigError(f"{name}: larger than {self.settings.max_file_mb:g} MB (RAG_MAX_FILE_MB).")
        folder = folder or (self.settings.persist_dir / "uploads")
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / safe
        target.write_bytes(data)
        return self.ingest([target])

    def retrieve(self, question: str, *, k: int | None = None, where: Where = None) -> list[Passage]:
        """The passages most likely to answer ``question``, best first."""
        question = check_question(question, max_chars=self.settings.max_question_chars)
        self.sync()
        return list(self.retriever.search(question, k=k or self.settings.top_k, filters=to_filters(where)))

    def ask(
        self,
        question: str,
        *,
        history: History | None = None,
        k: int | None = None,
        where: Where = None,
        mode: str | None = None,
    ) -> Answer:
        """Answer ``question`` from the indexed articles, citing every sentence.

        Args:
            question: In Italian or English; a follow-up is read against ``history``.
            history: Earlier turns, as ``(role, text)`` pairs or message dicts.
            k: How many passages to retrieve.
            where: Filters (doc ids, outlets, date range).
            mode: ``extractive``, ``ollama:<model>`` or ``openai:<model>``;
                ``RAG_ANSWERER`` when omitted.
        """
        answer: Answer | None = None
        for item in self.ask_stream(question, history=history, k=k, where=where, mode=mode):
            if isinstance(item, Answer):
                answer = item
        assert answer is not None  # ask_stream always ends with the answer
        return answer

    def ask_stream(
        self,
        question: str,
        *,
        history: History | None = None,
        k: int | None = None,
        where: Where = None,
        mode: str | None = None,
    ) -> Iterator[str | Answer]:
        """Like :meth:`ask`, but yield the answer's text as it is written, then the :class:`Answer`.

        With a language model the text pieces are the model's own tokens and
        the final answer is the verified one (markers checked, unsupported
        sentences flagged); if the model fails, the last item is the
        extractive answer marked ``fallback`` with a ``notice`` saying why.
        """
        question = check_question(question, max_chars=self.settings.max_question_chars)
        mode = (mode or self.settings.answerer).strip()
        filters = to_filters(where)
        k = k or self.settings.top_k
        self.sync()
        if not is_llm(mode):
            extractive = self._extractive(question, history=history, k=k, filters=filters)
            yield extractive.text
            yield extractive
            return
        from rag.chain import stream_or_fallback

        yield from stream_or_fallback(
            self._llm_chain(mode, k=k, filters=filters),
            question,
            history=history,
            explain=lambda exc: describe_failure(exc, answerer=mode, settings=self.settings),
            fallback=lambda why: self._fallback(question, history, k, filters, mode, why),
        )

    def _extractive(self, question: str, *, history: History | None, k: int, filters: Filters | None) -> Answer:
        standalone = followup.standalone(question, history)
        vector = self.retriever.embed_question(standalone)
        passages = self.retriever.search(standalone, k=k, filters=filters, vector=vector)
        answer: Answer = self.answerer.answer(
            standalone,
            vector=vector,
            passages=passages,
            language=language(standalone),
            vocabulary=self.vocabulary(),
            cross_language=not self.retriever.same_language(standalone),
        )
        return replace(answer, question=question, standalone_question=standalone if standalone != question else None)

    def _llm_chain(self, mode: str, *, k: int, filters: Filters | None) -> Any:
        from rag.chain import LLMChain
        from rag.verify import verify

        check = partial(
            verify, store=self.store, embedder=self.name_embedder, threshold=self.settings.support_threshold
        )
        return LLMChain(
            model=self.chat_model(mode),
            retrieve=lambda q: self.retriever.search(q, k=k, filters=filters),
            check=check,
            mode=mode,
        )

    def chat_model(self, mode: str) -> Any:
        """The LangChain chat model for ``mode`` (built once per mode)."""
        with self._models_lock:
            if mode not in self._models:
                from rag.llm import make_chat_model

                self._models[mode] = make_chat_model(mode, settings=self.settings)
            return self._models[mode]

    def _fallback(
        self, question: str, history: History | None, k: int, filters: Filters | None, mode: str, why: str
    ) -> Answer:
        answer = self._extractive(question, history=history, k=k, filters=filters)
        notice = f"The language model ({mode}) failed ({why}); showing the extractive answer instead."
        return replace(answer, fallback=True, notice=notice, mode=f"extractive (fallback from {mode})")

    def vocabulary(self) -> Any:
        """Names the corpus knows (built on first need, reset by ingest)."""
        if self._vocabulary is None:
            from rag.vocabulary import Vocabulary

            self._vocabulary = Vocabulary.cached(
                self.derived_dir() / "vocabulary", self.store.document_texts, embedder=self.name_embedder
            )
        return self._vocabulary

    def document(self, doc_id: str) -> str | None:
        """The cleaned text of an indexed article (what citation spans index)."""
        self.sync()
        return self.store.document_text(doc_id)

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
        )


_engines: dict[Settings, Engine] = {}
_engines_lock = threading.Lock()


def engine(settings: Settings | None = None) -> Engine:
    """The shared engine for ``settings`` (from ``RAG_*`` variables by default)."""
    settings = settings or Settings.from_env()
    with _engines_lock:
        if settings not in _engines:
            _engines[settings] = Engine(settings)
        return _engines[settings]


def ingest(paths: Sequence[str | Path], *, prune: bool = False, settings: Settings | None = None) -> IngestReport:
    """Index article files and folders; see :meth:`Engine.ingest`."""
    return engine(settings).ingest(paths, prune=prune)


def retrieve(question: str, *, k: int = 5, where: Where = None, settings: Settings | None = None) -> list[Passage]:
    """Rank passages for ``question``; see :meth:`Engine.retrieve`."""
    return engine(settings).retrieve(question, k=k, where=where)


def ask(
    question: str, *, history: History | None = None, k: int = 5, where: Where = None, settings: Settings | None = None
) -> Answer:
    """Answer ``question`` with cited sentences; see :meth:`Engine.ask`."""
    return engine(settings).ask(question, history=history, k=k, where=where)


def ask_stream(
    question: str, *, history: History | None = None, k: int = 5, where: Where = None, settings: Settings | None = None
) -> Iterator[str | Answer]:
    """Yield the answer's text as it is written, then the :class:`Answer`; see :meth:`Engine.ask_stream`."""
    return engine(settings).ask_stream(question, history=history, k=k, where=where)


__all__ = ["Engine", "RagError", "ask", "ask_stream", "engine", "ingest", "retrieve", "to_filters"]
