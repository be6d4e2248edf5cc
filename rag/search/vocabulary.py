"""Which names the corpus knows: a question about a name no article mentions
("What did Biden say in Paris?") is refused rather than answered with
something about someone else.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rag.text.names import name_pattern
from rag.text.question import words
from rag.text.words import fold
from vectorstore.embedders.factory import Embedder

# With the default embedder, translations of a name (Paris/Parigi, Kyiv/Kiev,
# United Kingdom/Regno Unito) score >= 0.7, different people < 0.5, and
# different countries (Brasile/Italia) or loose translations in between:
# those are told apart by how far the nearest name stands out (see NameMatch).
KNOWN = 0.7
UNKNOWN = 0.5
# The crowd a nearest name must stand out from: the name's NEIGHBOURS nearest
# corpus names (the local scaling of CSLS, Conneau et al. 2018, "Word
# translation without parallel data"), fixed before any fitting.
NEIGHBOURS = 5
# Spellings less alike than this score 0 (rag/search/vocabulary.Vocabulary.spelling):
# the lowest bar bench/fit/answer.py tries, and a cut-off that lets rapidfuzz stop early.
FLOOR = 0.7
_NAME_RUN = name_pattern(tail=r"[\w'’-]+")


@dataclass(frozen=True)
class NameMatch:
    """How surely a question's name is mentioned in the corpus.

    Attributes:
        closeness: 1.0 when found as written, else the cosine with the nearest
            corpus name (Paris / Parigi 0.91, Biden / Trump 0.48).
        standout: how far that nearest name stands above the mean of the
            name's nearest few: a translation stands out from the crowd
            (Paris: 0.36), a different place of the same kind blends in
            with the others (Brasile / Italia, Germania, Paese: 0.03).
            1.0 when found as written or when the corpus has too few names.
    """

    closeness: float
    standout: float = 1.0


def verdict(matches: Iterable[NameMatch], *, standout: float) -> tuple[bool, int]:
    """Whether a question names something the corpus never mentions, and how many names are only maybe mentioned.

    A name is unknown below :data:`UNKNOWN`, or below :data:`KNOWN` when its
    nearest corpus name does not stand out by ``standout`` (fitted, see
    rag/fitted.NAME_STANDOUT); the remaining names below :data:`KNOWN` are doubtful.
    """
    matches = list(matches)
    unknown = any(m.closeness < UNKNOWN or (m.closeness < KNOWN and m.standout < standout) for m in matches)
    return unknown, sum(m.closeness < KNOWN for m in matches)


class Vocabulary:
    """The words and capitalised names of every indexed article."""

    def __init__(self, texts: Iterable[str], *, embedder: Embedder, folder: Path | None = None) -> None:
        self._words: set[str] = set()
        names: set[str] = set()
        for text in texts:
            self._words.update(fold(w) for w in words(text))
            names.update(m.group(0) for m in _NAME_RUN.finditer(text))
        self._names = sorted(names)
        self._setup(embedder, folder)

    def _setup(self, embedder: Embedder, folder: Path | None) -> None:
        self._prefixes = {w[:5] for w in self._words if len(w) >= 5}
        self._stems = set(_stem(sorted(self._words)))
        self._embedder = embedder
        self._folder = folder
        self._vectors: np.ndarray | None = None
        self._by_length: dict[tuple[str, int], list[str]] | None = None
        self._lock = threading.Lock()

    @classmethod
    def cached(cls, folder: Path, texts: Callable[[], Iterable[str]], *, embedder: Embedder) -> Vocabulary:
        """Load the vocabulary saved in ``folder`` or build it from ``texts()`` and save it.

        The name vectors are saved too, once a question first needs them.
        """
        with contextlib.suppress(OSError, ValueError, KeyError):
            data = json.loads((folder / "vocabulary.json").read_text(encoding="utf-8"))
            vocabulary = cls.__new__(cls)
            vocabulary._words, vocabulary._names = set(data["words"]), list(data["names"])
            vocabulary._setup(embedder, folder)
            with contextlib.suppress(OSError, ValueError):
                vectors = np.load(folder / "names.npy")
                if len(vectors) == len(vocabulary._names):
                    vocabulary._vectors = vectors
            return vocabulary
        vocabulary = cls(texts(), embedder=embedder, folder=folder)
        with contextlib.suppress(OSError):  # an unwritable folder only costs the speed-up
            folder.mkdir(parents=True, exist_ok=True)
            payload = {"words": sorted(vocabulary._words), "names": vocabulary._names}
            (folder / "vocabulary.json").write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        return vocabulary

    def knows(self, word: str) -> bool:
        """Whether ``word`` occurs in the corpus as written or by its Snowball stem (ucraino / Ucraina)."""
        w = fold(word)
        return w in self._words or _stem([w])[0] in self._stems

    def spelling(self, word: str) -> float:
        """How near ``word`` is to a word the corpus spells: 1.0 when :meth:`knows` it.

        Else the best normalised Levenshtein similarity (rapidfuzz) with a
        corpus word of about its length and with its first letter: Zelenski /
        zelensky 0.875, Melloni / meloni 0.857, Austria / australia 0.78.
        Below :data:`FLOOR`, and for words under four letters (one edit there
        makes another word), 0.
        """
        return 1.0 if self.knows(word) else self._nearest(fold(word))[1]

    def respell(self, text: str, names: Iterable[str], *, near: float, across_languages: bool = False) -> str:
        """``text`` with each of ``names`` the corpus does not spell replaced by its nearest corpus spelling.

        Only names within ``near`` (:meth:`spelling`) are replaced, and only
        when the name embedder's nearest corpus name holds that spelling too,
        so that "What did Melloni commit?" is searched as "What did Meloni
        commit?" while "Paris" (nearest spelling "pari", nearest name
        "Parigi") and "Ukraine" are left to the embedder, which reads them
        across languages. In a question in another language than the
        articles', a name the embedder already matches (closeness >=
        :data:`KNOWN`) is that language's own form ("Russian" / Russia,
        "Americans" / America), not a typo, and is left as written.
        """
        for name in names:
            if self.knows(name) or not self._names:
                continue
            nearest, score = self._nearest(fold(name))
            if score < near:
                continue
            sims = self._similarities(name)
            if across_languages and float(sims.max()) >= KNOWN:
                continue
            if nearest in fold(self._names[int(np.argmax(sims))]).split():
                text = re.sub(rf"\b{re.escape(name)}\b", nearest.capitalize(), text)
        return text

    def _similarities(self, name: str) -> np.ndarray:
        """The name embedder's cosine of ``name`` with every corpus name."""
        with self._lock:
            if self._vectors is None:
                self._vectors = self._embedder.embed(self._names)
                if self._folder is not None:
                    with contextlib.suppress(OSError):
                        np.save(self._folder / "names.npy", self._vectors)
        return np.asarray(self._vectors @ self._embedder.embed([name])[0])

    def _nearest(self, w: str) -> tuple[str, float]:
        if len(w) < 4:
            return "", 0.0
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        if self._by_length is None:
            by_length: dict[tuple[str, int], list[str]] = {}
            for known in self._words:
                by_length.setdefault((known[:1], len(known)), []).append(known)
            self._by_length = by_length
        # Only words with its first letter compete (people rarely mistype it, and
        # it keeps a 100k-word vocabulary fast); similarity >= FLOOR allows at most
        # len(w) * (1 - FLOOR) / FLOOR edits, and each letter of length gap is one.
        gap = max(1, int(len(w) * (1 - FLOOR) / FLOOR))
        best: tuple[str, float] = ("", 0.0)
        for n in range(len(w) - gap, len(w) + gap + 1):
            found = process.extractOne(
                w, self._by_length.get((w[0], n), ()), scorer=Levenshtein.normalized_similarity, score_cutoff=FLOOR
            )
            if found and found[1] > best[1]:
                best = (found[0], float(found[1]))
        return best

    def unknown_share(self, words: list[str], *, near: float = 1.0) -> float:
        """The share of ``words`` the corpus never uses (0 for no words).

        A word spelt within ``near`` of a corpus word (:meth:`spelling`, bar
        fitted as rag/fitted.SPELLING) counts as used: a typo is not a topic.
        """
        if not words:
            return 0.0
        # At 1.0 nothing is forgiven: skip the spelling search.
        used = self.knows if near >= 1.0 else lambda w: self.spelling(w) >= near
        return sum(not used(w) for w in words) / len(words)

    def match(self, name: str, *, near: float = 1.0) -> NameMatch:
        """How surely ``name`` (one or more words) is mentioned in the corpus.

        Found as written when every word is, or its first five letters are
        (Ucraina / ucraino), or it is spelt within ``near`` of a corpus word
        (:meth:`spelling`: "Melloni"); else compared with the corpus's names
        by the name embedder.
        """
        parts = [fold(w) for w in name.split()]
        if all(
            p in self._words or (len(p) >= 5 and p[:5] in self._prefixes) or (near < 1.0 and self.spelling(p) >= near)
            for p in parts
        ):
            return NameMatch(1.0)
        if not self._names:
            return NameMatch(0.0)
        sims = np.sort(self._similarities(name))[::-1]
        standout = float(sims[0] - sims[:NEIGHBOURS].mean()) if len(sims) >= NEIGHBOURS else 1.0
        return NameMatch(float(sims[0]), standout)


def _stem(words: list[str]) -> list[str]:
    import Stemmer

    return list(Stemmer.Stemmer("italian").stemWords(words))


def name_phrases(question: str, names: list[str]) -> list[str]:
    """Group adjacent names of a question into phrases ("United Kingdom")."""
    phrases: list[str] = []
    for m in _NAME_RUN.finditer(question):
        run = [w for w in re.sub(r"['’]s\b", "", m.group(0)).split() if w in names]
        if run:
            phrases.append(" ".join(run))
    return phrases
