"""The answer as HTML: its sentences (the question's language first, the articles' words beneath), markers,
and an article's text with the cited spans highlighted.

Pure functions of an :class:`~rag.types.Answer`, kept apart from the pages (whose modules run
the app when imported), so they can be used and tested alone.
"""

from __future__ import annotations

import re

from app.safety import inert
from rag.api import answer_lines, rendering_label
from rag.types import Answer, Citation


def highlight(text: str, start: int, end: int, offset: int = 0, phrase: tuple[int, int] | None = None) -> str:
    """``text`` as HTML with ``[start, end)`` (article offsets) marked, and the answer ``phrase`` inside it in bold."""
    return highlight_all(text, [(start, end, phrase)], offset)


def highlight_all(text: str, spans: list[tuple[int, int, tuple[int, int] | None]], offset: int = 0) -> str:
    """``text`` as HTML with each ``(start, end, phrase)`` span (article offsets) marked, its phrase in bold."""
    out, pos = [], 0
    for start, end, phrase in sorted(spans, key=lambda s: s[0]):
        a, b = max(start - offset, pos), end - offset
        if b <= a:
            continue  # within a span already marked
        sentence = text[a:b]
        inner = inert(sentence)
        if phrase is not None and a + offset <= phrase[0] < phrase[1] <= end:
            p, q = phrase[0] - offset - a, phrase[1] - offset - a
            inner = (
                inert(sentence[:p]) + f'<b class="answer-phrase">{inert(sentence[p:q])}</b>'
                + inert(sentence[q:])
            )  # fmt: skip
        out.append(inert(text[pos:a]) + f"<mark>{inner}</mark>")
        pos = b
    out.append(inert(text[pos:]))
    return "".join(out).replace("\n", "<br>")


def rendering_html(c: Citation) -> str:
    """The machine translation under a card, labelled; or why it was withheld (in the rendering's language)."""
    r = c.translation
    assert r is not None
    label = inert(rendering_label(c))
    if not r.shown:
        return f'<div class="rendering withheld"><small>{label}</small></div>'
    rendering = f'<span lang="{inert(r.language)}">{inert(r.text)}</span>'
    return f'<div class="rendering"><small>{label}</small><br>{rendering}</div>'


ATTRIBUTED = "The model gave this sentence no source; the checker found the passage that says it"


def answer_html(answer: Answer, key: str) -> str:
    """The answer as HTML: markers link to source cards, unsupported sentences are marked."""

    def link(n: int) -> str:
        return f'<a href="#src-{key}-{n}">[{n}]</a>'

    if not answer.claims:
        # The markers become links and everything between them stays text.
        pieces = re.split(r"\[(\d+)\]", answer_lines(answer)[0].text)
        return "".join(link(int(p)) if i % 2 else inert(p) for i, p in enumerate(pieces))
    parts = []
    for line in answer_lines(answer):
        markers = "".join(link(n) for n in line.citations)
        sentence = inert(line.text)
        if line.status == "unsupported":
            sentence = f'<span class="unsupported" title="Not supported by the cited passages">{sentence} ⚠</span>'
        elif line.status == "attributed":
            sentence = f'<span class="attributed" title="{ATTRIBUTED}">{sentence}</span>'
        reported = f' <small class="sources">{inert(line.reported_by)}</small>' if line.reported_by else ""
        # A rendered sentence: the article's words right beneath it.
        verbatim = "".join(
            f'<span class="verbatim" lang="{inert(q.language or "")}">“{inert(q.quote)}” [{q.n}]</span>'
            for q in line.originals
        )
        parts.append(f'<span class="claim">{sentence} {markers}{reported}{verbatim}</span>'.strip())
    return " ".join(parts)


def one_card_per_passage(citations: tuple[Citation, ...]) -> list[list[Citation]]:
    """The citations grouped by the passage they quote from, in the order of their first citation."""
    groups: dict[tuple[str, int, int], list[Citation]] = {}
    for c in citations:
        groups.setdefault((c.doc_id, c.passage_start, c.passage_end), []).append(c)
    return list(groups.values())
