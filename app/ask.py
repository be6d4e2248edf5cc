"""The chat page: ask, read the cited answer, open its sources."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import streamlit as st

from app.access import server_path
from app.common import describe, editing, highlight, open_engine
from rag.api import Engine
from rag.errors import RagError
from rag.types import Answer, Citation, Filters, IndexStats

EXAMPLES = (
    "Cosa ha promesso Meloni?",
    "What did Putin say about the European changes to the peace plan?",
    "Chi ha guidato la delegazione americana a Parigi?",
)


def render_answer(engine: Engine, answer: Answer, key: str) -> dict[int, Any]:
    """Notices, the answer with markers linking to their cards, then the cards.

    Returns an empty slot under each card whose source is in another language
    than the question and not yet rendered, for :func:`fill_renderings`.
    """
    if answer.notice:
        st.info(answer.notice)
    if answer.standalone_question:
        st.caption(f"Read as: {answer.standalone_question}")
    if answer.abstained:
        st.warning(answer.text)
        return {}
    st.markdown(f'<div class="answer">{answer_html(answer, key)}</div>', unsafe_allow_html=True)
    if answer.unsupported:
        st.caption(f"{len(answer.unsupported)} sentence(s) underlined in red are not supported by the cited articles.")
    for d in answer.disagreements:
        st.warning(f"Sources disagree: {d.versions()}")
    names = engine.labels(sorted({d for c in answer.citations for d in c.duplicates}))
    slots = {}
    for c in answer.citations:
        slot = render_card(engine, c, key, also_in=[names.get(d, d) for d in c.duplicates])
        if c.translation is not None:
            slot.markdown(rendering_html(c), unsafe_allow_html=True)
        else:
            slots[c.n] = slot
    if answer.rendering_hint:
        st.caption(answer.rendering_hint)
    if answer.mode != "extractive":
        st.caption(f"Answered by {answer.mode}")
    return slots


def fill_renderings(engine: Engine, answer: Answer, slots: dict[int, Any]) -> Answer:
    """Render the cited sentences in the question's language into their slots, after the answer is on screen."""
    if not slots or answer.abstained:
        return answer
    try:
        with st.spinner("Rendering the sources in the question's language…"):
            rendered = engine.render(answer)
    except RagError as exc:
        st.caption(f"No renderings: {exc}")
        return answer
    for c in rendered.citations:
        if c.translation is not None and c.n in slots:
            slots[c.n].markdown(rendering_html(c), unsafe_allow_html=True)
    if rendered.rendering_hint and not answer.rendering_hint:
        st.caption(rendered.rendering_hint)
    return rendered


def rendering_html(c: Citation) -> str:
    """The machine translation under a card, labelled; or why it was withheld."""
    r = c.translation
    assert r is not None
    if not r.shown:
        return (
            f'<div class="rendering withheld"><small>Machine translation of [{c.n}] withheld: '
            f"{html.escape(r.withheld or '')}.</small></div>"
        )
    return (
        f'<div class="rendering"><small>Machine translation of [{c.n}] ({html.escape(r.translator)}), '
        f'not the article\'s words:</small><br><span lang="{r.language}">{html.escape(r.text)}</span></div>'
    )


ATTRIBUTED = "The model gave this sentence no source; the checker found the passage that says it"


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
        elif c.attributed:
            sentence = f'<span class="attributed" title="{ATTRIBUTED}">{sentence}</span>'
        reported = f' <small class="sources">{html.escape(c.reported_by())}</small>' if c.sources else ""
        parts.append(f"{sentence} {markers}{reported}".strip())
    return " ".join(parts)


def render_card(engine: Engine, c: Citation, key: str, *, also_in: list[str] | None = None) -> Any:
    """Title, outlet, date, the passage with the cited sentence highlighted, and the outlets reprinting it.

    Returns the empty slot under the card where its rendering goes.
    """
    # Relevance for a quoted sentence, support for a model's (Citation.score_kind).
    score = f"{c.score_kind} {c.score:.2f}" if c.score < 0.999 else ""
    meta = " · ".join(x for x in (c.outlet, c.date, c.doc_id, score) if x)
    version = c.version_note()
    link = f' · <a href="{html.escape(c.link)}" target="_blank">original</a>' if c.link else ""
    document = engine.document(c.doc_id) or ""
    passage = document[c.passage_start : c.passage_end]
    phrase = (c.answer_start, c.answer_end) if c.answer_start is not None and c.answer_end is not None else None
    st.markdown(
        f'<div id="src-{key}-{c.n}" class="source-card"><b>[{c.n}] {html.escape(c.title)}</b><br>'
        f"<small>{html.escape(meta)}{link}</small><br>{highlight(passage, c.start, c.end, c.passage_start, phrase)}"
        + (f'<br><small class="version">{html.escape(version)}</small>' if version else "")
        + (f'<br><small class="also-in">also in: {html.escape(", ".join(also_in))}</small>' if also_in else "")
        + "</div>",
        unsafe_allow_html=True,
    )
    slot = st.empty()
    with st.expander(f"Whole article [{c.n}]"):
        st.markdown(
            f'<div class="article">{highlight(document, c.start, c.end, 0, phrase)}</div>', unsafe_allow_html=True
        )
    return slot


def sidebar(engine: Engine, stats: IndexStats) -> tuple[Filters, int, str]:
    """Index status, upload, filters and options; returns the filters, k and the answering mode."""
    with st.sidebar:
        st.subheader("Index")
        store, full = server_path(stats.store)
        st.markdown(f"{describe(stats)}  \nEmbedder: `{stats.embedder}`  \nStore: `{store}`", help=full)
        editing(engine)
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
    st.title("Ask the articles")
    engine = open_engine()
    if engine is None:
        return
    try:
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
            slots = render_answer(engine, answer, str(len(messages) + 1))
            answer = fill_renderings(engine, answer, slots)
        messages.append(("user", question, None))
        messages.append(("assistant", answer.text, answer))


main()
