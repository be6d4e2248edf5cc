"""Renderings of an answer's cited sentences in the question's language.

Runs after the answer is shown, on its few cited sentences only, and caches
each rendering by sentence (article, span, target language, translator). A
rendering is attached to its citation only after the faithfulness check
(rag/translation/faithfulness.py) has had its say; a withheld one carries why.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import numpy as np

from rag.display import say
from rag.errors import RagError
from rag.text.language import LANGUAGE_NAMES
from rag.translation.faithfulness import missing_names, withheld_because
from rag.translation.translators import INSTALL_HINT, Translator
from rag.types import Answer, Citation, Rendering
from vectorstore.embedders.factory import Embedder

Key = tuple[str, int, int, str, str]


class RenderingCache:
    """Renderings by sentence, least recently used dropped first (thread-safe)."""

    def __init__(self, size: int = 2048) -> None:
        self.size = size
        self._items: OrderedDict[Key, Rendering] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Key) -> Rendering | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: Key, rendering: Rendering) -> None:
        with self._lock:
            self._items[key] = rendering
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


def foreign(answer: Answer, languages: Mapping[str, str]) -> list[Citation]:
    """The citations of ``answer`` whose article is not in the question's language."""
    return [c for c in answer.citations if languages.get(c.doc_id, answer.language) != answer.language]


def render(
    answer: Answer,
    *,
    languages: Mapping[str, str],
    translators: Sequence[Translator],
    embedder: Embedder,
    bar: float,
    cache: RenderingCache,
) -> Answer:
    """``answer`` with a :class:`Rendering` on each citation whose article's language is not the question's.

    Args:
        answer: The answer as shown.
        languages: Each cited article's language, by doc id.
        translators: In fallback order: a rendering the check withholds is
            made again by the next one. Empty when none is installed: the
            answer then gets a ``rendering_hint`` saying how to install one.
        embedder: The multilingual E5 embedder, for the meaning check.
        bar: The fitted minimum cross-lingual cosine (rag/fitted.py).
        cache: Renderings already made.
    """
    target = answer.language
    todo = foreign(answer, languages)
    if not todo:
        return answer
    if not translators:
        sources = sorted({LANGUAGE_NAMES.get(languages[c.doc_id], languages[c.doc_id]) for c in todo})
        hint = (
            f"The {' and '.join(sources)} sources are quoted verbatim; to see them rendered in "
            f"{LANGUAGE_NAMES.get(target, target)} too, install a translator with {INSTALL_HINT}."
        )
        return replace(answer, rendering_hint=hint)
    order = ",".join(t.name for t in translators)

    def key(c: Citation) -> Key:
        return (c.doc_id, c.start, c.end, target, order)

    made = {key(c): found for c in todo if (found := cache.get(key(c))) is not None}
    by_source: dict[str, list[str]] = {}
    for c in todo:
        if key(c) not in made:
            by_source.setdefault(languages[c.doc_id], []).append(c.quote)
    for source, quotes in by_source.items():
        rendered = rendered_quotes(list(dict.fromkeys(quotes)), source=source, target=target, translators=translators,
                                   embedder=embedder, bar=bar)  # fmt: skip
        for c in todo:
            if languages[c.doc_id] == source and c.quote in rendered:
                made[key(c)] = rendered[c.quote]
                cache.put(key(c), rendered[c.quote])
    citations = tuple(
        replace(c, language=languages.get(c.doc_id), translation=made.get(key(c))) for c in answer.citations
    )
    return in_question_language(replace(answer, citations=citations))


def render_spans(
    spans: Sequence[tuple[str, int, int, str]],
    *,
    target: str,
    languages: Mapping[str, str],
    translators: Sequence[Translator],
    embedder: Embedder,
    bar: float,
    cache: RenderingCache,
) -> list[Rendering | None]:
    """A checked rendering in ``target`` of each ``(doc_id, start, end, text)`` whose article is in another language.

    None for a text already in ``target`` (or with no translator); cached by span like an answer's citations.
    """
    order = ",".join(t.name for t in translators)
    out: list[Rendering | None] = [None] * len(spans)
    todo: dict[str, list[int]] = {}
    for i, (doc_id, start, end, _) in enumerate(spans):
        source = languages.get(doc_id, target)
        if source == target or not translators:
            continue
        found = cache.get((doc_id, start, end, target, order))
        if found is not None:
            out[i] = found
        else:
            todo.setdefault(source, []).append(i)
    for source, indexes in todo.items():
        texts = list(dict.fromkeys(spans[i][3] for i in indexes))
        made = rendered_quotes(texts, source=source, target=target, translators=translators, embedder=embedder, bar=bar)
        for i in indexes:
            doc_id, start, end, text = spans[i]
            out[i] = made[text]
            cache.put((doc_id, start, end, target, order), made[text])
    return out


def in_question_language(answer: Answer) -> Answer:
    """``answer`` with ``rendered_text`` and each claim's ``rendered``: quotes swapped for their shown renderings.

    A quote the answer gives whole is replaced; a quote given in part (a speaker's
    words cut from their sentence) stays verbatim, since its sentence's
    rendering need not hold the same part; the citation still carries it.
    """
    shown = {c.n: (c.quote, c.translation.text) for c in answer.citations if c.translation and c.translation.shown}
    if not shown:
        return answer

    def swapped(text: str, numbers: Sequence[int]) -> str | None:
        out = text
        for n in numbers:
            if n in shown and shown[n][0] in out:
                out = out.replace(shown[n][0], shown[n][1])
        return out if out != text else None

    claims = tuple(replace(c, rendered=swapped(c.text, c.citations)) for c in answer.claims)
    return replace(answer, claims=claims, rendered_text=swapped(answer.text, sorted(shown)))


def rendered_quotes(
    quotes: list[str], *, source: str, target: str, translators: Sequence[Translator], embedder: Embedder, bar: float
) -> dict[str, Rendering]:
    """Each quote's rendering by the first translator whose rendering passes the check.

    Else the first withheld rendering that has a text, with the check's reason.
    """
    out: dict[str, Rendering] = {}
    left = quotes
    for translator in translators:
        if not left:
            break
        for quote, rendering in zip(left, checked(left, source=source, target=target, translator=translator,
                                                  embedder=embedder, bar=bar), strict=True):  # fmt: skip
            # A shown rendering wins; so does any rendering over a failed translator's empty one.
            if quote not in out or rendering.shown or not out[quote].text:
                out[quote] = rendering
        left = [q for q in left if not out[q].shown]
    return out


def checked(
    quotes: list[str], *, source: str, target: str, translator: Translator, embedder: Embedder, bar: float
) -> list[Rendering]:
    """``translator``'s renderings of ``quotes``, each with the faithfulness check's verdict.

    A translator that fails (times out, is gone) withholds its renderings with
    the reason, so the next one in the order gets its turn and the answer, already
    shown, never fails for want of a rendering.
    """
    try:
        texts = translator.translate(quotes, source=source, target=target)
    except RagError as exc:
        why = say("why_failed", target, exc)
        return [Rendering("", target, translator.name, withheld=why) for _ in quotes]
    with ThreadPoolExecutor(max_workers=2) as pool:
        # Names the renderings spell differently, in their other-language form ("Stati Uniti" -> "United
        # States"), and words slid in from another quote, looked up while the renderings are embedded.
        names = list(dict.fromkeys(n for q, t in zip(quotes, texts, strict=True) for n in missing_names(q, t)))
        renamed = pool.submit(_alone, names, source=source, target=target, translator=translator)
        slid = pool.submit(_strays, quotes, texts, source=source, target=target)
        vectors = embedder.embed_query(quotes + texts)
        alone, strays = renamed.result(), slid.result()
    cosines = np.sum(vectors[: len(quotes)] * vectors[len(quotes) :], axis=1)
    return [
        Rendering(
            text=text,
            language=target,
            translator=translator.name,
            withheld=withheld_because(
                quote,
                text,
                source_language=source,
                target_language=target,
                cosine=float(cosine),
                bar=bar,
                name_renderings=alone,
                strays=stray,
            ),
        )
        for quote, text, cosine, stray in zip(quotes, texts, cosines, strays, strict=True)
    ]


def _alone(names: list[str], *, source: str, target: str, translator: Translator) -> dict[str, str]:
    """Each name as ``translator`` renders it alone (Apertium's from its name list, without a rendering)."""
    if not names:
        return {}
    forms = getattr(translator, "name_forms", None)
    try:
        if forms is not None:
            return dict(forms(names, source=source, target=target))
        return dict(zip(names, translator.translate(names, source=source, target=target), strict=True))
    except RagError:  # then a name counts as kept only as written or spelt alike
        return {}


def _strays(quotes: list[str], texts: list[str], *, source: str, target: str) -> list[list[str]]:
    """Each rendering's words from another quote (none looked for without Apertium's dictionaries)."""
    from rag.translation.lexicon import Lexicon, shared_lexicon, strays

    if len(quotes) < 2 or not Lexicon.available():
        return [[] for _ in quotes]
    try:
        return strays(quotes, texts, source=source, target=target, lexicon=shared_lexicon())
    except (OSError, TimeoutError, KeyError):  # a language pair the dictionaries lack, or a broken install
        return [[] for _ in quotes]
