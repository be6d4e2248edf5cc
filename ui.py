"""Streamlit chat over the indexed articles. Thin: it calls only ``rag.api``."""

from __future__ import annotations

import html
import re

import streamlit as st

from rag.api import Engine
from rag.errors import RagError
from rag.settings import Settings
from rag.types import Answer, Citation

EXAMPLES = (
    "Cosa ha promesso Meloni?",
    "What did Putin say about the European changes to the peace plan?",
    "Chi ha guidato la delegazione americana a Parigi?",
)


@st.cache_resource(show_spinner="Loading the model and the index…")
def get_engine() -> Engine:
    """One engine per server process: the model and the store open once."""
    return Engine(Settings.from_env())


def highlight(passage: str, start: int, end: int, offset: int) -> str:
    """The passage as HTML with the cited span marked."""
    a, b = start - offset, end - offset
    return (html.escape(passage[:a]) + f"<mark>{html.escape(passage[a:b])}</mark>" + html.escape(passage[b:])).replace(
        "\n", "<br>"
    )


def render_answer(engine: Engine, answer: Answer, key: str) -> None:
    """Answer text with linked markers, then one card per citation."""
    text = html.escape(answer.text)
    text = re.sub(r"\[(\d+)\]", lambda m: f'<a href="#src-{key}-{m.group(1)}">[{m.group(1)}]</a>', text)
    if answer.abstained:
        st.info(answer.text)
    else:
        st.markdown(text, unsafe_allow_html=True)
    for c in answer.citations:
        render_card(engine, c, key)


def render_card(engine: Engine, c: Citation, key: str) -> None:
    """A source card: title, outlet, date and the passage with the cited sentence highlighted."""
    meta = " · ".join(x for x in (c.outlet, c.date, c.doc_id) if x)
    document = engine.document(c.doc_id) or ""
    passage = document[c.passage_start : c.passage_end]
    st.markdown(
        f'<div id="src-{key}-{c.n}" class="source-card"><b>[{c.n}] {html.escape(c.title)}</b><br>'
        f"<small>{html.escape(meta)}</small><br>{highlight(passage, c.start, c.end, c.passage_start)}</div>",
        unsafe_allow_html=True,
    )
    with st.expander(f"Whole article [{c.n}]"):
        st.markdown(highlight(document, c.start, c.end, 0), unsafe_allow_html=True)


def main() -> None:
    st.set_page_config(page_title="News RAG", page_icon="📰")
    st.title("Ask the articles")
    try:
        engine = get_engine()
        stats = engine.stats()
    except RagError as exc:
        st.error(str(exc))
        return
    span = f", {stats.date_min} – {stats.date_max}" if stats.date_min else ""
    outlets = f", {', '.join(stats.outlets)}" if stats.outlets else ""
    st.caption(f"{stats.documents} articles, {stats.chunks} passages{span}{outlets}")
    with st.sidebar:
        st.subheader("Index")
        st.write(f"Embedder: `{stats.embedder}`  \nStore: `{stats.store}`")
        if st.button("Clear chat"):
            st.session_state.messages = []

    messages: list[tuple[str, str, Answer | None]] = st.session_state.setdefault("messages", [])
    for i, (role, text, answer) in enumerate(messages):
        with st.chat_message(role):
            if answer is None:
                st.markdown(text)
            else:
                render_answer(engine, answer, str(i))

    question = st.chat_input("Ask about the articles, in English or Italian")
    if not messages and not question:
        st.write("Try:")
        for example in EXAMPLES:
            if st.button(example):
                question = example
    if question:
        with st.chat_message("user"):
            st.markdown(question)
        history = [(r, t) for r, t, _ in messages]
        with st.chat_message("assistant"):
            try:
                answer = engine.ask(question, history=history)
            except RagError as exc:
                st.error(str(exc))
                return
            render_answer(engine, answer, str(len(messages) + 1))
        messages.append(("user", question, None))
        messages.append(("assistant", answer.text, answer))


main()
