"""Which names the corpus knows: a question about a name no article mentions
("What did Biden say in Paris?") is refused rather than answered with
something about someone else.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable

import numpy as np

from rag.question import words
from vectorstore.embeddings import Embedder

# With the default embedder, translations of a name (Paris/Parigi, Kyiv/Kiev,
# United Kingdom/Regno Unito) score >= 0.7, different people < 0.5, and
# different countries (Brasile/Italia) or loose translations (Oval
# Office/Studio Ovale) in between: those count as "maybe".
KNOWN = 0.7
UNKNOWN = 0.5
_NAME_RUN = re.compile(r"(?:[A-ZÀ-Ý][\w'’-]+)(?:\s+[A-ZÀ-Ý][\w'’-]+)*")


def fold(word: str) -> str:
    """Lower case without accents: ``Zelenskyj`` -> ``zelenskyj``, ``È`` -> ``e``."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


class Vocabulary:
    """The words and capitalised names of every indexed article."""

    def __init__(self, texts: Iterable[str], *, embedder: Embedder) -> None:
        self._words: set[str] = set()
        names: set[str] = set()
        for text in texts:
            self._words.update(fold(w) for w in words(text))
            names.update(m.group(0) for m in _NAME_RUN.finditer(text))
        self._prefixes = {w[:5] for w in self._words if len(w) >= 5}
        self._names = sorted(names)
        self._embedder = embedder
        self._vectors: np.ndarray | None = None
        self._lock = threading.Lock()

    def closeness(self, name: str) -> float:
        """How surely ``name`` (one or more words) is mentioned in the corpus.

        1.0 when every word is found as written or by its first five letters
        (Ucraina / ucraino); else the cosine of the name with the nearest
        corpus name (Paris / Parigi 0.91, Biden / Trump 0.48).
        """
        parts = [fold(w) for w in name.split()]
        if all(p in self._words or (len(p) >= 5 and p[:5] in self._prefixes) for p in parts):
            return 1.0
        return self._nearest(name)

    def _nearest(self, name: str) -> float:
        if not self._names:
            return 0.0
        with self._lock:
            if self._vectors is None:
                self._vectors = self._embedder.embed(self._names)
        query = self._embedder.embed([name])[0]
        return float(np.max(self._vectors @ query))


def name_phrases(question: str, names: list[str]) -> list[str]:
    """Group adjacent names of a question into phrases ("United Kingdom")."""
    phrases: list[str] = []
    for m in _NAME_RUN.finditer(question):
        run = [w for w in re.sub(r"['’]s\b", "", m.group(0)).split() if w in names]
        if run:
            phrases.append(" ".join(run))
    return phrases
