"""The public API: ``ingest``, ``retrieve``, ``ask`` and the :class:`Engine` behind them.

Front ends (CLI, Streamlit) call only this module: the engine (rag/facade.py), the functions
below, and how an answer reads (rag/display.py).
"""

from __future__ import annotations

import functools
import inspect
import threading
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

from rag.display import (
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
from rag.errors import RagError
from rag.facade import Engine
from rag.serialize import answer_from_json
from rag.serialize import to_json as answer_to_json
from rag.settings import Settings
from rag.types import Answer, Status, to_filters

P = ParamSpec("P")
R = TypeVar("R")

_engines: dict[Settings, Engine] = {}
_engines_lock = threading.Lock()


def engine(settings: Settings | None = None) -> Engine:
    """The shared engine for ``settings`` (from ``RAG_*`` variables by default)."""
    settings = settings or Settings.from_env()
    with _engines_lock:
        if settings not in _engines:
            _engines[settings] = Engine(settings)
        return _engines[settings]


def on_default_engine(method: Callable[Concatenate[Engine, P], R]) -> Callable[P, R]:
    """``method`` as a function of the default engine (:func:`engine` for the ``RAG_*`` settings): the same
    parameters and docstring as the engine's, which has them from the step that does the work."""

    @functools.wraps(method)
    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        return method(engine(), *args, **kwargs)

    signature = inspect.signature(method)
    call.__signature__ = signature.replace(parameters=list(signature.parameters.values())[1:])  # type: ignore[attr-defined]
    return call


# The public functions. On another configuration: ``Engine(Settings(...))``, or ``engine(settings)``.
ingest = on_default_engine(Engine.ingest)
retrieve = on_default_engine(Engine.retrieve)
ask = on_default_engine(Engine.ask)
ask_stream = on_default_engine(Engine.ask_stream)
quotes = on_default_engine(Engine.quotes)
timeline = on_default_engine(Engine.timeline)

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
