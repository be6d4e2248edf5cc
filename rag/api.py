"""The public API: ``ingest``, ``retrieve``, ``ask`` and the :class:`Engine` behind them.

Front ends (CLI, Streamlit) call only this module: the engine (rag/facade.py), the functions
below, and how an answer reads (rag/answering/display.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from pathlib import Path

from rag.answering.display import (
    answer_as_text,
    answer_lines,
    copy_text,
    feed_summary,
    file_summary,
    ingest_summary,
    rendering_label,
    say,
    translation_note,
    version_note,
    versions,
)
from rag.answering.followup import History
from rag.errors import RagError
from rag.facade import Engine
from rag.serialize import answer_from_json
from rag.serialize import to_json as answer_to_json
from rag.settings import Settings
from rag.types import Answer, IngestReport, Passage, Quote, Status, TimelineEntry, Where, to_filters

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


def quotes(speaker: str | None = None, *, where: Where = None, settings: Settings | None = None) -> list[Quote]:
    """Who said what, newest first; see :meth:`Engine.quotes`."""
    return engine(settings).quotes(speaker, where=where)


def timeline(subject: str, *, where: Where = None, settings: Settings | None = None) -> list[TimelineEntry]:
    """Dated statements on a topic or a person, oldest first; see :meth:`Engine.timeline`."""
    return engine(settings).timeline(subject, where=where)


def retrieve(
    question: str, *, k: int | None = None, where: Where = None, settings: Settings | None = None
) -> list[Passage]:
    """Rank passages for ``question`` (``k``: ``RAG_TOP_K`` when omitted); see :meth:`Engine.retrieve`."""
    return engine(settings).retrieve(question, k=k, where=where)


def ask(
    question: str,
    *,
    history: History | None = None,
    k: int | None = None,
    where: Where = None,
    mode: str | None = None,
    render: bool = True,
    as_of: date | str | None = None,
    settings: Settings | None = None,
) -> Answer:
    """Answer ``question`` with cited sentences, sources in another language rendered; see :meth:`Engine.ask`.

    ``k`` and ``mode`` default to ``RAG_TOP_K`` and ``RAG_ANSWERER``.
    """
    return engine(settings).ask(question, history=history, k=k, where=where, mode=mode, render=render, as_of=as_of)


def ask_stream(
    question: str,
    *,
    history: History | None = None,
    k: int | None = None,
    where: Where = None,
    mode: str | None = None,
    as_of: date | str | None = None,
    status: Callable[[Status], None] | None = None,
    settings: Settings | None = None,
) -> Iterator[str | Answer]:
    """Yield the answer's text as it is written, then the :class:`Answer`; see :meth:`Engine.ask_stream`."""
    return engine(settings).ask_stream(
        question, history=history, k=k, where=where, mode=mode, as_of=as_of, status=status
    )


__all__ = [
    "Answer",
    "Engine",
    "RagError",
    "Status",
    "answer_as_text",
    "answer_from_json",
    "answer_lines",
    "answer_to_json",
    "ask",
    "ask_stream",
    "copy_text",
    "engine",
    "feed_summary",
    "file_summary",
    "ingest",
    "ingest_summary",
    "quotes",
    "rendering_label",
    "retrieve",
    "say",
    "timeline",
    "to_filters",
    "translation_note",
    "version_note",
    "versions",
]
