"""The "Who said what" page: pick a person, read their quotes by date, each with its highlighted source."""

from __future__ import annotations

import streamlit as st

from app.answer_html import highlight
from app.engine import open_engine
from app.safety import inert
from rag.api import say
from rag.errors import RagError
from rag.types import Rendering

# The page does not know the reader's language until asked: the articles' own words by default.
READ_IN = {"the articles' language": None, "English": "en", "Italiano": "it"}


def main() -> None:
    st.title("Who said what")
    engine = open_engine()
    if engine is None:
        return
    try:
        counts = dict(engine.people())
    except RagError as exc:
        st.error(inert(exc))
        return
    if not counts:
        st.info("No article in the index quotes anyone by name.")
        return
    people = list(counts)
    speaker = st.selectbox(
        "Person", people, format_func=lambda n: f"{n} ({counts[n]})", help="by how often the articles quote them"
    )
    kinds = st.radio("Show", ["direct quotes", "reported speech too"], horizontal=True)
    read_in = st.radio(
        "Read in",
        list(READ_IN),
        horizontal=True,
        help="Quotes from articles in another language, machine-translated",
    )
    chosen = [q for q in engine.quotes(speaker) if kinds != "direct quotes" or q.kind == "direct"]
    st.caption(inert(f"{len(chosen)} quote(s) of {speaker}, newest first; undated articles last."))
    renderings: list[Rendering | None] = [None] * len(chosen)
    if target := READ_IN[read_in]:
        try:
            renderings = engine.render_quotes(chosen, language=target)
        except RagError as exc:
            st.caption(inert(f"No renderings: {exc}"))
    if any(r is not None and r.shown for r in renderings):
        used = sorted({r.translator for r in renderings if r is not None and r.shown})
        st.caption(inert(say("quotes_note", target, ", ".join(used))))
    titles = engine.stats().titles
    for i, (q, r) in enumerate(zip(chosen, renderings, strict=True)):
        with st.container(border=True, key=f"quote-{i}"):
            head = f"**{inert(q.date or 'undated')}** · {inert(titles.get(q.doc_id, q.doc_id))}"
            if q.speaker_mention and q.speaker_mention != q.speaker:
                head += f" · as “{inert(q.speaker_mention)}”"
            st.markdown(head)
            said = f"«{q.text}»" if q.kind == "direct" else q.text
            if r is not None and r.shown:  # the reader's language first, the article's words beneath
                rendered = f"«{r.text}»" if q.kind == "direct" else r.text
                st.markdown(
                    f'<blockquote class="quote-rendered" lang="{inert(r.language)}">{inert(rendered)}'
                    f'<span class="verbatim">{inert(said)}</span></blockquote>',
                    unsafe_allow_html=True,
                )
            else:
                st.markdown(f"> {inert(said)}")
                if r is not None:
                    st.caption(inert(say("quote_withheld", r.language, r.withheld)))
            if q.kind != "direct":
                st.caption("reported speech")
            with st.expander("Source"):
                document = engine.document(q.doc_id) or ""
                st.markdown(f'<div class="article">{highlight(document, q.start, q.end)}</div>', unsafe_allow_html=True)


main()
