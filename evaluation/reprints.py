"""A multi-outlet corpus built from single-outlet articles, with the truth of which passages are copies.

Each article is reprinted under other outlets the way agency copy travels:
a new headline, byline and date line, the agency dateline dropped, a "Leggi
anche" line and a newsletter box inside the text, a footer, and a few
sentences edited (a word dropped or swapped, a clause added). One reprint
changes a figure. Every sentence a reprint prints remembers the original
sentence it came from, so copy pairs can be scored without looking at how
the grouping decides.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rag.ingestion.chunk import split_sentences
from rag.ingestion.clean import clean
from rag.ingestion.load import read_file

_MONTHS = ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre",
           "ottobre", "novembre", "dicembre")  # fmt: skip
OUTLETS = ("ANSA", "Il Sole 24 Ore", "Rainews", "Il Foglio")
_CLAUSES = (", secondo fonti diplomatiche", ", come riferito in serata", ", a quanto si apprende")
_SWAPS = (
    ("ha detto", "ha dichiarato"), ("Stati Uniti", "Usa"), ("presidente", "capo di Stato"), ("oggi", "in giornata"),
)  # fmt: skip
# Two passages are copies when at least half their content is the same story text.
COPY = 0.5
_NUMBER = re.compile(r"\b(\d{2,})\b")


@dataclass
class Reprint:
    """One written reprint: its file, its original, and each printed sentence with its origin index (or None)."""

    path: Path
    original: str
    outlet: str
    sentences: list[tuple[str, int | None]] = field(default_factory=list)  # -1: the headline
    changed_figure: tuple[str, str] | None = None


@dataclass
class Corpus:
    """The originals, the reprints written beside them, and the one figure that was changed."""

    originals: dict[str, list[str]]  # doc id -> its sentences, in order
    reprints: list[Reprint]

    def story(self, original: str) -> set[str]:
        """Doc ids of ``original`` and of every reprint of it."""
        return {original} | {r.path.stem for r in self.reprints if r.original == original}


def build(articles: Iterable[Path], dest: Path, *, copies: int = 2, seed: int = 7) -> Corpus:
    """Copy ``articles`` into ``dest`` and write ``copies`` reprints of each (two or three outlets).

    The first reprint of the article holding "129 droni" (or else of the
    first article with a two-digit figure) changes that figure by one.
    """
    rng = random.Random(seed)
    dest.mkdir(parents=True, exist_ok=True)
    originals: dict[str, list[str]] = {}
    reprints: list[Reprint] = []
    figure_done = False
    for path in sorted(articles):
        article = clean(read_file(path, max_bytes=10_000_000), doc_id=path.stem, source=str(path))
        (dest / path.name).write_bytes(path.read_bytes())
        sentences = [s.text for s in split_sentences(article.text)]
        originals[path.stem] = sentences
        paragraphs = _paragraph_of(article.text, sentences)
        for n, outlet in enumerate(rng.sample(OUTLETS, copies + (1 if len(originals) % 2 else 0))):
            reprint = Reprint(dest / f"{path.stem}-{n}-{_slug(outlet)}.txt", path.stem, outlet)
            change = not figure_done and n == 0 and ("129 droni" in article.text or len(originals) == len(OUTLETS))
            body = _reprint_body(sentences, paragraphs, rng, reprint, change_figure=change)
            figure_done = figure_done or reprint.changed_figure is not None
            headline = rng.choice(("ULTIM'ORA", "Esteri", "Il punto")) + " – " + article.title
            # Copies of a wire story run the same day as the original.
            y, m, d = (article.date or "2026-01-15").split("-")
            date = f"{int(d)} {_MONTHS[int(m) - 1]} {y}"
            header = f"{headline}\n\ndi Redazione {outlet.split()[-1]} | {date}\n\n"
            footer = f"\n\nIscriviti alla newsletter di {outlet}: ogni mattina le notizie dal mondo.\n\n© {outlet}\n"
            reprint.sentences.insert(0, (headline, -1))  # the headline: the story's title, in every reprint
            reprint.path.write_text(header + body + footer, encoding="utf-8")
            reprints.append(reprint)
    return Corpus(originals, reprints)


def _paragraph_of(text: str, sentences: list[str]) -> list[int]:
    """The paragraph number of each sentence."""
    starts = [m.end() for m in re.finditer(r"\n\s*\n", text)]
    out, cursor = [], 0
    for s in sentences:
        at = text.find(s, cursor)
        cursor = at + len(s)
        out.append(sum(1 for b in starts if b <= at))
    return out


def _reprint_body(
    sentences: list[str], paragraphs: list[int], rng: random.Random, reprint: Reprint, *, change_figure: bool
) -> str:
    edited = set(rng.sample(range(len(sentences)), k=max(1, len(sentences) // 8)))
    # The figure changed is in the body (the last sentence giving a number of drones), not the headline.
    figure_at = max((i for i, t in enumerate(sentences) if _NUMBER.search(t) and "droni" in t), default=-1)
    insert_at = rng.randrange(2, max(3, len(sentences) - 1))
    parts: list[str] = []
    for i, sentence in enumerate(sentences):
        if i and paragraphs[i] != paragraphs[i - 1]:
            parts.append("\n\n")
        elif i:
            parts.append(" ")
        if i == insert_at:
            teaser = "Leggi anche: Ucraina, le ultime notizie sui negoziati di pace e sul vertice di Parigi."
            parts.append(f"{teaser}\n\n")
            reprint.sentences.append((teaser, None))
        text = sentence
        if change_figure and i == figure_at and (m := _NUMBER.search(text)):
            new = str(int(m.group(1)) + 1)
            text = text[: m.start()] + new + text[m.end() :]
            reprint.changed_figure = (m.group(1), new)
        elif i in edited:
            text = _edit(text, rng)
        parts.append(text)
        reprint.sentences.append((text, i))
    return "".join(parts)


def _edit(sentence: str, rng: random.Random) -> str:
    for old, new in _SWAPS:
        if old in sentence:
            return sentence.replace(old, new, 1)
    words = sentence.split(" ")
    if len(words) > 8 and rng.random() < 0.5:
        del words[rng.randrange(1, len(words) - 2)]
        return " ".join(words)
    return sentence.rstrip(".") + rng.choice(_CLAUSES) + "."


def _slug(name: str) -> str:
    return re.sub(r"\W+", "-", name.lower()).strip("-")


def true_pairs(
    corpus: Corpus, chunks: Iterable[tuple[str, str, str, list[tuple[int, int]]]], texts: dict[str, str]
) -> dict[tuple[str, str], float]:
    """Every pair of chunks of one story in different articles, with how much of their content is shared.

    ``chunks`` are ``(chunk_id, doc_id, text, sentence spans)`` and ``texts``
    the cleaned article texts. A chunk's content is its characters counted by
    origin sentence (furniture counts as its own); the value is the weighted
    Jaccard of two chunks' contents. Pairs at :data:`COPY` or above are copies.
    """
    origin_spans: dict[str, list[tuple[int, int, object]]] = {}
    for doc, sentences in corpus.originals.items():
        origin_spans[doc] = _locate(texts.get(doc, ""), [(s, (doc, i)) for i, s in enumerate(sentences)])
    for r in corpus.reprints:
        origin_spans[r.path.stem] = _locate(
            texts.get(r.path.stem, ""), [(s, (r.original, i) if i is not None else None) for s, i in r.sentences]
        )
    story = {doc: doc for doc in corpus.originals} | {r.path.stem: r.original for r in corpus.reprints}
    weights: dict[str, dict[object, int]] = {}
    doc_of: dict[str, str] = {}
    by_story: dict[str, list[str]] = defaultdict(list)
    for cid, doc, _text, spans in chunks:
        w: dict[object, int] = defaultdict(int)
        for lo, hi in spans:
            origin = next((o for s, e, o in origin_spans.get(doc, []) if s <= lo < e), None)
            w[origin if origin is not None else (cid, lo)] += hi - lo
        weights[cid], doc_of[cid] = w, doc
        by_story[story.get(doc, doc)].append(cid)
    shared: dict[tuple[str, str], float] = {}
    for members in by_story.values():
        members.sort()
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                if doc_of[a] != doc_of[b]:
                    keys = set(weights[a]) | set(weights[b])
                    inter = sum(min(weights[a].get(k, 0), weights[b].get(k, 0)) for k in keys)
                    union = sum(max(weights[a].get(k, 0), weights[b].get(k, 0)) for k in keys)
                    shared[(a, b)] = inter / union if union else 0.0
    return shared


def _locate(text: str, sentences: list[tuple[str, object]]) -> list[tuple[int, int, object]]:
    """Spans of printed sentences in the cleaned text, each with its origin."""
    spans, cursor = [], 0
    for s, origin in sentences:
        at = text.find(s, cursor)
        if at < 0:
            continue
        spans.append((at, at + len(s), origin))
        cursor = at + len(s)
    return spans
