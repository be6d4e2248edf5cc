"""The app's engine: one per server process and settings, warmed at start (app/serve.py), and the index line."""

from __future__ import annotations

from concurrent.futures import Future

import streamlit as st

from app.safety import inert
from rag.api import Engine
from rag.errors import RagError
from rag.settings import Settings
from rag.types import IndexStats

# Engines being warmed up as the server starts (app/serve.py), by settings: the first page takes its one.
WARMING: dict[str, Future[Engine]] = {}


@st.cache_resource(show_spinner="Loading the model and the index…")
def get_engine(_settings: Settings, key: str) -> Engine:
    """One engine per server process and settings: model, store and lexical index are built once."""
    if (warming := WARMING.pop(key, None)) is not None:
        return warming.result()
    engine = Engine(_settings)
    engine.preload()  # the model loads while the index opens
    return engine


def describe(stats: IndexStats) -> str:
    """One line on what is indexed, inert for Markdown (outlets come from the articles)."""
    span = f", {stats.date_min} – {stats.date_max}" if stats.date_min else ""
    outlets = f", {', '.join(stats.outlets)}" if stats.outlets else ""
    return inert(f"{stats.documents} articles, {stats.chunks} passages{span}{outlets}")


def open_engine() -> Engine | None:
    """The shared engine for the ``RAG_*`` settings, or None after showing why it cannot open."""
    try:
        settings = Settings.from_env()
        engine = get_engine(settings, repr(settings))
        engine.sync()
    except RagError as exc:
        st.error(inert(exc))
        return None
    return engine
