"""Evaluation on the golden question set: retrieval, answers, abstention."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from rag.api import Engine
from rag.baseline import CONTEXT_K, TutorialBaseline

GOLDEN = Path(__file__).parent / "eval" / "golden.jsonl"


@dataclass(frozen=True)
class EvalItem:
    """One golden question; unanswerable ones have no ``doc_id``."""

    id: str
    lang: str
    question: str
    doc_id: str | None = None
    phrase: str | None = None
    facts: tuple[str, ...] = ()

    @property
    def answerable(self) -> bool:
        return self.doc_id is not None


@dataclass(frozen=True)
class EvalResult:
    """Figures for one system over the golden set, overall and per language."""

    name: str
    recall_at_1: float
    recall_at_3: float
    recall_at_5: float
    mrr: float
    answer_correct: float
    citation_precision: float
    abstention: float
    false_abstention: float
    answer_chars_p50: float
    ask_ms_p50: float
    by_language: dict[str, dict[str, float]]
    failures: list[str]


def load_golden(path: Path = GOLDEN) -> list[EvalItem]:
    """Read the golden set (JSON lines)."""
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            items.append(
                EvalItem(
                    id=row["id"], lang=row["lang"], question=row["question"], doc_id=row.get("doc_id"),
                    phrase=row.get("phrase"), facts=tuple(row.get("facts", ())),
                )
            )  # fmt: skip
    return items


@dataclass(frozen=True)
class Outcome:
    """What one system did with one question, in terms every system can give."""

    passages: list[tuple[str, str]]  # (doc_id, text) retrieved, best first
    answer: str
    citations: list[tuple[str, str]]  # (doc_id, cited text)
    abstained: bool
    ms: float


System = Callable[[str], Outcome]


def rank_of(item: EvalItem, passages: list[tuple[str, str]]) -> int | None:
    """1-based rank of the first passage (doc_id, text) holding the gold phrase."""
    for i, (doc_id, text) in enumerate(passages, 1):
        if doc_id == item.doc_id and item.phrase and item.phrase in text:
            return i
    return None


def engine_system(engine: Engine, *, k: int = 5, whole_passage: bool = False) -> System:
    """Our pipeline as a :data:`System`; ``whole_passage`` skips sentence selection."""

    def run(question: str) -> Outcome:
        began = time.perf_counter()
        answer = engine.ask(question, k=k)
        ms = (time.perf_counter() - began) * 1000
        passages = [(p.doc_id, p.text) for p in answer.passages]
        if whole_passage and not answer.abstained and passages:
            return Outcome(passages, passages[0][1], [passages[0]], False, ms)
        citations = [(c.doc_id, c.quote) for c in answer.citations]
        return Outcome(passages, answer.text, citations, answer.abstained, ms)

    return run


def baseline_system(baseline: TutorialBaseline, *, k: int = 5) -> System:
    """The LangChain tutorial RAG: top chunk as the answer, its k=4 context as the sources."""

    def run(question: str) -> Outcome:
        began = time.perf_counter()
        found = baseline.search(question, k=k)
        ms = (time.perf_counter() - began) * 1000
        return Outcome(found, found[0][1] if found else "", found[:CONTEXT_K], False, ms)

    return run


def evaluate(system: System, items: list[EvalItem], *, name: str) -> EvalResult:
    """Run every golden question through ``system`` and score it.

    An answer is correct when one of its citations comes from the gold article
    and contains a gold fact that the answer text also contains; citation
    precision is the share of citations that do.
    """
    rows: list[dict[str, Any]] = []
    for item in items:
        out = system(item.question)
        good = [
            (d, t) for d, t in out.citations if d == item.doc_id and any(f in t and f in out.answer for f in item.facts)
        ]
        rows.append(
            {
                "item": item,
                "rank": rank_of(item, out.passages) if item.answerable else None,
                "abstained": out.abstained,
                "correct": bool(good) and not out.abstained,
                "precise": len(good) / len(out.citations) if out.citations else 0.0,
                "chars": len(out.answer),
                "ms": out.ms,
            }
        )
    return summarise(name, rows)


def evaluate_engine(engine: Engine, items: list[EvalItem], *, name: str = "ours", k: int = 5) -> EvalResult:
    """Score ``engine`` on ``items`` (see :func:`evaluate`)."""
    return evaluate(engine_system(engine, k=k), items, name=name)


def compare(engine: Engine, articles: Path, items: list[EvalItem], *, baseline: bool = True) -> list[EvalResult]:
    """Ours, its ablations and the tutorial baseline, scored in one run on one index.

    Args:
        engine: Our engine, with ``articles`` already ingested.
        articles: The folder the baseline indexes its own way.
        items: The golden questions.
        baseline: Also build and score the LangChain tutorial baseline.
    """
    from rag.retrieve import Retriever

    def variant(**changes: Any) -> Engine:
        return Engine(engine.settings.with_(**changes), embedder=engine.embedder, store=engine.store)

    chunk_vectors = variant()
    chunk_vectors.__dict__["retriever"] = Retriever(
        store=engine.store, embedder=engine.embedder, lexical_weight=engine.settings.lexical_weight, unit="chunks"
    )
    results = [
        evaluate_engine(engine, items, name="ours"),
        evaluate_engine(variant(lexical_weight=0.0), items, name="ours: dense only"),
        evaluate_engine(chunk_vectors, items, name="ours: chunk vectors"),
        evaluate(engine_system(engine, whole_passage=True), items, name="ours: whole passage"),
    ]
    if baseline:
        tutorial = TutorialBaseline(articles)
        try:
            results.append(evaluate(baseline_system(tutorial), items, name="LangChain tutorial"))
        finally:
            tutorial.close()
    return results


def summarise(name: str, rows: list[dict[str, Any]]) -> EvalResult:
    """Aggregate per-question rows into an :class:`EvalResult`."""

    def figures(sub: list[dict[str, Any]]) -> dict[str, float]:
        ans = [r for r in sub if r["item"].answerable]
        neg = [r for r in sub if not r["item"].answerable]
        ranks = [r["rank"] for r in ans]
        answered = [r for r in ans if not r["abstained"]]
        return {
            "recall_at_1": _mean([rk is not None and rk <= 1 for rk in ranks]),
            "recall_at_3": _mean([rk is not None and rk <= 3 for rk in ranks]),
            "recall_at_5": _mean([rk is not None and rk <= 5 for rk in ranks]),
            "mrr": _mean([1 / rk if rk else 0.0 for rk in ranks]),
            "answer_correct": _mean([r["correct"] for r in ans]),
            "citation_precision": _mean([r["precise"] for r in answered]),
            "abstention": _mean([r["abstained"] for r in neg]),
            "false_abstention": _mean([r["abstained"] for r in ans]),
            "answer_chars_p50": statistics.median([r["chars"] for r in answered]) if answered else 0.0,
        }

    overall = figures(rows)
    by_language = {lang: figures([r for r in rows if r["item"].lang == lang]) for lang in ("it", "en")}
    failures = [
        f"{r['item'].id} {'refused' if r['abstained'] else 'answered'}: {r['item'].question}"
        for r in rows
        if (r["item"].answerable and not r["correct"]) or (not r["item"].answerable and not r["abstained"])
    ]
    return EvalResult(
        name=name,
        **{k: round(v, 3) for k, v in overall.items()},
        ask_ms_p50=round(statistics.median(r["ms"] for r in rows), 1),
        by_language={lang: {k: round(v, 3) for k, v in f.items()} for lang, f in by_language.items()},
        failures=failures,
    )


def table(results: list[EvalResult]) -> str:
    """Results side by side, as a Markdown table."""
    keys = [
        "recall_at_1", "recall_at_3", "recall_at_5", "mrr", "answer_correct",
        "citation_precision", "abstention", "false_abstention", "answer_chars_p50", "ask_ms_p50",
    ]  # fmt: skip
    head = "| metric | " + " | ".join(r.name for r in results) + " |"
    rule = "|---|" + "---:|" * len(results)
    lines = [head, rule]
    for key in keys:
        lines.append(f"| {key} | " + " | ".join(f"{getattr(r, key):g}" for r in results) + " |")
    for lang in ("it", "en"):
        for key in ("recall_at_5", "mrr", "answer_correct"):
            values = " | ".join(f"{r.by_language[lang][key]:g}" for r in results)
            lines.append(f"| {key} ({lang}) | {values} |")
    return "\n".join(lines)


def to_json(results: list[EvalResult]) -> str:
    """Results for machines."""
    return json.dumps([asdict(r) for r in results], indent=2, ensure_ascii=False)


def _mean(values: list[Any]) -> float:
    return sum(float(v) for v in values) / len(values) if values else 0.0
