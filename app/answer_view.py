"""One answer on the page: notices, its sentences with their markers, a card per passage, a copy box.

Used by the chat (app/ask.py) for each answer, new or kept from before a reload.
"""

from __future__ import annotations

import html

import streamlit as st

from app.answer_html import answer_html, highlight_all, one_card_per_passage, rendering_html
from app.safety import href, inert
from rag.api import Answer, Engine, copy_text, say, translation_note, version_note, versions
from rag.types import Citation


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
    with st.expander(say("copy", answer.language)):
        # A code block's own button copies it: the answer with its sources numbered, as plain text.
        st.code(copy_text(answer), language=None, wrap_lines=True)


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
