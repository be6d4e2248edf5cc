"""Choose the fusion of dense and BM25 scores on the tune halves.

    python -m bench.fit.fusion [--write]        # fit on the tune halves (--write: into rag/fitted.json)
    python -m bench.fit.fusion --keyword-only tune|test   # the stand-in for missing vectors

For every tune question (SQuAD-it tune articles; golden tune questions by
language) it takes the two candidate lists the retriever fuses and scores
z-score blending at several BM25 weights against reciprocal rank fusion, by
MRR over the top 5. Uses the indexes bench/fit/answer.py caches.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np

from bench.fit import write
from bench.fit.answer import built
from evaluation.evaluate import EvalItem, half, load_golden
from evaluation.realtimeqa import load_realtimeqa, realtimeqa_articles
from evaluation.squad import load_squad, squad_articles
from rag.ingestion.chunk import sentence_id
from rag.ingestion.load import find_files
from rag.search.lexical import fuse
from rag.search.retrieval import CANDIDATES, to_passage

WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.5, 0.8, 1.0, 1.5)


def rrf(dense: list[tuple[str, float]], lexical: list[tuple[str, float]], weight: float) -> list[tuple[str, float]]:
    """Reciprocal rank fusion (k=60) with ``weight`` on the BM25 side."""
    scores: dict[str, float] = {}
    for w, hits in ((1.0, dense), (weight, lexical)):
        for rank, (i, _) in enumerate(hits, 1):
            scores[i] = scores.get(i, 0.0) + w / (60 + rank)
    return sorted(scores.items(), key=lambda kv: -kv[1])


def lists(engine, items: list[EvalItem]) -> list[tuple[EvalItem, list, list]]:  # type: ignore[no-untyped-def]
    """The dense and BM25 candidate lists the retriever would fuse, per question."""
    lexical_index = engine.retriever._lexical_index()
    out = []
    for item in items:
        vector = engine.retriever.embed_question(item.question)
        dense = engine.retriever.dense(vector, k=CANDIDATES, filters=None)
        out.append((item, dense, lexical_index.search(item.question, CANDIDATES)))
    return out


def mrr(engine, candidates: list, method, weight: float) -> float:  # type: ignore[no-untyped-def]
    """MRR@5 of ``method(dense, lexical, weight)`` over the questions' candidate lists."""
    total = 0.0
    for item, dense, lexical in candidates:
        top = [i for i, _ in method(dense, lexical, weight)[:5]]
        found = engine.store.chunks_by_id(top)
        hits = (r for r, i in enumerate(top, 1) if i in found and item.hit(found[i].meta["doc_id"], found[i].text))
        rank = next(hits, 0)
        total += 1 / rank if rank else 0.0
    return total / len(candidates)


def stand_in(engine, candidates: list) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[no-untyped-def]
    """How well a BM25 hit's z-score predicts the dense z-score it has (for chunks without vectors).

    For every BM25 candidate, its true dense score (best sentence cosine from
    the stored vectors, found by the dense list or not) standardised with the
    dense list's mean and spread, against its BM25 z-score (pairs pooled
    over questions; :func:`line` fits them). What ``fuse(..., unembedded=)``
    puts in place of a dense z-score is that line's prediction.
    """
    xs: list[float] = []
    ys: list[float] = []
    for item, dense, lexical in candidates:
        if len(dense) < 2 or len(lexical) < 2:
            continue
        vector = engine.retriever.embed_question(item.question)
        values = np.array([v for _, v in dense])
        mean, spread = values.mean(), values.std()
        lex = np.array([v for _, v in lexical])
        zl = (lex - lex.mean()) / max(lex.std(), 1e-9)
        found = engine.store.chunks_by_id([i for i, _ in lexical])
        for (i, _), z in zip(lexical, zl, strict=True):
            if i not in found:
                continue
            passage = to_passage(found[i])
            ids = [sentence_id(passage.doc_id, a, t) for a, _, t in passage.sentence_texts()]
            vectors = list(engine.store.sentence_vectors(ids).values())
            if vectors:
                xs.append(float(z))
                ys.append(float((max(float(v @ vector) for v in vectors) - mean) / max(spread, 1e-9)))
    return np.array(xs), np.array(ys)


def line(x: np.ndarray, y: np.ndarray) -> str:
    """Least-squares intercept and slope of ``y`` on ``x``, with the correlation."""
    slope, intercept = np.polyfit(x, y, 1)
    r = np.corrcoef(x, y)[0, 1]
    return f"dense z = {intercept:.3f} + {slope:.3f} * BM25 z over {len(x)} BM25 candidates (r {r:.3f})"


def keyword_only(engine, candidates: list, weight: float, line: tuple[float, float]) -> str:  # type: ignore[no-untyped-def]
    """MRR@5 when every second article is keyword-only: its chunks dropped from the dense lists.

    Against the dense floor (what such chunks got before) and the fitted line
    (``fuse(..., unembedded=, stand_in=)``), over the questions whose gold
    article is one of the keyword-only ones and over all.
    """
    owner = {r.id: r.meta["doc_id"] for r in engine.store.iter_chunks()}
    pending = set(sorted(set(owner.values()))[1::2])
    unembedded = {i for i, d in owner.items() if d in pending}
    a, b = line
    scores: dict[str, list[float]] = {}
    for item, dense, lexical in candidates:
        kept = [(i, v) for i, v in dense if i not in unembedded]
        gold_pending = any(item.gold(d) for d in pending)
        values = [v for _, v in kept]
        floor = (min(values) - np.mean(values)) / max(float(np.std(values)), 1e-9) if len(values) > 1 else 0.0
        variants = {
            "floor": {},
            "line": {"unembedded": unembedded, "stand_in": lambda _, z: a + b * z},
            "max(floor, line)": {"unembedded": unembedded, "stand_in": lambda _, z, f=floor: max(f, a + b * z)},
        }
        for name, args in variants.items():
            fused = fuse(kept, lexical, weight, **args)  # type: ignore[arg-type]
            top = [i for i, _ in fused[:5]]
            found = engine.store.chunks_by_id(top)
            ranks = (r for r, i in enumerate(top, 1) if i in found and item.hit(owner[i], found[i].text))
            rank = next(ranks, 0)
            scores.setdefault(name, []).append(1 / rank if rank else 0.0)
            if gold_pending:
                scores.setdefault(f"{name}, pending gold", []).append(1 / rank if rank else 0.0)
    return "; ".join(f"{k} {np.mean(v):.3f} ({len(v)})" for k, v in scores.items() if v)


def ablation(which: str) -> None:
    """``--keyword-only tune|test``: the fitted stand-in line against the dense floor, on one half of each suite."""
    from rag.fitted import CROSS_LEXICAL_WEIGHT, CROSS_STAND_IN, LEXICAL_WEIGHT, STAND_IN

    test = half("golden", which)
    golden = [i for i in load_golden() if (test is None or i.id in test) and i.answerable]
    sample = built("sample", [p for p, bad in find_files(["data/articles"]) if not bad])
    wiki = built("squad", squad_articles())
    outside = Path(tempfile.gettempdir()) / "rag-fit-realtimeqa"
    news = built("realtimeqa", realtimeqa_articles(outside / "articles"), persist=outside / "index")
    same, cross = (LEXICAL_WEIGHT, STAND_IN), (CROSS_LEXICAL_WEIGHT, CROSS_STAND_IN)
    sets = {
        f"realtimeqa {which} (en over en)": (news, [i for i in load_realtimeqa(weeks=half("realtimeqa", which))
                                                 if i.answerable and i.ranked], same),
        f"squad-it {which} (it)": (wiki, load_squad(docs=half("squad-it", which)), same),
        f"squad-it {which} (en over it)": (wiki, [i for i in load_squad(docs=half("squad-it", which), english=True)
                                              if i.lang == "en"], cross),
        f"golden {which} (it)": (sample, [i for i in golden if i.lang == "it"], same),
        f"golden {which} (en)": (sample, [i for i in golden if i.lang == "en"], cross),
    }  # fmt: skip
    for name, (engine, items, (weight, fitted_line)) in sets.items():
        print(f"{name}, {len(items)} questions: {keyword_only(engine, lists(engine, items), weight, fitted_line)}")


def main() -> None:
    tune = half("golden", "tune")
    golden = [i for i in load_golden() if (tune is None or i.id in tune) and i.answerable]
    sample = built("sample", [p for p, bad in find_files(["data/articles"]) if not bad])
    wiki = built("squad", squad_articles())
    # CNN's texts stay outside the repository (evaluation only).
    outside = Path(tempfile.gettempdir()) / "rag-fit-realtimeqa"
    news = built("realtimeqa", realtimeqa_articles(outside / "articles"), persist=outside / "index")
    rtqa = [i for i in load_realtimeqa(weeks=half("realtimeqa", "tune")) if i.answerable]
    sets = {
        "realtimeqa tune (en over en)": (news, rtqa),
        "squad-it tune (it)": (wiki, load_squad(docs=half("squad-it", "tune"))),
        "squad-it tune (en over it)": (
            wiki,
            [i for i in load_squad(docs=half("squad-it", "tune"), english=True) if i.lang == "en"],
        ),
        "golden tune (it)": (sample, [i for i in golden if i.lang == "it"]),
        "golden tune (en)": (sample, [i for i in golden if i.lang == "en"]),
    }
    pooled: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {"same": [], "cross": []}
    mrrs: dict[str, dict[float, float]] = {}
    for name, (engine, items) in sets.items():
        candidates = lists(engine, items)
        z = mrrs[name] = {w: round(mrr(engine, candidates, fuse, w), 3) for w in WEIGHTS}
        r = {w: round(mrr(engine, candidates, rrf, w), 3) for w in (0.5, 1.0)}
        print(f"{name}, {len(items)} questions: z-score {z}; rrf {r}")
        x, y = stand_in(engine, candidates)
        pooled["cross" if "(en over it)" in name or "(en)" in name else "same"].append((x, y))
        print(f"  {line(x, y)}")
    values: dict[str, list[float] | float] = {}
    for kind, pairs in pooled.items():
        x, y = np.concatenate([p[0] for p in pairs]), np.concatenate([p[1] for p in pairs])
        print(f"pooled, {kind} language: {line(x, y)}")
        slope, intercept = np.polyfit(x, y, 1)
        values["STAND_IN" if kind == "same" else "CROSS_STAND_IN"] = [
            round(float(intercept), 3),
            round(float(slope), 3),
        ]
    # BM25's weight: the best mean MRR@5 over the sets of each kind.
    for kind, key in (("same", "LEXICAL_WEIGHT"), ("cross", "CROSS_LEXICAL_WEIGHT")):
        names = [n for n in sets if ("(en over it)" in n or "(en)" in n) == (kind == "cross")]
        values[key] = max(WEIGHTS, key=lambda w: sum(mrrs[n][w] for n in names))
    print(values)
    if "--write" in sys.argv:
        write(values, by="bench/fit/fusion.py")


if __name__ == "__main__":
    np.seterr(all="ignore")
    ablation(sys.argv[2]) if sys.argv[1:2] == ["--keyword-only"] else main()
