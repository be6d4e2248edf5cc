"""Renderings of cited sentences: each translator's quality, speed and faithfulness; fits the cosine bar.

    python -m bench.bench_renderings --translators apertium llamacpp:qwen2.5-0.5b llamacpp:qwen2.5-1.5b

Reads ``../shared/eval/it-en-parallel`` (Italian paragraphs with their
English originals; skipped with a message when absent) and renders each
Italian sentence alone, as the product does. Reports corpus chrF against the
English paragraphs (sacrebleu), median seconds per sentence, and how often
the faithfulness check withholds a rendering and why.

The check's minimum cross-lingual E5 cosine is fitted on the reference
translations, not on any translator's output: sentence pairs of paragraphs
whose Italian and English split into as many sentences are aligned; a
sentence with its own translation is a faithful rendering, with another
sentence of the same paragraph an unfaithful one on the same topic. The bar
is fitted on the odd paragraphs and its error rates are reported on the even
ones. It also renders every 3rd sentence of the sample articles for judging
by hand (written to bench/.cache/renderings-sample-<translator>.txt).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Any

import numpy as np

from rag.ingestion.chunk import split_sentences
from rag.settings import Settings
from rag.translation.rendering import rendered_quotes
from rag.translation.translators import make_translators
from vectorstore.embedders.factory import make_embedder

PAIRS = Path("../shared/eval/it-en-parallel/pairs.jsonl")
RESULTS = Path("bench/results/renderings.json")
CACHE = Path("bench/.cache")


def sentences(text: str, language: str) -> list[str]:
    return [s.text for s in split_sentences(text, language=language)]


def fit_bar(pairs: list[dict], embedder) -> dict:  # type: ignore[no-untyped-def]
    """The cosine bar that best tells a sentence's translation from a sibling's, fitted on odd paragraphs."""
    rows: dict[str, list[tuple[float, bool]]] = {"fit": [], "check": []}
    for i, p in enumerate(pairs):
        it, en = sentences(p["it"], "it"), sentences(p["en"], "en")
        if len(it) != len(en) or len(it) < 2:
            continue
        v_it, v_en = embedder.embed_query(it), embedder.embed_query(en)
        sims = v_it @ v_en.T
        side = "fit" if i % 2 == 0 else "check"
        for a in range(len(it)):
            for b in range(len(en)):
                rows[side].append((float(sims[a, b]), a == b))
    scores = np.array([s for s, _ in rows["fit"]])
    truth = np.array([t for _, t in rows["fit"]])

    def balanced(bar: float, s: np.ndarray, t: np.ndarray) -> float:
        return float(((s >= bar) & t).sum() / t.sum() + ((s < bar) & ~t).sum() / (~t).sum()) / 2

    bars = np.round(np.arange(0.70, 0.96, 0.005), 3)
    best = float(max(bars, key=lambda b: balanced(b, scores, truth)))
    cs = np.array([s for s, _ in rows["check"]])
    ct = np.array([t for _, t in rows["check"]])
    return {
        "bar": best,
        "fit_pairs": int(truth.sum()),
        "check_pairs": int(ct.sum()),
        "check_faithful_withheld": round(float((cs[ct] < best).mean()), 3),
        "check_sibling_passed": round(float((cs[~ct] >= best).mean()), 3),
    }


class Reference:
    """Each Italian sentence rendered by its aligned English original.

    How often does the check withhold a faithful rendering?
    """

    name = "reference"

    def __init__(self, table: dict[str, str]) -> None:
        self.table = table

    def translate(self, texts, *, source: str, target: str) -> list[str]:  # type: ignore[no-untyped-def]
        return [self.table.get(t, t) for t in texts]


def aligned(pairs: list[dict]) -> dict[str, str]:
    """Italian sentence -> its English original, for paragraphs that split into as many sentences."""
    table: dict[str, str] = {}
    for p in pairs:
        it, en = sentences(p["it"], "it"), sentences(p["en"], "en")
        if len(it) == len(en):
            table.update(zip(it, en, strict=True))
    return table


def run(spec: str, pairs: list[dict], *, settings: Settings, embedder, bar: float) -> dict:  # type: ignore[no-untyped-def]
    """Render every paragraph's sentences as an answer's citations are rendered (rag/translation/rendering.py)."""
    import sacrebleu

    if spec == "reference":
        table = aligned(pairs)
        translators: list[Any] = [Reference(table)]
        pairs = [p for p in pairs if all(s in table for s in sentences(p["it"], "it"))]
    else:
        translators = make_translators(spec, settings=settings)
    hyps, refs, seconds, verdicts = [], [], [], []
    for p in pairs:
        quotes = sentences(p["it"], "it")
        t = time.perf_counter()
        out = rendered_quotes(quotes, source="it", target="en", translators=translators, embedder=embedder, bar=bar)
        seconds.append((time.perf_counter() - t) / len(quotes))
        hyps.append(" ".join(out[q].text for q in quotes))
        refs.append(p["en"])
        verdicts += [out[q] for q in quotes]
    back = {}
    if spec != "reference":  # the other direction: each English sentence rendered into Italian
        italian = []
        for p in pairs:
            quotes = sentences(p["en"], "en")
            made = rendered_quotes(quotes, source="en", target="it", translators=translators,
                                   embedder=embedder, bar=bar)  # fmt: skip
            italian.append(" ".join(made[q].text for q in quotes))
        back = {"chrf_en_it": round(sacrebleu.corpus_chrf(italian, [[p["it"] for p in pairs]]).score, 1)}
    why: dict[str, int] = {}
    for r in verdicts:
        if r.withheld:
            key = "a name is missing" if r.withheld.startswith("the name") else r.withheld
            why[key] = why.get(key, 0) + 1
    return {
        "translator": spec,
        "chrf": round(sacrebleu.corpus_chrf(hyps, [refs]).score, 1),
        **back,
        "sentences": len(verdicts),
        "median_s_per_sentence": round(statistics.median(seconds), 3),
        "withheld": round(sum(not r.shown for r in verdicts) / len(verdicts), 3),
        "withheld_why": why,
        "shown_by": {t.name: sum(r.shown and r.translator == t.name for r in verdicts) for t in translators},
    }


def sample(spec: str, *, settings: Settings, embedder, bar: float) -> Path:  # type: ignore[no-untyped-def]
    """Every 3rd sentence (up to 45) of the sample articles with its rendering and verdict, for judging by hand."""
    translators = make_translators(spec, settings=settings)
    picked = []
    for path in sorted(Path("data/articles").glob("*.txt")):
        picked += [s for s in sentences(path.read_text(encoding="utf-8"), "it") if len(s) > 40]
    picked = picked[::3][:45]
    out = rendered_quotes(picked, source="it", target="en", translators=translators, embedder=embedder, bar=bar)
    target = CACHE / f"renderings-sample-{spec.replace(':', '-').replace(',', '+')}.txt"
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8") as f:
        for i, s in enumerate(picked, 1):
            r = out[s]
            f.write(f"{i}. IT: {s}\n   EN ({r.translator}): {r.text}\n   check: {r.withheld or 'shown'}\n\n")
    return target


def leftovers(timeout: float) -> dict:  # type: ignore[type-arg]
    """Words left in the source language in Apertium's renderings of the sample's sentences, glossed or not.

    Counted from Apertium's own marks: a lower-case word neither leg knew (Italian left in the English),
    and a word the second leg did not know (Spanish left in it). A marked word that English's own
    dictionary knows is an English word in the Italian text ("leader", "raid") and is not counted;
    names are kept as written by design and not counted either.
    """
    from rag.translation.apertium import Apertium
    from rag.translation.apertium_words import LEFT, PIVOT_LEFT
    from rag.translation.lexicon import shared_lexicon

    def foreign(words: list[str]) -> int:
        read = shared_lexicon().readings(words, language="en") if words else []
        return sum(not any(rs for _, rs in r) for r in read)

    picked = []
    for path in sorted(Path("data/articles").glob("*.txt")):
        picked += [s for s in sentences(path.read_text(encoding="utf-8"), "it") if len(s) > 40]
    out = {}
    for glossed in (False, True):
        made = Apertium(timeout=timeout, glosses=glossed).marked(picked, source="it", target="en")
        out["glossed" if glossed else "as the route leaves them"] = {
            "sentences": len(picked),
            "italian_words_left": foreign([w for m in made for w in LEFT.findall(m)]),
            "spanish_words_left": foreign([w for m in made for w in PIVOT_LEFT.findall(m)]),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--translators",
        nargs="+",
        default=["reference", "apertium", "llamacpp:qwen2.5-1.5b", "llamacpp:qwen2.5-1.5b,apertium"],
    )
    parser.add_argument("--pairs", type=Path, default=PAIRS)
    parser.add_argument("--no-sample", action="store_true")
    parser.add_argument("--write", action="store_true", help="put the fitted bar in rag/fitted.json")
    args = parser.parse_args()
    if not args.pairs.is_file():
        print(f"skipped: {args.pairs} is absent (the parallel set is read from ../shared at evaluation time)")
        return
    pairs = [json.loads(line) for line in args.pairs.read_text(encoding="utf-8").splitlines() if line.strip()]
    settings = Settings.from_env()
    embedder = make_embedder(settings.embedder, threads=settings.embed_threads)
    fitted = fit_bar(pairs, embedder)
    print("bar", fitted)
    if args.write:
        from bench.fit import write

        write({"RENDERING_BAR": fitted["bar"]}, by="bench/bench_renderings.py")
    rows = []
    for spec in args.translators:
        rows.append(run(spec, pairs, settings=settings, embedder=embedder, bar=fitted["bar"]))
        print(rows[-1])
        if not args.no_sample and spec != "reference":
            print("sample for judging:", sample(spec, settings=settings, embedder=embedder, bar=fitted["bar"]))
    left = leftovers(settings.llm_timeout) if any(s.startswith("apertium") for s in args.translators) else {}
    print("words left", left)
    RESULTS.write_text(json.dumps({"bar": fitted, "translators": rows, "sample_words_left": left}, indent=2) + "\n",
                       encoding="utf-8")  # fmt: skip


if __name__ == "__main__":
    main()
