"""Chroma ``where`` clauses and metadata values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Filters:
    """Restrict retrieval to some articles; ``None`` means no restriction.

    Dates are ISO ``YYYY-MM-DD`` strings and bounds are inclusive; articles
    without a date are left out when a date bound is set.
    """

    doc_ids: tuple[str, ...] | None = None
    outlets: tuple[str, ...] | None = None
    date_from: str | None = None
    date_to: str | None = None

    def is_empty(self) -> bool:
        """True when nothing is filtered."""
        return not (self.doc_ids or self.outlets or self.date_from or self.date_to)


def where_clause(filters: Filters | None) -> dict[str, Any] | None:
    """Translate :class:`Filters` into a Chroma ``where`` clause."""
    if filters is None or filters.is_empty():
        return None
    terms: list[dict[str, Any]] = []
    if filters.doc_ids:
        terms.append({"doc_id": {"$in": list(filters.doc_ids)}})
    if filters.outlets:
        terms.append({"outlet": {"$in": list(filters.outlets)}})
    if filters.date_from:
        terms.append({"date_num": {"$gte": date_num(filters.date_from)}})
    if filters.date_to:
        terms.append({"date_num": {"$lte": date_num(filters.date_to)}})
    if filters.date_from or filters.date_to:
        terms.append({"date_num": {"$gt": 0}})
    return terms[0] if len(terms) == 1 else {"$and": terms}


def date_num(iso: str | None) -> int:
    """``2026-01-07`` -> ``20260107``; 0 for no date."""
    return int(iso.replace("-", "")[:8]) if iso else 0


def clean_meta(meta: dict[str, Any]) -> dict[str, Any]:
    # Chroma metadata values must be scalars; None means "absent".
    return {k: v for k, v in meta.items() if v is not None}
