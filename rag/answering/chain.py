"""Generative answers as a LangChain runnable.

condense (with history) -> retrieve -> number the passages -> prompt -> chat
model -> text -> verify -> :class:`Answer`. ``stream`` runs the same pieces
and yields the text as the model writes it, then the verified answer.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import Runnable, RunnableLambda, RunnablePassthrough

from rag.answering.extractive import ABSTAIN
from rag.answering.followup import History, user_turns
from rag.errors import ConfigError, RagError
from rag.text.language import LANGUAGE_NAMES
from rag.text.question import language
from rag.types import Answer, Passage

PROMPTS = Path(__file__).resolve().parents[2] / "prompts"

Retrieve = Callable[[str], list[Passage]]
Verify = Callable[..., Answer]


@cache
def template(name: str) -> str:
    """The text of ``prompts/<name>.txt``."""
    path = PROMPTS / f"{name}.txt"
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        raise ConfigError(f"prompt template {path} is missing; restore it from the repository.") from None


def answer_prompt() -> ChatPromptTemplate:
    """System + user prompt; inputs ``language_name``, ``refusal``, ``passages``, ``question``."""
    return ChatPromptTemplate.from_messages([("system", template("system")), ("human", template("user"))])


def condense_prompt() -> ChatPromptTemplate:
    """Follow-up rewrite prompt; inputs ``history`` and ``question``."""
    return ChatPromptTemplate.from_messages([("human", template("condense"))])


def number_passages(passages: list[Passage]) -> str:
    """Passages as delimited, numbered data blocks for the prompt.

    Markup inside article text is escaped so an article cannot close its own
    ``<passage>`` block and pose as instructions.
    """
    blocks = []
    for n, p in enumerate(passages, 1):
        attrs = f'n="{n}" title="{html.escape(p.title)}" date="{p.date or ""}" outlet="{html.escape(p.outlet or "")}"'
        blocks.append(f"<passage {attrs}>\n{html.escape(p.text, quote=False)}\n</passage>")
    return "\n\n".join(blocks)


def format_history(history: History | None, limit: int = 6) -> str:
    """The last turns of a conversation as plain lines for the condense prompt."""
    lines = []
    for turn in list(history or ())[-limit:]:
        role, text = (turn.get("role", ""), turn.get("content", "")) if isinstance(turn, dict) else turn
        who = "User" if role in ("user", "human") else "Assistant"
        lines.append(f"{who}: {' '.join(str(text).split())}")
    return "\n".join(lines)


class LLMChain:
    """The generative answer chain around one chat model.

    Args:
        model: A LangChain chat model (or any runnable taking prompt messages).
        retrieve: Question -> passages, best first.
        check: :func:`rag.answering.verify.verify` with the store, embedder and
            threshold bound (keyword arguments ``raw``, ``question``,
            ``passages``, ``language``, ``mode``).
        mode: The answerer's name, recorded on each answer.
    """

    def __init__(self, *, model: Any, retrieve: Retrieve, check: Verify, mode: str) -> None:
        self.model = model
        self.mode = mode
        self._check = check
        condense = condense_prompt() | model | StrOutputParser()
        self.prepare: Runnable[dict[str, Any], dict[str, Any]] = RunnablePassthrough.assign(
            standalone=RunnableLambda(lambda x: _condense(condense, x))
        ) | RunnablePassthrough.assign(passages=RunnableLambda(lambda x: retrieve(x["standalone"]))).assign(
            language=RunnableLambda(lambda x: language(x["standalone"]))
        ).assign(prompt_inputs=RunnableLambda(_prompt_inputs))
        self.generate: Runnable[dict[str, Any], str] = answer_prompt() | model | StrOutputParser()
        self.chain: Runnable[dict[str, Any], Answer] = (
            self.prepare
            | RunnablePassthrough.assign(raw=RunnableLambda(lambda x: x["prompt_inputs"]) | self.generate)
            | RunnableLambda(self._finish)
        )

    def invoke(self, question: str, *, history: History | None = None) -> Answer:
        """The verified answer to ``question``."""
        return self.chain.invoke({"question": question, "history": history})

    def stream(self, question: str, *, history: History | None = None) -> Iterator[str | Answer]:
        """Yield the answer's text as the model writes it, then the verified :class:`Answer`."""
        state = self.prepare.invoke({"question": question, "history": history})
        pieces: list[str] = []
        for piece in self.generate.stream(state["prompt_inputs"]):
            pieces.append(piece)
            yield piece
        yield self._finish({**state, "raw": "".join(pieces)})

    def _finish(self, state: dict[str, Any]) -> Answer:
        answer = self._check(
            raw=state["raw"],
            question=state["question"],
            passages=state["passages"],
            language=state["language"],
            mode=self.mode,
        )
        changed = state["standalone"] != state["question"]
        return replace(answer, standalone_question=state["standalone"] if changed else None)


def stream_or_fallback(
    chain: LLMChain,
    question: str,
    *,
    history: History | None,
    explain: Callable[[Exception], str],
    fallback: Callable[[str], Answer],
) -> Iterator[str | Answer]:
    """Stream ``chain``'s answer; if the model fails or no sentence of it has a source, end with ``fallback(why)``.

    Errors of our own (a missing index, a bad question) are not the model's
    fault and propagate.
    """
    answer: Answer | None = None
    try:
        for item in chain.stream(question, history=history):
            if isinstance(item, Answer):
                answer = item
            else:
                yield item
    except RagError:
        raise
    except Exception as exc:  # whatever the backend raised: unreachable, timeout, bad reply
        yield fallback(explain(exc))
        return
    assert answer is not None
    if not answer.abstained and not any(c.citations for c in answer.claims):
        # Neither the model's markers nor the verifier's search found a source for any sentence.
        yield fallback("its reply cited none of the passages, and none of them says what it wrote")
        return
    yield answer


def _condense(condense: Runnable[dict[str, Any], str], state: dict[str, Any]) -> str:
    question: str = state["question"]
    if not user_turns(state.get("history")):
        return question
    rewritten = " ".join(condense.invoke({"history": format_history(state["history"]), "question": question}).split())
    # A model that rambles or returns nothing does not get to replace the question.
    return rewritten if 0 < len(rewritten) <= 4 * len(question) + 200 else question


def _prompt_inputs(state: dict[str, Any]) -> dict[str, str]:
    lang = state["language"]
    return {
        "language_name": LANGUAGE_NAMES.get(lang, "English"),
        "refusal": ABSTAIN.get(lang, ABSTAIN["en"]),
        "passages": number_passages(state["passages"]),
        "question": state["standalone"],
    }
