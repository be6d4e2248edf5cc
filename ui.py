"""Streamlit chat over the indexed articles. Thin: it calls only ``rag.api``."""

from __future__ import annotations

import html
import re
from datetime import date

import streamlit as st

from rag.api import Engine
from rag.errors import RagError
from rag.settings import Settings
from rag.types import Answer, Citation, Filters, IndexStats

EXAMPLES = (
    "Cosa ha promesso Meloni?",
    "What did Putin say about the European changes to the peace plan?",
    "Chi ha guidato la delegazione americana a Parigi?",
)
CSS = """<style>
.source-card{border:1px solid #ddd;border-radius:8px;padding:.6rem .8rem;margin:.4rem 0;font-size:.92rem}
.source-card mark{background:#ffe58a;padding:0 .1rem}
</style>"""


@st.cache_resource(show_spinner="Loading the model and the index…")
def get_engine() -> Engine:
    """One engine per server process: model, store and lexical index are built once."""
    return Engine(Settings.from_env())


def highlight(text: str, start: int, end: int, offset: int = 0) -> str:
    """``text`` as HTML with ``[start, end)`` (article offsets) marked."""
    a, b = start - offset, end - offset
    marked = html.escape(text[:a]) + f"<mark>{html.escape(text[a:b])}</mark>" + html.escape(text[b:])
    return marked.replace("\n", "<br>")


def describe(stats: IndexStats) -> str:
    """One line on what is indexed."""
    span = f", {stats.date_min} – {stats.date_max}" if stats.date_min else ""
    outlets = f", {', '.join(stats.outlets)}" if stats.outlets else ""
    return f"{stats.documents} articles, {stats.chunks} passages{span}{outlets}"


def render_answer(engine: Engine, answer: Answer, key: str) -> None:
    """Answer text with markers linking to their cards, then the cards."""
    if answer.abstained:
        st.warning(answer.text)
        return
    text = re.sub(
        r"\[(\d+)\]", lambda m: f'<a href="#src-{key}-{m.group(1)}">[{m.group(1)}]</a>', html.escape(answer.text)
    )
    st.markdown(f'<div class="answer">{text}</div>', unsafe_allow_html=True)
    for c in answer.citations:
        render_card(engine, c, key)


def render_card(engine: Engine, c: Citation, key: str) -> None:
    """Title, outlet, date and the passage with the cited sentence highlighted by its span."""
    meta = " · ".join(x for x in (c.outlet, c.date, c.doc_id) if x)
    document = engine.document(c.doc_id) or ""
    passage = document[c.passage_start : c.passage_end]
    st.markdown(
        f'<div id="src-{key}-{c.n}" class="source-card"><b>[{c.n}] {html.escape(c.title)}</b><br>'
        f"<small>{html.escape(meta)}</small><br>{highlight(passage, c.start, c.end, c.passage_start)}</div>",
        unsafe_allow_html=True,
    )
    with st.expander(f"Whole article [{c.n}]"):
        st.markdown(f'<div class="article">{highlight(document, c.start, c.end)}</div>', unsafe_allow_html=True)


def sidebar(engine: Engine, stats: IndexStats) -> tuple[Filters, int]:
    """Index status, upload, filters and options; returns the filters and k."""
    with st.sidebar:
        st.subheader("Index")
        st.markdown(f"{describe(stats)}  \nEmbedder: `{stats.embedder}`  \nStore: `{stats.store}`")
        uploads = st.file_uploader("Add articles", type=["txt", "md", "html", "htm"], accept_multiple_files=True)
        if uploads and st.button("Ingest uploads"):
            bar = st.progress(0.0)
            for i, f in enumerate(uploads, 1):
                try:
                    report = engine.ingest_upload(f.name, f.getvalue())
                    st.success(f"{f.name}: {report.summary()}")
                    for s in report.skipped:
                        st.error(f"{f.name} skipped: {s.reason}")
                except RagError as exc:
                    st.error(str(exc))
                bar.progress(i / len(uploads))
        st.subheader("Filters")
        outlets = st.multiselect("Outlet", stats.outlets)
        dates: tuple[date, ...] = ()
        if stats.date_min and stats.date_max:
            lo, hi = date.fromisoformat(stats.date_min), date.fromisoformat(stats.date_max)
            picked = st.date_input("Date range", value=(lo, hi), min_value=lo, max_value=hi)
            dates = tuple(picked) if isinstance(picked, tuple | list) else ()
        st.subheader("Answering")
        st.selectbox("Mode", ["extractive"], help="LLM backends appear here when configured")
        k = st.slider("Passages", 1, 15, engine.settings.top_k)
        if st.button("Clear chat"):
            st.session_state.messages = []
    filtered_dates = len(dates) == 2 and (str(dates[0]), str(dates[1])) != (stats.date_min, stats.date_max)
    return (
        Filters(
            outlets=tuple(outlets) or None,
            date_from=str(dates[0]) if filtered_dates else None,
            date_to=str(dates[1]) if filtered_dates else None,
        ),
        k,
    )


def main() -> None:
    st.set_page_config(page_title="News RAG", page_icon="📰")
    st.markdown(CSS, unsafe_allow_html=True)
    st.title("Ask the articles")
    try:
        engine = get_engine()
        stats = engine.stats()
    except RagError as exc:
        st.error(str(exc))
        return
    filters, k = sidebar(engine, stats)
    st.caption(describe(stats))

    messages: list[tuple[str, str, Answer | None]] = st.session_state.setdefault("messages", [])
    for i, (role, text, answer) in enumerate(messages):
        with st.chat_message(role):
            if answer is None:
                st.markdown(text)
            else:
                render_answer(engine, answer, str(i))

    question = st.chat_input("Ask about the articles, in English or Italian")
    if not messages and not question:
        st.write("Try one of these:")
        for example in EXAMPLES:
            if st.button(example):
                question = example
    if question:
        with st.chat_message("user"):
            st.markdown(question)
        with st.chat_message("assistant"):
            try:
                answer = engine.ask(question, history=[(r, t) for r, t, _ in messages], k=k, where=filters)
            except RagError as exc:
                st.error(str(exc))
                return
            render_answer(engine, answer, str(len(messages) + 1))
        messages.append(("user", question, None))
        messages.append(("assistant", answer.text, answer))


main()
