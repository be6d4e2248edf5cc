"""The chat page: ask, watch the answer being made, read it cited, open its sources; a reload keeps the chat."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date
from typing import Any

import streamlit as st

from app.access import server_path
from app.answer_view import render_answer
from app.chats import Chats, Message, new_id, valid
from app.engine import describe, open_engine
from app.safety import inert
from app.widgets import editing
from rag.api import Answer, Engine, Status, say
from rag.errors import RagError
from rag.types import Filters, IndexStats

MAX_PASSAGES = 15  # the Passages slider's top: a visitor's question reads at most this many
EXAMPLES = (
    "Cosa ha promesso Meloni?",
    "What did Putin say about the European changes to the peace plan?",
    "Chi ha guidato la delegazione americana a Parigi?",
)


def sidebar(engine: Engine, stats: IndexStats) -> tuple[Filters, int, str]:
    """Index status, upload, filters and options; returns the filters, k and the answering mode."""
    with st.sidebar:
        st.button(say("new_chat", None), on_click=new_chat, icon=":material/add_comment:")
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


def chats(engine: Engine) -> Chats:
    """Where this index's chats are kept (beside it)."""
    return Chats(engine.settings.persist_dir / "chats")


def conversation(engine: Engine) -> list[Message]:
    """This tab's chat: the session's, or after a reload the one the address names (``?chat=``)."""
    if "messages" not in st.session_state:
        asked = st.query_params.get("chat")
        kept = chats(engine).load(asked) if valid(asked) else None
        st.session_state.messages = kept or []
        st.session_state.chat_id = asked if kept else new_id()
    messages: list[Message] = st.session_state.messages
    return messages


def new_chat() -> None:
    """Start afresh: an empty chat under a new id (the old one stays at its address until it expires)."""
    st.session_state.messages = []
    st.session_state.chat_id = new_id()
    st.query_params.pop("chat", None)


def keep(engine: Engine, messages: list[Message]) -> None:
    """Save the chat on the server and put its id in the address, so a reload shows it again."""
    if chats(engine).save(st.session_state.chat_id, messages):
        st.query_params["chat"] = st.session_state.chat_id


def answer_with_status(engine: Engine, question: str, **kwargs: Any) -> Answer | None:
    """Answer ``question`` showing each step in a status line, the text as it comes, then the renderings.

    Returns None after showing a one-line error.
    """
    began = time.perf_counter()
    holder = st.empty()
    status = holder.status("…", expanded=False)

    def told(step: Status) -> None:
        status.update(label=say(f"status_{step.step}", step.language, step.count))

    final: list[Answer] = []

    def words() -> Iterator[str]:
        for item in engine.ask_stream(question, status=told, **kwargs):
            if isinstance(item, Answer):
                final.append(item)
            else:
                yield item

    draft = st.empty()
    try:
        with draft.container():
            st.write_stream(words())
    except RagError as exc:
        draft.empty()
        holder.error(inert(exc))  # the one line in place of the status
        return None
    answer = final[-1]
    if not answer.abstained:
        status.update(label=say("status_rendering", answer.language))
        try:
            answer = engine.render(answer)
        except RagError as exc:
            st.caption(inert(say("no_renderings", answer.language, exc)))
    status.update(label=say("status_done", answer.language, time.perf_counter() - began), state="complete")
    draft.empty()
    return answer


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
    messages = conversation(engine)
    filters, k, mode = sidebar(engine, stats)
    st.caption(describe(stats))
    for i, m in enumerate(messages):
        with st.chat_message(m.role):
            if m.answer is None:
                st.markdown(inert(m.text))
            else:
                render_answer(engine, m.answer, str(i))

    # Streamlit cuts anything longer, whatever a client sends: one character over the limit reaches the
    # engine, which says how long the question may be instead of answering a cut-off one.
    question = st.chat_input(
        "Ask about the articles, in English or Italian", max_chars=engine.settings.max_question_chars + 1
    )
    question = question or st.session_state.pop("example", None)
    examples = st.empty()  # cleared at once when a conversation starts, not left greyed out beneath it
    if not messages and not question:
        with examples.container():
            st.write("Try one of these:")
            for example in EXAMPLES:
                st.button(example, on_click=st.session_state.update, kwargs={"example": example})
    if not question:
        return
    with st.chat_message("user"):
        st.markdown(inert(question))
    with st.chat_message("assistant"):
        history = [(m.role, m.text) for m in messages]
        answer = answer_with_status(engine, question, history=history, k=k, where=filters, mode=mode)
        if answer is None:
            return
        render_answer(engine, answer, str(len(messages) + 1))
    messages += [Message("user", question), Message("assistant", answer.text, answer)]
    keep(engine, messages)


main()
