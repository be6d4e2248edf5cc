"""The page of a PDF each citation quotes from, from where the article's pages start."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from rag.types import Answer


def with_pages(answer: Answer, *, meta: Mapping[str, Mapping[str, Any]]) -> Answer:
    """``answer`` with ``Citation.page`` set for quotes from articles that have pages (``meta[doc]["pages"]``)."""
    starts = {d: [int(x) for x in str(m.get("pages") or "").split(",") if x] for d, m in meta.items()}
    if not any(starts.values()):
        return answer
    citations = tuple(
        replace(c, page=bisect_right(starts[c.doc_id], c.start)) if starts.get(c.doc_id) else c
        for c in answer.citations
    )
    return replace(answer, citations=citations)
