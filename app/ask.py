"""The chat page: ask, read the cited answer, open its sources."""

from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import date
from typing import Any

import streamlit as st

from app.access import server_path
from app.answer_html import answer_html, one_card_per_passage, rendering_html
from app.common import describe, editing, highlight_all, open_engine
from app.safety import href, inert
from rag.api import Engine, say, translation_note, version_note, versions
from rag.errors import RagError
from rag.types import Answer, Citation, Filters, IndexStats

MAX_PASSAGES = 15  # the Passages slider's top: a visitor's question reads at most this many
EXAMPLES = (
    "Cosa ha promesso Meloni?",
    "What did Putin say about the European changes to the peace plan?",
    "Chi ha guidato la delegazione americana a Parigi?",
)


def render_answer(engine: Engine, answer: Answer, key: str) -> None:
    """Notices, the answer (in the question's language first when its sources are not), then one card per passage."""
    if answer.notice:
        st.info(inert(answer.notice))
    if answer.standalone_question:
        st.caption(inert(say("read_as", answer.language, answer.standalone_question)))
    if answer.abstained:
        st.warning(inert(answer.text))
        return
    st.markdown(f'<div class="answer">{answer_html(answer, key)}</div>', unsafe_allow_html=True)
    if note := translation_note(answer):
        st.caption(inert(note))
    if answer.unsupported:
        st.caption(inert(say("unsupported", answer.language, len(answer.unsupported))))
    for d in answer.disagreements:
        st.warning(inert(say("disagree", answer.language, versions(d))))
    names = engine.labels(sorted({d for c in answer.citations for d in c.duplicates}))
    in_answer = {n for claim in answer.claims if claim.rendered for n in claim.citations}
    for group in one_card_per_passage(answer.citations):
        also_in = [names.get(d, d) for d in dict.fromkeys(d for c in group for d in c.duplicates)]
        render_card(engine, group, key, also_in=also_in, language=answer.language)
        for c in group:
            # A rendering already in the answer is not repeated; a withheld one says why under its card.
            if c.translation is not None and not (c.translation.shown and c.n in in_answer):
                st.markdown(rendering_html(c), unsafe_allow_html=True)
    if answer.rendering_hint:
        st.caption(inert(answer.rendering_hint))
    if answer.mode != "extractive":
        st.caption(inert(say("answered_by", answer.language, answer.mode)))


def rendered(engine: Engine, answer: Answer) -> Answer:
    """``answer`` with its sources in another language rendered in the question's (Apertium: tens of ms)."""
    if answer.abstained:
        return answer
    try:
        with st.spinner(say("rendering", answer.language)):
            return engine.render(answer)
    except RagError as exc:
        st.caption(inert(say("no_renderings", answer.language, exc)))
        return answer


def render_card(
    engine: Engine, group: list[Citation], key: str, *, also_in: list[str] | None = None, language: str = "en"
) -> None:
    """Title, outlet, date, the passage with each cited sentence highlighted, and the outlets reprinting it.

    One card holds every citation of one passage (``[1] [3]``), each marker linking to it.
    """
    c = group[0]
    # A model's sentence shows how well its source supports it; a quoted sentence needs no score.
    support = min((x.score for x in group if x.score_kind == "support"), default=None)
    page = f"p. {c.page}{' (OCR text)' if c.ocr else ''}" if c.page else ""
    meta = " · ".join(x for x in (c.outlet, c.date, page, f"support {support:.2f}" if support is not None else "") if x)
    version = version_note(c)
    original = say("original", language)
    url = href(c.link)  # http(s) only
    link = f' · <a href="{url}" target="_blank" rel="noopener noreferrer">{original}</a>' if url else ""
    document = engine.document(c.doc_id) or ""
    passage = document[c.passage_start : c.passage_end]
    spans = [(x.start, x.end, phrase_of(x)) for x in group]
    markers = " ".join(f"[{x.n}]" for x in group)
    anchors = "".join(f'<span id="src-{key}-{x.n}"></span>' for x in group[1:])
    st.markdown(
        f'<div id="src-{key}-{c.n}" class="source-card" data-doc="{html.escape(c.doc_id)}">{anchors}'
        f"<b>{markers} {inert(c.title)}</b><br>"
        f"<small>{inert(meta)}{link}</small><br>{highlight_all(passage, spans, c.passage_start)}"
        + (f'<br><small class="version">{inert(version)}</small>' if version else "")
        + (
            f'<br><small class="also-in">{inert(say("also_in", language, ", ".join(also_in)))}</small>'
            if also_in
            else ""
        )
        + "</div>",
        unsafe_allow_html=True,
    )
    if c.page and (span := engine.page_span(c.doc_id, c.page)):  # the page around the quote, as printed
        with st.expander(f"p. {c.page}"):
            on_page = [s for s in spans if span[0] <= s[0] < span[1]]
            body = highlight_all(document[span[0] : span[1]], on_page, span[0])
            st.markdown(f'<div class="article">{body}</div>', unsafe_allow_html=True)
    with st.expander(say("whole_article", language, markers)):
        st.markdown(f'<div class="article">{highlight_all(document, spans)}</div>', unsafe_allow_html=True)


def phrase_of(c: Citation) -> tuple[int, int] | None:
    return (c.answer_start, c.answer_end) if c.answer_start is not None and c.answer_end is not None else None


def sidebar(engine: Engine, stats: IndexStats) -> tuple[Filters, int, str]:
    """Index status, upload, filters and options; returns the filters, k and the answering mode."""
    with st.sidebar:
        st.subheader("Index")
        store, full = server_path(stats.store)
        st.markdown(f"{describe(stats)}  \nEmbedder: `{stats.embedder}`  \nStore: `{store}`", help=full)
        writable = editing(engine)
        st.subheader("Filters")
        outlets = st.multiselect("Outlet", stats.outlets)
        dates: tuple[date, ...] = ()
        if stats.date_min and stats.date_max:
            lo, hi = date.fromisoformat(stats.date_min), date.fromisoformat(stats.date_max)
            picked = st.date_input("Date range", value=(lo, hi), min_value=lo, max_value=hi)
            dates = tuple(picked) if isinstance(picked, tuple | list) else ()
        st.subheader("Answering")
        offered = dict(engine.offered_answerers())
        mode = st.selectbox(
            "Mode",
            list(offered),
            format_func=lambda name: f"{name} — {offered[name]}",
            help="The answerers this app offers (RAG_APP_ANSWERERS, or every one ready on this machine)",
        )
        if writable:  # a visitor picks from the owner's list; only an editor may name another model
            custom = st.text_input("Other model", placeholder="ollama:qwen2.5:3b", help="kind:model; leave empty")
            if custom.strip():
                try:
                    mode = engine.typed_answerer(custom)
                except RagError as exc:
                    st.error(inert(exc))
        k = st.slider("Passages", 1, MAX_PASSAGES, min(engine.settings.top_k, MAX_PASSAGES))
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
        st.error(inert(exc))
        return
    filters, k, mode = sidebar(engine, stats)
    st.caption(describe(stats))

    messages: list[tuple[str, str, Answer | None]] = st.session_state.setdefault("messages", [])
    for i, (role, text, answer) in enumerate(messages):
        with st.chat_message(role):
            if answer is None:
                st.markdown(inert(text))
            else:
                render_answer(engine, answer, str(i))

    # Streamlit cuts anything longer, whatever a client sends: one character over the limit reaches the
    # engine, which says how long the question may be instead of answering a cut-off one.
    question = st.chat_input(
        "Ask about the articles, in English or Italian", max_chars=engine.settings.max_question_chars + 1
    )
    if not messages and not question:
        st.write("Try one of these:")
        for example in EXAMPLES:
            if st.button(example):
                question = example
    if question:
        with st.chat_message("user"):
            st.markdown(inert(question))
        with st.chat_message("assistant"):
            history = [(r, t) for r, t, _ in messages]
            try:
                answer = stream_answer(engine, question, history=history, k=k, where=filters, mode=mode)
            except RagError as exc:
                st.error(inert(exc))
                return
            answer = rendered(engine, answer)
            render_answer(engine, answer, str(len(messages) + 1))
        messages.append(("user", question, None))
        messages.append(("assistant", answer.text, answer))


main()
