"""The answer as HTML: its sentences (the question's language first, the articles' words beneath), markers.

Pure functions of an :class:`~rag.types.Answer`, kept apart from the pages (whose modules run
the app when imported), so they can be used and tested alone.
"""

from __future__ import annotations

import html
import re

from rag.types import Answer, Citation

# The words around an answer, in the question's language (the page knows it once a question is asked).
WORDS = {
    "en": {
        "read_as": "Read as: {}",
        "unsupported": "{} sentence(s) underlined in red are not supported by the cited articles.",
        "disagree": "Sources disagree: {}",
        "answered_by": "Answered by {}",
        "rendering": "Rendering the sources in the question's language…",
        "no_renderings": "No renderings: {}",
        "whole_article": "Whole article {}",
        "also_in": "also in: {}",
        "original": "original",
        "withheld": "Machine translation of [{}] withheld: {}.",
        "translation_of": "Machine translation of [{}] ({}), not the article's words:",
    },
    "it": {
        "read_as": "Letta come: {}",
        "unsupported": "Frasi sottolineate in rosso, non sostenute dagli articoli citati: {}.",
        "disagree": "Le fonti non concordano: {}",
        "answered_by": "Risposta di {}",
        "rendering": "Traduzione delle fonti nella lingua della domanda…",
        "no_renderings": "Nessuna traduzione: {}",
        "whole_article": "Articolo intero {}",
        "also_in": "anche in: {}",
        "original": "originale",
        "withheld": "Traduzione automatica di [{}] non mostrata: {}.",
        "translation_of": "Traduzione automatica di [{}] ({}), non le parole dell'articolo:",
    },
}


def say(key: str, language: str, *values: object) -> str:
    """The words for ``key`` in ``language`` (English when the page has no words in it)."""
    return WORDS.get(language, WORDS["en"])[key].format(*values)


def rendering_html(c: Citation) -> str:
    """The machine translation under a card, labelled; or why it was withheld (in the rendering's language)."""
    r = c.translation
    assert r is not None
    if not r.shown:
        why = html.escape(say("withheld", r.language, c.n, r.withheld or ""))
        return f'<div class="rendering withheld"><small>{why}</small></div>'
    label = html.escape(say("translation_of", r.language, c.n, r.translator))
    return (
        f'<div class="rendering"><small>{label}</small><br><span lang="{r.language}">{html.escape(r.text)}</span></div>'
    )


ATTRIBUTED = "The model gave this sentence no source; the checker found the passage that says it"


def answer_html(answer: Answer, key: str) -> str:
    """The answer as HTML: markers link to source cards, unsupported sentences are marked."""

    def link(n: int) -> str:
        return f'<a href="#src-{key}-{n}">[{n}]</a>'

    if not answer.claims:
        return re.sub(r"\[(\d+)\]", lambda m: link(int(m.group(1))), html.escape(answer.rendered_text or answer.text))
    quotes = {c.n: c for c in answer.citations}
    parts = []
    for c in answer.claims:
        markers = "".join(link(n) for n in c.citations)
        sentence = html.escape(c.rendered or c.text)
        if not c.supported:
            sentence = f'<span class="unsupported" title="Not supported by the cited passages">{sentence} ⚠</span>'
        elif c.attributed:
            sentence = f'<span class="attributed" title="{ATTRIBUTED}">{sentence}</span>'
        # Said where it tells something: more than one source, or one source printed by several articles.
        several = len(c.sources) > 1 or sum(len(s) for s in c.sources) > 1
        reported = f' <small class="sources">{html.escape(c.reported_by())}</small>' if several else ""
        verbatim = ""
        if c.rendered:  # the sentence is a machine translation: the article's words right beneath it
            originals = [quotes[n] for n in c.citations if n in quotes]
            verbatim = "".join(
                f'<span class="verbatim" lang="{html.escape(q.language or "")}">“{html.escape(q.quote)}” [{q.n}]</span>'
                for q in originals
            )
        parts.append(f'<span class="claim">{sentence} {markers}{reported}{verbatim}</span>'.strip())
    return " ".join(parts)


def one_card_per_passage(citations: tuple[Citation, ...]) -> list[list[Citation]]:
    """The citations grouped by the passage they quote from, in the order of their first citation."""
    groups: dict[tuple[str, int, int], list[Citation]] = {}
    for c in citations:
        groups.setdefault((c.doc_id, c.passage_start, c.passage_end), []).append(c)
    return list(groups.values())
