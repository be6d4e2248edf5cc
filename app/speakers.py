"""The "Who said what" page: pick a person, read their quotes by date, each with its highlighted source."""

from __future__ import annotations

import streamlit as st

from app.common import highlight, open_engine
from rag.errors import RagError


def main() -> None:
    st.title("Who said what")
    engine = open_engine()
    if engine is None:
        return
    try:
        counts = dict(engine.people())
    except RagError as exc:
        st.error(str(exc))
        return
    if not counts:
        st.info("No article in the index quotes anyone by name.")
        return
    people = list(counts)
    speaker = st.selectbox(
        "Person", people, format_func=lambda n: f"{n} ({counts[n]})", help="by how often the articles quote them"
    )
    kinds = st.radio("Show", ["direct quotes", "reported speech too"], horizontal=True)
    chosen = [q for q in engine.quotes(speaker) if kinds != "direct quotes" or q.kind == "direct"]
    st.caption(f"{len(chosen)} quote(s) of {speaker}, newest first; undated articles last.")
    titles = engine.stats().titles
    for i, q in enumerate(chosen):
        with st.container(border=True, key=f"quote-{i}"):
            head = f"**{q.date or 'undated'}** · {titles.get(q.doc_id, q.doc_id)}"
            if q.speaker_mention and q.speaker_mention != q.speaker:
                head += f" · as “{q.speaker_mention}”"
            st.markdown(head)
            if q.kind == "direct":
                st.markdown(f"> «{q.text}»")
            else:
                st.markdown(f"> {q.text}  \n*reported speech*")
            with st.expander("Source"):
                document = engine.document(q.doc_id) or ""
                st.markdown(f'<div class="article">{highlight(document, q.start, q.end)}</div>', unsafe_allow_html=True)


main()
