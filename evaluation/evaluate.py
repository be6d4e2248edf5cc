"""Evaluation: retrieval, answers and abstention on a question set, for our
engine, its ablations and the LangChain tutorial baseline, in one run.

Three suites share the scoring: the golden set about the sample articles
(evaluation/data/golden.jsonl, Italian and English questions, some unanswerable),
SQuAD-it (evaluation/squad.py) and RealTime QA's English news quiz
(evaluation/realtimeqa.py, read from ../shared at evaluation time). Each is split into fixed tune and test halves
(evaluation/data/splits.json); figures worth quoting are on the test halves.
"""

from __future__ import annotations

import json
import math
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from evaluation.baseline import CONTEXT_K, TutorialBaseline
from rag.api import Engine

EVAL = Path(__file__).parent / "data"
GOLDEN = EVAL / "golden.jsonl"
SPLITS = EVAL / "splits.json"
_MARKER = re.compile(r"\s*\[\d+\]")


_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "`": "'"})


def normalise(text: str) -> str:
    """Lower case with white space and quotation marks folded, for matching answers in passages."""
    return " ".join(text.lower().translate(_QUOTES).split())


@dataclass(frozen=True)
class EvalItem:
    """One question; unanswerable ones have no ``doc_id``.

    Golden items name a ``phrase`` the passage must hold and ``facts`` the
    answer must hold; SQuAD-it items give each gold answer with its context
    (``contexts``) and the bare ``answers``; RealTime QA items may have
    several gold articles (``doc_id`` and ``also``), and only those whose
    answer a gold article states verbatim count for R@k and MRR (``ranked``).
    """

    id: str
    lang: str
    question: str
    doc_id: str | None = None
    phrase: str | None = None
    facts: tuple[str, ...] = ()
    contexts: tuple[str, ...] = ()
    answers: tuple[str, ...] = ()
    also: tuple[str, ...] = ()
    ranked: bool = True
    asked_on: str | None = None  # the day the question was asked (ISO), when the suite says

    def gold(self, doc_id: str) -> bool:
        """Whether ``doc_id`` is a gold article of this question."""
        return doc_id == self.doc_id or doc_id in self.also

    @property
    def answerable(self) -> bool:
        return self.doc_id is not None

    def hit(self, doc_id: str, text: str) -> bool:
        """Whether a passage ``(doc_id, text)`` holds the answer."""
        if not self.gold(doc_id):
            return False
        return self.phrase in text if self.phrase else self.holds(text)

    def holds(self, text: str) -> bool:
        """Whether ``text`` states the gold answer (at its gold position, for SQuAD-it)."""
        if self.facts:
            return any(f in text for f in self.facts)
        folded = normalise(text)
        return any(c in folded for c in self.contexts)


@dataclass(frozen=True)
class EvalResult:
    """Figures for one system over one question set, overall and per language."""

    name: str
    questions: int
    recall_at_1: float
    recall_at_5: float
    mrr: float
    answer_right: float
    gold_cited: float
    abstention: float
    false_abstention: float
    phrase_exact: float
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


def half(suite: str, which: str) -> set[str] | None:
    """Question ids (golden) or article ids (squad-it) of a half; None for ``all``."""
    if which == "all":
        return None
    return set(json.loads(SPLITS.read_text(encoding="utf-8"))[suite][which])


@dataclass(frozen=True)
class Outcome:
    """What one system did with one question, in terms every system can give."""

    passages: list[tuple[str, str]]  # (doc_id, text) retrieved, best first
    answer: str
    citations: list[tuple[str, str]]  # (doc_id, cited text)
    abstained: bool
    ms: float
    phrases: tuple[str, ...] = ()  # answer phrases marked inside cited sentences


# Called with the question and the day it was asked (None: today).
System = Callable[[str, str | None], Outcome]


def engine_system(engine: Engine, *, k: int = 5) -> System:
    """Our pipeline as a :data:`System`."""

    def run(question: str, asked_on: str | None) -> Outcome:
        began = time.perf_counter()
        answer = engine.ask(question, k=k, render=False, as_of=asked_on)
        ms = (time.perf_counter() - began) * 1000
        passages = [(p.doc_id, p.text) for p in answer.passages]
        citations = [(c.doc_id, c.quote) for c in answer.citations]
        phrases = tuple(c.answer for c in answer.citations if c.answer)
        return Outcome(passages, answer.text, citations, answer.abstained, ms, phrases)

    return run


def baseline_system(baseline: TutorialBaseline, *, k: int = 5) -> System:
    """The LangChain tutorial RAG: top chunk as the answer, its k=4 context as the sources."""

    def run(question: str, asked_on: str | None) -> Outcome:  # the tutorial has no notion of dates
        began = time.perf_counter()
        found = baseline.search(question, k=k)
        ms = (time.perf_counter() - began) * 1000
        return Outcome(found, found[0][1] if found else "", found[:CONTEXT_K], False, ms)

    return run


def evaluate(system: System, items: list[EvalItem], *, name: str) -> EvalResult:
    """Run every question through ``system`` and score it.

    An answer is right when it cites the gold article and its text (markers
    removed) states the gold answer; a passage hits when it holds it.
    """
    rows: list[dict[str, Any]] = []
    for item in items:
        out = system(item.question, item.asked_on)
        rank = next((i for i, (d, t) in enumerate(out.passages, 1) if item.hit(d, t)), None)
        cited = any(item.gold(d) for d, _ in out.citations)
        text = _MARKER.sub("", out.answer)
        rows.append(
            {
                "item": item,
                "rank": rank,
                "abstained": out.abstained,
                "cited": cited and not out.abstained,
                "right": cited and not out.abstained and item.holds(text),
                "marked": bool(out.phrases),
                "exact": any(normalise(p) in map(normalise, item.answers) for p in out.phrases),
                "chars": len(out.answer),
                "ms": out.ms,
            }
        )
    return summarise(name, rows)


def summarise(name: str, rows: list[dict[str, Any]]) -> EvalResult:
    """Aggregate per-question rows into an :class:`EvalResult`."""

    def figures(sub: list[dict[str, Any]]) -> dict[str, float]:
        ans = [r for r in sub if r["item"].answerable]
        neg = [r for r in sub if not r["item"].answerable]
        ranks = [r["rank"] for r in ans if r["item"].ranked]
        answered = [r for r in ans if not r["abstained"]]
        # Of the answers that marked a phrase, how many marked exactly a gold answer.
        with_answers = [r for r in answered if r["item"].answers and r["marked"]]
        return {
            "recall_at_1": _mean([rk is not None and rk <= 1 for rk in ranks]),
            "recall_at_5": _mean([rk is not None and rk <= 5 for rk in ranks]),
            "mrr": _mean([1 / rk if rk else 0.0 for rk in ranks]),
            "answer_right": _mean([r["right"] for r in ans]),
            "gold_cited": _mean([r["cited"] for r in ans]),
            "abstention": _mean([r["abstained"] for r in neg]),
            "false_abstention": _mean([r["abstained"] for r in ans]),
            "phrase_exact": _mean([r["exact"] for r in with_answers]),
            "answer_chars_p50": statistics.median([r["chars"] for r in answered]) if answered else math.nan,
        }

    overall = figures(rows)
    langs = sorted({r["item"].lang for r in rows})
    by_language = {lang: figures([r for r in rows if r["item"].lang == lang]) for lang in langs}
    failures = [
        f"{r['item'].id} {'refused' if r['abstained'] else 'answered'}: {r['item'].question}"
        for r in rows
        if (r["item"].answerable and not r["right"]) or (not r["item"].answerable and not r["abstained"])
    ]
    return EvalResult(
        name=name,
        questions=len(rows),
        **{k: round(v, 3) for k, v in overall.items()},
        ask_ms_p50=round(statistics.median(r["ms"] for r in rows), 1) if rows else math.nan,
        by_language={lang: {k: round(v, 3) for k, v in f.items()} for lang, f in by_language.items()},
        failures=failures,
    )


def evaluate_engine(engine: Engine, items: list[EvalItem], *, name: str = "ours", k: int = 5) -> EvalResult:
    """Score ``engine`` on ``items`` (see :func:`evaluate`)."""
    return evaluate(engine_system(engine, k=k), items, name=name)


def compare(
    engine: Engine,
    articles: list[Path],
    items: list[EvalItem],
    *,
    baseline: bool = True,
    others: dict[str, Engine] | None = None,
) -> list[EvalResult]:
    """Ours, BM25 alone, each embedder dense alone and the tutorial baseline, in one run.

    Args:
        engine: Our engine, with ``articles`` already ingested.
        articles: The article files (the baseline indexes them its own way).
        items: The questions.
        baseline: Also build and score the LangChain tutorial baseline.
        others: Engines on other embedders over the same articles, scored dense alone.
    """
    from rag.search.retrieval import Retriever

    def variant(name: str, **retriever: Any) -> EvalResult:
        other = Engine(engine.settings, embedder=engine.embedder, store=engine.store)
        other.index.__dict__["retriever"] = Retriever(
            store=engine.store, embedder=engine.embedder, cache_dir=engine.derived_dir(), **retriever
        )
        return evaluate_engine(other, items, name=name)

    results = [
        evaluate_engine(engine, items, name="ours"),
        variant("BM25 alone", unit="none"),
        variant(f"dense alone: {engine.embedder.name}", lexical_weight=0.0, cross_lexical_weight=0.0),
    ]
    for label, other in (others or {}).items():
        dense = Engine(other.settings.with_(lexical_weight=0.0, cross_lexical_weight=0.0), embedder=other.embedder)
        results.append(evaluate_engine(dense, items, name=f"dense alone: {label}"))
    if baseline:
        tutorial = TutorialBaseline(articles)
        try:
            results.append(evaluate(baseline_system(tutorial), items, name="LangChain tutorial"))
        finally:
            tutorial.close()
    return results


KEYS = (
    "recall_at_1", "recall_at_5", "mrr", "answer_right", "gold_cited", "abstention",
    "false_abstention", "phrase_exact", "answer_chars_p50", "ask_ms_p50",
)  # fmt: skip


def table(results: list[EvalResult]) -> str:
    """Results side by side, as a Markdown table."""
    head = "| metric | " + " | ".join(r.name for r in results) + " |"
    lines = [head, "|---|" + "---:|" * len(results)]
    for key in KEYS:
        lines.append(f"| {key} | " + " | ".join(_cell(getattr(r, key)) for r in results) + " |")
    langs = sorted({lang for r in results for lang in r.by_language})
    if len(langs) > 1:
        for lang in langs:
            for key in ("recall_at_5", "mrr", "answer_right", "false_abstention"):
                values = " | ".join(_cell(r.by_language.get(lang, {}).get(key, math.nan)) for r in results)
                lines.append(f"| {key} ({lang}) | {values} |")
    return "\n".join(lines)


def to_json(results: list[EvalResult]) -> str:
    """Results for machines; a figure with nothing to measure is ``null``."""
    return json.dumps([_nulls(asdict(r)) for r in results], indent=2, ensure_ascii=False, allow_nan=False)


def _nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _nulls(v) for k, v in value.items()}
    return None if isinstance(value, float) and math.isnan(value) else value


def _cell(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:g}"


def _mean(values: list[Any]) -> float:
    # NaN, not 0: a set without off-corpus questions has no abstention rate,
    # and printing 0 would read as "refused none".
    return sum(float(v) for v in values) / len(values) if values else math.nan
