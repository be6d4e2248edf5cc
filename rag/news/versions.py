"""Stories that change: what a citation says about the version of the article it quotes.

An article fetched again from its canonical URL with a different text replaces
the indexed one; the earlier text is kept (vectorstore/history.py). A citation
of an updated article carries the update's time, and when the cited sentence
is new or reworded in that update, the previous version's wording (the closest
sentence of it, by rapidfuzz's ratio) so the reader sees what changed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from rapidfuzz import fuzz, process

from rag.ingestion.chunk import split_sentences
from rag.types import Answer, Citation
from vectorstore.history import Version

# Below this rapidfuzz ratio the closest earlier sentence is another sentence, not
# a rewording: the cited one is new in this version.
SAME_SENTENCE = 60.0


def with_versions(
    answer: Answer,
    *,
    meta: Mapping[str, Mapping[str, Any]],
    versions: Mapping[str, Sequence[Version]],
) -> Answer:
    """``answer`` with each citation's update time and, where the update changed the sentence, its earlier wording.

    Args:
        answer: An answer whose citations quote the current versions.
        meta: The cited articles' stored metadata, by doc id.
        versions: The cited articles' superseded versions, newest first, by doc id.
    """
    cited = []
    for c in answer.citations:
        m = meta.get(c.doc_id, {})
        if not m.get("updated") and c.doc_id not in versions:
            cited.append(c)
            continue
        cited.append(_noted(c, m, versions.get(c.doc_id, ())))
    return replace(answer, citations=tuple(cited))


def _noted(c: Citation, meta: Mapping[str, Any], earlier: Sequence[Version]) -> Citation:
    noted = replace(c, updated=meta.get("updated"))
    if not earlier:
        return noted
    previous = earlier[0]
    if c.quote in previous.text:
        return noted
    sentences = [s.text for s in split_sentences(previous.text, language=str(meta.get("lang") or "it"))]
    best = process.extractOne(c.quote, sentences, scorer=fuzz.ratio) if sentences else None
    wording = best[0] if best and best[1] >= SAME_SENTENCE else ""
    return replace(noted, earlier=wording, earlier_as_of=previous.updated or previous.date or previous.indexed_at)
