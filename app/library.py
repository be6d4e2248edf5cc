"""The library page: the followed feeds, and every indexed article, to open, re-ingest or delete."""

from __future__ import annotations

import streamlit as st

from app.access import server_path
from app.engine import describe, open_engine
from app.safety import href, inert
from app.widgets import editing
from rag.api import Engine, feed_summary, file_summary
from rag.errors import RagError
from rag.types import ArticleInfo


def article_card(engine: Engine, article: ArticleInfo, *, writable: bool) -> None:
    """Title, metadata and the actions for one article."""
    facts = [
        article.outlet,
        (f"{article.date} (inferred from the text)" if article.date_inferred else article.date) or "undated",
        article.author,
        f"{article.passages} passages",
    ]
    if article.indexed_at:
        facts.append(f"added {article.indexed_at.replace('T', ' ').removesuffix('+00:00')} UTC")
    if article.updated:
        facts.append(f"updated {article.updated}")
    if article.versions:
        facts.append(f"{article.versions} earlier version(s) kept")
    if article.keyword_only:
        facts.append("keyword search only until embedded")
    with st.container(border=True, key=f"article-{article.doc_id}"):
        line = inert(" · ".join(f for f in facts if f))
        st.markdown(f"**{inert(article.title)}**  \n<small>{line}</small>", unsafe_allow_html=True)
        # Where it came from, never the index's internal id: the page's address, or the file's name.
        if url := href(article.source):
            st.markdown(
                f'<small><a href="{url}" target="_blank" rel="noopener noreferrer">{inert(article.source)}</a></small>',
                unsafe_allow_html=True,
            )
        else:
            name, full = server_path(article.source)
            st.caption(inert(name), help=full)
        show, again, delete = st.columns(3)
        if show.toggle("Open", key=f"open-{article.doc_id}"):
            text = engine.document(article.doc_id) or ""
            body = inert(text).replace("\n", "<br>")
            st.markdown(f'<div class="article">{body}</div>', unsafe_allow_html=True)
        if not writable:
            return
        if again.button("Re-ingest", key=f"again-{article.doc_id}", help="read the file (or page) again and index it"):
            try:
                report = engine.reingest(article.doc_id)
                line, _ = file_summary(article.title, report, engine.articles())
                st.session_state["library_notice"] = line
            except RagError as exc:
                st.session_state["library_notice"] = f"error: {exc}"
            st.rerun()
        with delete.popover("Delete", help="take it out of the index"):
            st.write("Its passages and vectors leave the index; answers stop citing it at once.")
            if st.button("Delete for good", key=f"delete-{article.doc_id}", type="primary"):
                try:
                    engine.remove([article.doc_id])
                    st.session_state["library_notice"] = f"Deleted {article.title}."
                except RagError as exc:
                    st.session_state["library_notice"] = f"error: {exc}"
                st.rerun()


def feeds_panel(engine: Engine, *, writable: bool) -> None:
    """The followed feeds with their last refresh, a box to follow one, and the refresh button."""
    st.subheader("Feeds")
    for feed in engine.feeds():
        when = feed.refreshed_at.replace("T", " ").removesuffix("+00:00") + " UTC" if feed.refreshed_at else "never"
        st.markdown(f"**{inert(feed.title or feed.url)}** <small>{inert(feed.url)} · last refresh: "
                    f"{when} · {feed.items} item(s)</small>", unsafe_allow_html=True)  # fmt: skip
    if not writable:
        return
    with st.form("add-feed", clear_on_submit=True, border=False):
        url = st.text_input("Follow a feed", placeholder="https://… an RSS or Atom feed")
        if st.form_submit_button("Follow") and url.strip():
            try:
                feed = engine.add_feed(url.strip())
                st.session_state["library_notice"] = f"Following {feed.title or feed.url}; refresh to ingest its items."
            except RagError as exc:
                st.session_state["library_notice"] = f"error: {exc}"
            st.rerun()
    if engine.feeds() and st.button("Refresh feeds", help="ingest the new and changed items of every feed"):
        with st.spinner("Refreshing feeds…"):
            reports = engine.refresh_feeds()
        for report in reports:
            (st.error if report.problem else st.success)(inert(feed_summary(report)))
            for problem in report.skipped_items:
                st.warning(inert(problem))
            for s in report.ingest.skipped if report.ingest else ():
                st.warning(inert(f"{s.path} skipped: {s.reason}"))
        engine.embed_in_background()


def main() -> None:
    st.title("Library")
    engine = open_engine()
    if engine is None:
        return
    with st.sidebar:
        writable = editing(engine)
    notice = st.session_state.pop("library_notice", None)
    if notice:
        (st.error if notice.startswith("error: ") else st.success)(inert(notice.removeprefix("error: ")))
    try:
        feeds_panel(engine, writable=writable)  # first: a refresh's new articles are then in the list below
        articles = engine.articles()
        st.caption(describe(engine.stats()))
    except RagError as exc:
        st.error(inert(exc))
        return
    st.subheader("Articles")
    if not articles:
        st.info("No articles yet: add some with the upload box, or `python -m rag ingest FOLDER`.")
    for article in articles:
        article_card(engine, article, writable=writable)


main()
