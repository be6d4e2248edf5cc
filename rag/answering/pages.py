"""The page of a PDF each citation quotes from, from where the article's pages start."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from rag.types import Answer


def with_pages(answer: Answer, *, meta: Mapping[str, Mapping[str, Any]]) -> Answer:
    """``answer`` with ``Citation.page`` set for quotes from articles that have pages (``meta[doc]["pages"]``)."""
    starts = {d: _numbers(m.get("pages")) for d, m in meta.items()}
    if not any(starts.values()):
        return answer
    scanned = {d: set(_numbers(m.get("ocr_pages"))) for d, m in meta.items()}
    citations = []
    for c in answer.citations:
        if starts.get(c.doc_id):
            page = bisect_right(starts[c.doc_id], c.start)
            c = replace(c, page=page, ocr=page in scanned.get(c.doc_id, set()))
        citations.append(c)
    return replace(answer, citations=tuple(citations))


def _numbers(value: Any) -> list[int]:
    return [int(x) for x in str(value or "").split(",") if x]
