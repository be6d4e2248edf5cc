"""The sidebar's widgets: uploads, the link box, the notices they leave and the embedding progress."""

from __future__ import annotations

import streamlit as st

from app.access import can_write
from app.safety import guarded, inert
from rag.api import Engine, file_summary
from rag.errors import RagError


def editing(engine: Engine) -> bool:
    """The sidebar's write actions (upload, link) when this session may write (app/access.py); whether it may."""
    writable = can_write(engine.settings)
    if writable:
        upload_articles(engine)
    embedding_status(engine)
    return writable


def upload_articles(engine: Engine) -> None:
    """The upload box: new articles answer by keyword at once, their sentence vectors follow.

    After an upload the page runs again, so every count on it is the new one; what became of each
    file is said then, one line each.
    """
    shown_notices()
    uploads = st.file_uploader(
        "Add articles",
        type=["txt", "md", "html", "htm", "pdf", "docx"],
        accept_multiple_files=True,
        key=f"uploads-{st.session_state.get('uploaded', 0)}",  # a new key empties the box after an upload
        help=f"Up to {engine.settings.max_file_mb:g} MB a file",
    )
    if uploads and st.button("Ingest uploads"):
        notices = []
        bar = st.progress(0.0)
        for i, f in enumerate(uploads, 1):
            try:
                # Searchable by keyword at once; the sentence vectors follow in the background.
                report = engine.ingest_upload(f.name, f.getvalue(), embed=False)
                notices.append(file_summary(f.name, report, engine.articles()))
            except RagError as exc:
                notices.append((str(exc), "no"))
            bar.progress(i / len(uploads))
        engine.embed_in_background()
        st.session_state["notices"] = notices
        st.session_state["uploaded"] = st.session_state.get("uploaded", 0) + 1
        st.rerun()
    add_link(engine)


def shown_notices() -> None:
    """What the last upload or link did, one box per file coloured by how it went (once)."""
    for line, how in st.session_state.pop("notices", []):
        {"ok": st.success, "partly": st.warning}.get(how, st.error)(inert(line))


def add_link(engine: Engine) -> None:
    """The "Add from a link" box: fetch a news page, index it under its canonical URL."""
    with st.form("add-link", clear_on_submit=True, border=False):
        link = st.text_input("Add from a link", placeholder="https://… a news article")
        if st.form_submit_button("Fetch and ingest") and link.strip():
            try:
                report = engine.ingest_link(link, embed=False)
                articles = engine.articles()
                ids = set(report.added + report.updated + report.unchanged)
                title = next((a.title for a in articles if a.doc_id in ids), link.strip())
                notice = file_summary(title, report, articles)
            except RagError as exc:
                notice = (str(exc), "no")
            engine.embed_in_background()
            st.session_state["notices"] = [notice]
            st.rerun()


def embedding_status(engine: Engine) -> None:
    """The background embedding of new articles, refreshed every 2 s while there is any."""
    status = engine.embed_status()
    if status.keyword_only and not status.running:
        # Left by `python -m rag ingest --keyword-only`, or a pass that stopped: (re)start it.
        engine.embed_in_background()
    st.fragment(_embedding_progress, run_every=2.0 if status.keyword_only else None)(engine)


def _embedding_progress(engine: Engine) -> None:
    guarded(lambda: _show_embedding(engine))  # a fragment reruns alone, outside ui.py's guard


def _show_embedding(engine: Engine) -> None:
    status = engine.embed_status()
    if status.error:
        st.warning(
            inert(
                f"Embedding stopped: {status.error} {status.keyword_only} article(s) answer by keyword only; "
                "reload the page to retry."
            )
        )
    elif status.keyword_only:
        st.progress(
            status.done / max(status.total, 1),
            text=f"Embedding {status.keyword_only} new article(s): {status.done}/{status.total} sentences. "
            "They answer by keyword meanwhile.",
        )
