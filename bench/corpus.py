"""A deterministic synthetic corpus of ~N chunks built from the sample articles' sentences.

Sentences are drawn from the five sample articles (cleaned and split the
product's way), and names, places, numbers and months are varied so chunks are
distinct; articles get a title and a date header like the samples. Generated
once per size into ``bench/.cache/corpus-<N>/`` (git-ignored) and reused.

Usage: python -m bench.corpus 10000
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

from bench.common import CACHE, ROOT
from rag.ingestion.chunk import chunk_article, split_sentences
from rag.ingestion.clean import clean
from rag.ingestion.load import read_file
from rag.types import Article

ARTICLES = ROOT / "data" / "articles"

NAMES = [
    "Meloni", "Macron", "Zelensky", "Putin", "Trump", "Witkoff", "Kushner", "Rubio", "Rutte", "Starmer",
    "Merz", "Tusk", "Sánchez", "Costa", "von der Leyen", "Stoltenberg", "Orbán", "Erdogan", "Frederiksen",
    "Kallas", "Sikorski", "Tajani", "Crosetto", "Lavrov", "Peskov", "Dmitriev", "Zakharova", "Yermak",
]  # fmt: skip
PLACES = [
    "Parigi", "Roma", "Berlino", "Varsavia", "Londra", "Kiev", "Mosca", "Ginevra", "Vienna", "Bruxelles",
    "Istanbul", "Riad", "Helsinki", "Praga", "Madrid", "Oslo", "Budapest", "Copenaghen", "Tallinn", "Vilnius",
]  # fmt: skip
MONTHS = [
    "gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre",
    "novembre", "dicembre",
]  # fmt: skip
_NAME = re.compile(r"\b(" + "|".join(re.escape(n) for n in NAMES) + r")\b")
_PLACE = re.compile(r"\b(" + "|".join(re.escape(p) for p in PLACES) + r")\b")
_MONTH = re.compile(r"\b(" + "|".join(MONTHS) + r")\b")
_NUMBER = re.compile(r"\b\d+\b")


def pool() -> list[str]:
    """Whole sentences of the sample articles (no headings or fragments)."""
    sentences = []
    for path in sorted(ARTICLES.glob("*.txt")):
        article = clean(read_file(path, max_bytes=10**7), doc_id=path.stem, source=str(path))
        sentences += [s.text for s in split_sentences(article.text) if len(s.text) > 60 and s.text[-1] in '."”»']
    return sentences


def vary(sentence: str, rng: random.Random) -> str:
    """The sentence with its names, places, months and numbers swapped at random."""
    sentence = _NAME.sub(lambda m: rng.choice(NAMES), sentence)
    sentence = _PLACE.sub(lambda m: rng.choice(PLACES), sentence)
    sentence = _MONTH.sub(lambda m: rng.choice(MONTHS), sentence)
    return _NUMBER.sub(lambda m: str(rng.randint(2, 400)), sentence)


def article_text(i: int, sentences: list[str], rng: random.Random) -> str:
    """One synthetic article: date header, title, 3-6 paragraphs of 2-4 sentences."""
    date = f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    title = f"Vertice di {rng.choice(PLACES)}: {rng.choice(NAMES)} e {rng.choice(NAMES)} ({i})"
    paragraphs = [
        " ".join(vary(rng.choice(sentences), rng) for _ in range(rng.randint(2, 4))) for _ in range(rng.randint(3, 6))
    ]
    return f" date {date} Esteri\n\n{title}\n\n" + "\n\n".join(paragraphs) + "\n"


def build(target_chunks: int, *, folder: Path | None = None) -> Path:
    """Write articles until they hold ``target_chunks`` chunks (default settings); return the folder."""
    folder = folder or CACHE / f"corpus-{target_chunks}"
    done = folder / ".complete"
    if done.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(target_chunks)
    sentences = pool()
    chunks = i = 0
    while chunks < target_chunks:
        text = article_text(i, sentences, rng)
        chunks += len(chunk_article(Article(doc_id="x", text=text, source="", title="")))
        (folder / f"gen_{i:06d}.txt").write_text(text, encoding="utf-8")
        i += 1
    done.write_text(f"{i} articles, ~{chunks} chunks\n")
    return folder


if __name__ == "__main__":
    print(build(int(sys.argv[1])))
