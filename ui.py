"""Streamlit chat over the indexed articles. Thin: it calls only ``rag.api``."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

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
.answer-phrase{background:#ffc53d;border-bottom:2px solid #b7791f}
.unsupported{background:#fde2e1;text-decoration:underline wavy #c0392b;text-underline-offset:3px}
</style>"""


@st.cache_resource(show_spinner="Loading the model and the index…")
def get_engine(_settings: Settings, key: str) -> Engine:
    """One engine per server process and settings: model, store and lexical index are built once."""
    engine = Engine(_settings)
    engine.preload()  # the model loads while the index opens
    return engine


def highlight(text: str, start: int, end: int, offset: int = 0, phrase: tuple[int, int] | None = None) -> str:
    """``text`` as HTML with ``[start, end)`` (article offsets) marked, and the answer ``phrase`` inside it in bold."""
    a, b = start - offset, end - offset
    inner = html.escape(text[a:b])
    if phrase is not None and start <= phrase[0] < phrase[1] <= end:
        p, q = phrase[0] - start, phrase[1] - start
        sentence = text[a:b]
        inner = (
            html.escape(sentence[:p]) + f'<b class="answer-phrase">{html.escape(sentence[p:q])}</b>'
            + html.escape(sentence[q:])
        )  # fmt: skip
    marked = html.escape(text[:a]) + f"<mark>{inner}</mark>" + html.escape(text[b:])
    return marked.replace("\n", "<br>")


def describe(stats: IndexStats) -> str:
    """One line on what is indexed."""
    span = f", {stats.date_min} – {stats.date_max}" if stats.date_min else ""
    outlets = f", {', '.join(stats.outlets)}" if stats.outlets else ""
    return f"{stats.documents} articles, {stats.chunks} passages{span}{outlets}"


def render_answer(engine: Engine, answer: Answer, key: str) -> None:
    """Notices, the answer with markers linking to their cards, then the cards."""
    if answer.notice:
        st.info(answer.notice)
    if answer.standalone_question:
        st.caption(f"Read as: {answer.standalone_question}")
    if answer.abstained:
        st.warning(answer.text)
        return
    st.markdown(f'<div class="answer">{answer_html(answer, key)}</div>', unsafe_allow_html=True)
    if answer.unsupported:
        st.caption(f"{len(answer.unsupported)} sentence(s) underlined in red are not supported by the cited articles.")
    for c in answer.citations:
        render_card(engine, c, key)
    if answer.mode != "extractive":
        st.caption(f"Answered by {answer.mode}")


def answer_html(answer: Answer, key: str) -> str:
    """The answer as HTML: markers link to source cards, unsupported sentences are marked."""

    def link(n: int) -> str:
        return f'<a href="#src-{key}-{n}">[{n}]</a>'

    if not answer.claims:
        return re.sub(r"\[(\d+)\]", lambda m: link(int(m.group(1))), html.escape(answer.text))
    parts = []
    for c in answer.claims:
        markers = "".join(link(n) for n in c.citations)
        sentence = html.escape(c.text)
        if not c.supported:
            sentence = f'<span class="unsupported" title="Not supported by the cited passages">{sentence} ⚠</span>'
        parts.append(f"{sentence} {markers}".strip())
    return " ".join(parts)


def render_card(engine: Engine, c: Citation, key: str) -> None:
    """Title, outlet, date and the passage with the cited sentence highlighted by its span."""
    # Relevance for a quoted sentence, support for a model's (Citation.score_kind).
    score = f"{c.score_kind} {c.score:.2f}" if c.score < 0.999 else ""
    meta = " · ".join(x for x in (c.outlet, c.date, c.doc_id, score) if x)
    document = engine.document(c.doc_id) or ""
    passage = document[c.passage_start : c.passage_end]
    phrase = (c.answer_start, c.answer_end) if c.answer_start is not None and c.answer_end is not None else None
    st.markdown(
        f'<div id="src-{key}-{c.n}" class="source-card"><b>[{c.n}] {html.escape(c.title)}</b><br>'
        f"<small>{html.escape(meta)}</small><br>{highlight(passage, c.start, c.end, c.passage_start, phrase)}</div>",
        unsafe_allow_html=True,
    )
    with st.expander(f"Whole article [{c.n}]"):
        st.markdown(
            f'<div class="article">{highlight(document, c.start, c.end, 0, phrase)}</div>', unsafe_allow_html=True
        )


def sidebar(engine: Engine, stats: IndexStats) -> tuple[Filters, int, str]:
    """Index status, upload, filters and options; returns the filters, k and the answering mode."""
    with st.sidebar:
        st.subheader("Index")
        st.markdown(f"{describe(stats)}  \nEmbedder: `{stats.embedder}`  \nStore: `{stats.store}`")
        uploads = st.file_uploader("Add articles", type=["txt", "md", "html", "htm"], accept_multiple_files=True)
        if uploads and st.button("Ingest uploads"):
            bar = st.progress(0.0)
            for i, f in enumerate(uploads, 1):
                try:
                    # Searchable by keyword at once; the sentence vectors follow in the background.
                    report = engine.ingest_upload(f.name, f.getvalue(), embed=False)
                    st.success(f"{f.name}: {report.summary()}")
                    for s in report.skipped:
                        st.error(f"{f.name} skipped: {s.reason}")
                except RagError as exc:
                    st.error(str(exc))
                bar.progress(i / len(uploads))
            engine.embed_in_background()
        embedding_status(engine)
        st.subheader("Filters")
        outlets = st.multiselect("Outlet", stats.outlets)
        dates: tuple[date, ...] = ()
        if stats.date_min and stats.date_max:
            lo, hi = date.fromisoformat(stats.date_min), date.fromisoformat(stats.date_max)
            picked = st.date_input("Date range", value=(lo, hi), min_value=lo, max_value=hi)
            dates = tuple(picked) if isinstance(picked, tuple | list) else ()
        st.subheader("Answering")
        modes = list(dict.fromkeys([engine.settings.answerer, "extractive"]))
        mode = st.selectbox(
            "Mode", modes, help="Set RAG_ANSWERER=ollama:<model> or openai:<model> to add a language model"
        )
        custom = st.text_input("Other model", placeholder="ollama:qwen2.5:3b", help="kind:model; leave empty")
        mode = custom.strip() or mode
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
        mode,
    )


def embedding_status(engine: Engine) -> None:
    """The background embedding of new articles, refreshed every 2 s while there is any."""
    status = engine.embed_status()
    if status.keyword_only and not status.running:
        # Left by `python -m rag ingest --keyword-only`, or a pass that stopped: (re)start it.
        engine.embed_in_background()
    st.fragment(_embedding_progress, run_every=2.0 if status.keyword_only else None)(engine)


def _embedding_progress(engine: Engine) -> None:
    status = engine.embed_status()
    if status.error:
        st.warning(
            f"Embedding stopped: {status.error} {status.keyword_only} article(s) answer by keyword only; "
            "reload the page to retry."
        )
    elif status.keyword_only:
        st.progress(
            status.done / max(status.total, 1),
            text=f"Embedding {status.keyword_only} new article(s): {status.done}/{status.total} sentences. "
            "They answer by keyword meanwhile.",
        )


def stream_answer(engine: Engine, question: str, **kwargs: Any) -> Answer:
    """Show the answer's words as they arrive, then clear them for the verified answer."""
    final: list[Answer] = []

    def words() -> Iterator[str]:
        for item in engine.ask_stream(question, **kwargs):
            if isinstance(item, Answer):
                final.append(item)
            else:
                yield item

    draft = st.empty()
    with draft.container():
        st.write_stream(words())
    draft.empty()
    return final[-1]


def main() -> None:
    st.set_page_config(page_title="News RAG", page_icon="📰")
    st.markdown(CSS, unsafe_allow_html=True)
    st.title("Ask the articles")
    try:
        settings = Settings.from_env()
        engine = get_engine(settings, repr(settings))
        stats = engine.stats()
    except RagError as exc:
        st.error(str(exc))
        return
    filters, k, mode = sidebar(engine, stats)
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
            history = [(r, t) for r, t, _ in messages]
            try:
                answer = stream_answer(engine, question, history=history, k=k, where=filters, mode=mode)
            except RagError as exc:
                st.error(str(exc))
                return
            render_answer(engine, answer, str(len(messages) + 1))
        messages.append(("user", question, None))
        messages.append(("assistant", answer.text, answer))


main()
