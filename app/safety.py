"""What keeps a visitor's page safe: article text stays text, links stay web links, errors stay one line.

Every string that comes from an article, a feed, a file name or a visitor goes through :func:`inert`
before Streamlit reads it as Markdown or HTML, and every link through :func:`href`. Pages run inside
:func:`guarded`, so an unexpected error shows one line with an id and the details go to the server's log.
"""

from __future__ import annotations

import html
import logging
import re
import secrets
from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from rag.errors import RagError

log = logging.getLogger("rag.app")

# Characters that start Markdown (links, images, emphasis, code, headings, tables, maths, escapes) or HTML.
# As numeric character references they read as themselves both in a Markdown paragraph and inside an
# HTML block, and start nothing.
_ACTIVE = re.compile(r"[\\`*_{}\[\]()<>#!|~$&\"'=]")
# An http(s) link with nothing a browser would strip or re-read (spaces, controls, quotes, angle brackets).
_WEB_LINK = re.compile(r"https?://[^\s\x00-\x1f\x7f\"'<>\\`]+", re.IGNORECASE)

T = TypeVar("T")


_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"}  # as html.escape writes them


def inert(value: object) -> str:
    """``value`` as inert text for ``st.markdown`` (with or without HTML), ``st.caption`` and alerts."""
    return _ACTIVE.sub(lambda m: _HTML.get(m.group(0)) or f"&#{ord(m.group(0))};", str(value))


def href(link: str | None) -> str | None:
    """``link`` escaped for an ``href`` attribute when it is an http(s) link, else None (no ``javascript:``)."""
    if not link or not _WEB_LINK.fullmatch(link):
        return None
    return html.escape(link, quote=True)


def guarded(page: Callable[[], T]) -> T | None:
    """Run ``page``; a :class:`RagError` shows its own line, anything else one line with an error id.

    Streamlit's own control flow (``st.rerun``, a stopped run) derives from ``BaseException`` and passes.
    """
    try:
        return page()
    except RagError as exc:
        st.error(inert(exc))
    except Exception:
        error_id = secrets.token_hex(2)
        log.exception("error %s while serving a page", error_id)
        st.error(f"Something went wrong (error {error_id}); the server's log has the details.")
    return None
