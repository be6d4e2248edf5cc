"""What both pages of the app share: the engine, styles, the index line and highlighting."""

from __future__ import annotations

from concurrent.futures import Future

import streamlit as st

from app.access import can_write
from app.safety import guarded, inert
from rag.api import Engine, file_summary
from rag.errors import RagError
from rag.settings import Settings
from rag.types import IndexStats

CSS = """<style>
.source-card{border:1px solid #ddd;border-radius:8px;padding:.6rem .8rem;margin:.4rem 0;font-size:.92rem}
.source-card mark{background:#ffe58a;padding:0 .1rem}
.answer-phrase{background:#ffc53d;border-bottom:2px solid #b7791f}
.sources,.also-in{color:#666}
.attributed{text-decoration:underline dotted #7f8c8d;text-underline-offset:3px}
.unsupported{background:#fde2e1;text-decoration:underline wavy #c0392b;text-underline-offset:3px}
.rendering{margin:-.4rem 0 .8rem 1rem;padding:.3rem .6rem;border-left:3px solid #7a8ca5;background:#f4f6f9}
.rendering.withheld{border-left-color:#c0392b;background:#fbf1f0}
.claim .verbatim,.quote-rendered .verbatim{display:block;margin:.1rem 0 .5rem 1rem;color:#555;font-size:.85rem}
.verbatim{font-style:italic}
</style>"""


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


def highlight(text: str, start: int, end: int, offset: int = 0, phrase: tuple[int, int] | None = None) -> str:
    """``text`` as HTML with ``[start, end)`` (article offsets) marked, and the answer ``phrase`` inside it in bold."""
    return highlight_all(text, [(start, end, phrase)], offset)


def highlight_all(text: str, spans: list[tuple[int, int, tuple[int, int] | None]], offset: int = 0) -> str:
    """``text`` as HTML with each ``(start, end, phrase)`` span (article offsets) marked, its phrase in bold."""
    out, pos = [], 0
    for start, end, phrase in sorted(spans, key=lambda s: s[0]):
        a, b = max(start - offset, pos), end - offset
        if b <= a:
            continue  # within a span already marked
        sentence = text[a:b]
        inner = inert(sentence)
        if phrase is not None and a + offset <= phrase[0] < phrase[1] <= end:
            p, q = phrase[0] - offset - a, phrase[1] - offset - a
            inner = (
                inert(sentence[:p]) + f'<b class="answer-phrase">{inert(sentence[p:q])}</b>'
                + inert(sentence[q:])
            )  # fmt: skip
        out.append(inert(text[pos:a]) + f"<mark>{inner}</mark>")
        pos = b
    out.append(inert(text[pos:]))
    return "".join(out).replace("\n", "<br>")


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
