"""BM25 over chunk texts (bm25s), each article stemmed in its own language (Snowball), in memory."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Callable, Container, Iterable
from pathlib import Path
from typing import Any

from rag.text.language import known, stemmer, stop_list


class LexicalIndex:
    """A BM25 index of chunks, one part per article language, rebuilt when the store changes.

    Each chunk is analysed with its article's language (Snowball stemmer and
    stop list, rag/text/language.py), and a question is analysed once per
    part with that part's language, so an English question meets English
    articles with English stems and Italian ones with Italian stems.
    """

    def __init__(self, chunks: Iterable[tuple[str, str, str | None]]) -> None:
        import bm25s

        parts: dict[str, list[tuple[str, str]]] = {}
        for chunk_id, text, lang in chunks:
            parts.setdefault(known(lang), []).append((chunk_id, text))
        self._parts: dict[str, tuple[list[str], Any]] = {}
        for lang, pairs in sorted(parts.items()):
            bm25 = bm25s.BM25()
            tokens = bm25s.tokenize(
                [t for _, t in pairs], stopwords=stop_list(lang), stemmer=stemmer(lang), show_progress=False
            )
            bm25.index(tokens, show_progress=False)
            self._parts[lang] = ([i for i, _ in pairs], bm25)
        self._language = {i: lang for lang, (ids, _) in self._parts.items() for i in ids}

    @property
    def ids(self) -> list[str]:
        """Every indexed chunk id."""
        return [i for ids, _ in self._parts.values() for i in ids]

    def language_of(self, chunk_id: str) -> str | None:
        """The language ``chunk_id`` was analysed in (None when it is not indexed)."""
        return self._language.get(chunk_id)

    @classmethod
    def cached(cls, folder: Path | None, chunks: Iterable[tuple[str, str, str | None]]) -> LexicalIndex:
        """Load the index saved in ``folder``, or build it from ``chunks`` and save it there.

        Building takes seconds at 10k chunks and more at 100k, so a new process
        (the CLI, a restarted app) loads the one the last process saved for
        the same index generation instead.
        """
        import bm25s

        if folder is not None and (folder / "languages.json").exists():
            with contextlib.suppress(OSError, ValueError):
                index = cls.__new__(cls)
                index._parts = {}
                for lang in json.loads((folder / "languages.json").read_text()):
                    ids = json.loads((folder / lang / "ids.json").read_text())
                    index._parts[lang] = (ids, bm25s.BM25.load(str(folder / lang), mmap=True, show_progress=False))
                index._language = {i: lang for lang, (ids, _) in index._parts.items() for i in ids}
                return index
        index = cls(chunks)
        if folder is not None:
            index._save(folder)
        return index

    def _save(self, folder: Path) -> None:
        tmp = folder.with_name(f"{folder.name}.{os.getpid()}.tmp")
        with contextlib.suppress(OSError):  # an unwritable folder only costs the speed-up
            shutil.rmtree(tmp, ignore_errors=True)
            tmp.mkdir(parents=True)
            for lang, (ids, bm25) in self._parts.items():
                bm25.save(str(tmp / lang), show_progress=False)
                (tmp / lang / "ids.json").write_text(json.dumps(ids))
            (tmp / "languages.json").write_text(json.dumps(sorted(self._parts)))
            shutil.rmtree(folder, ignore_errors=True)
            os.replace(tmp, folder)

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """The ``k`` best chunk ids for ``query`` with their BM25 scores (> 0), over every language part."""
        import bm25s

        found: list[tuple[str, float]] = []
        for lang, (ids, bm25) in self._parts.items():
            tokens = bm25s.tokenize([query], stopwords=stop_list(lang), stemmer=stemmer(lang), show_progress=False)
            if not tokens.vocab:
                continue
            docs, scores = bm25.retrieve(tokens, k=min(k, len(ids)), show_progress=False, n_threads=1)
            found += [(ids[int(d)], float(s)) for d, s in zip(docs[0], scores[0], strict=True) if s > 0]
        return sorted(found, key=lambda pair: (-pair[1], pair[0]))[:k]  # ties by id, as the fusion


def fuse(
    dense: list[tuple[str, float]],
    lexical: list[tuple[str, float]],
    weight: float | Callable[[str], float],
    *,
    unembedded: Container[str] = frozenset(),
    stand_in: Callable[[str, float], float] | None = None,
) -> list[tuple[str, float]]:
    """Blend dense and BM25 scores after standardising each list (z-scores).

    ``score = z(dense) + weight * z(bm25)``, with ``weight`` one number or a
    function of the chunk id (its language against the question's), each side standardised over its
    own candidate list, so neither scale dominates; a chunk found by only one
    side gets the other side's lowest listed score. On the SQuAD-it tune half
    this beat reciprocal rank fusion (MRR@5 0.837 vs 0.813; docs/BENCHMARKS.md).

    A chunk in ``unembedded`` (its article is keyword-only: no vectors yet)
    was not missed by the dense side but never seen by it, so the lowest
    dense score would be a verdict it has not earned. It gets instead the
    dense z-score its BM25 z-score predicts, ``stand_in(chunk_id, bm25_z)``
    (a line fitted on tune data per language pair: ``bench/fit/fusion.py``;
    without ``stand_in``, the BM25 z-score itself), or the floor if that is higher.
    """
    w = weight if callable(weight) else (lambda _: weight)
    d = _standardised(dense)
    lx = _standardised(lexical)
    d_floor = min(d.values(), default=0.0)
    l_floor = min(lx.values(), default=0.0)

    def dense_z(i: str) -> float:
        if i in d:
            return d[i]
        if i not in unembedded:
            return d_floor
        # Never below the floor: a chunk the dense side never saw ranks no lower
        # than one it saw and placed last.
        return max(d_floor, stand_in(i, lx[i]) if stand_in is not None else lx[i])

    scores = {i: dense_z(i) + w(i) * lx.get(i, l_floor) for i in [*d, *lx]}
    # Ties (a reprint's copies score alike) by id, a content hash: a recovered index ranks as a clean one.
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))


def _standardised(scored: list[tuple[str, float]]) -> dict[str, float]:
    if not scored:
        return {}
    values = [s for _, s in scored]
    mean = sum(values) / len(values)
    spread = (sum((v - mean) ** 2 for v in values) / len(values)) ** 0.5
    if spread < 1e-9:  # one candidate, or all tied: rank order is all there is
        return {i: 0.0 for i, _ in scored}
    return {i: (s - mean) / spread for i, s in scored}
