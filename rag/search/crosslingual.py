"""A question searched in the indexed articles' languages as well as its own.

An English question over Italian articles reaches them through the dense
side alone: BM25 matches little but names across languages, and the answer
model sees few shared words. Searching the question together with its
rendering in the articles' other language (query translation, the classic
cross-language retrieval method) gives both sides words to match. Measured
on the English SQuAD-it tune slice (docs/BENCHMARKS.md), with Apertium as the
translator. The question's own wording stays: it is what a same-language
article matches, in a mixed corpus.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence

from rag.errors import RagError
from rag.text.language import known

log = logging.getLogger(__name__)

# Called as translate(texts, source=..., target=...): one rendering per text.
Translate = Callable[..., list[str]]
# Recent questions kept with their renderings (a chat asks again and again).
CACHE_SIZE = 256


class QuestionRenderings:
    """Questions with their renderings in other languages, cached.

    Args:
        translate: A fast translator's ``translate`` (Apertium's: ~0.3 s a call).
        routes: The (source, target) language pairs it renders.
    """

    def __init__(self, *, translate: Translate, routes: Iterable[tuple[str, str]]) -> None:
        self.translate = translate
        self.routes = frozenset(routes)
        self._cache: OrderedDict[tuple[str, str, str], str | None] = OrderedDict()

    def of(self, question: str, *, language: str, article_languages: Sequence[str] | set[str]) -> dict[str, str]:
        """``question`` rendered in each indexed language other than its own ``language``, by language.

        A translator that fails leaves that language out: searching in the
        question's language alone is what happens without a translator anyway.
        """
        source = known(language)
        out = {}
        for target in sorted({known(lang) for lang in article_languages} - {source}):
            if (source, target) in self.routes:
                rendered = self._rendered(question, source, target)
                if rendered and rendered.strip() != question.strip():
                    out[target] = rendered
        return out

    def _rendered(self, question: str, source: str, target: str) -> str | None:
        key = (question, source, target)
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        try:
            rendered: str | None = self.translate([question], source=source, target=target)[0]
        except RagError as exc:  # a broken install: search in the question's language only
            log.warning("question not rendered in %s: %s", target, exc)
            rendered = None
        self._cache[key] = rendered
        if len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return rendered
