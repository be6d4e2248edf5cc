"""The question-type dev set and its rules (evaluation/question_types.py): exact outputs on made-up answers."""

from __future__ import annotations

from collections import Counter

from evaluation.question_types import TypedQuestion, load, score
from rag.types import Answer, Citation


def answer(*quotes: tuple[str, str], abstained: bool = False) -> Answer:
    citations = tuple(
        Citation(n, doc, "t", None, None, quote, 0, len(quote), 1.0) for n, (doc, quote) in enumerate(quotes, 1)
    )
    return Answer("q", " ".join(q for _, q in quotes), citations, abstained, ())


def test_the_set_covers_every_kind_in_both_languages_on_both_corpora():
    items = load()
    sample = [i for i in items if i.corpus == "sample"]
    assert len(sample) >= 80 and len(items) - len(sample) >= 38
    kinds = Counter((i.kind, i.lang) for i in sample)
    for kind in ("list", "count", "time", "who_is", "summary", "latest", "comparison", "followup", "unanswerable"):
        assert kinds[(kind, "it")] and kinds[(kind, "en")], kind
    assert len({i.id for i in items}) == len(items)


def test_the_rules_are_checked_as_written():
    item = TypedQuestion("k13", "sample", "it", "count", "Quanti droni?", must=("129",), first="129")
    assert score(item, answer(("003", "intercettati 129 droni")))["useful"] is True
    late = score(item, answer(("003", "un drone abbattuto"), ("003", "129 droni")))
    assert late == {"refused": False, "useful": False, "why": "first sentence lacks '129'"}
    assert score(item, answer(abstained=True))["why"] == "refused"
    cover = TypedQuestion(
        "k01", "sample", "en", "list", "Who?", must=("Meloni", "Zelensky", "Usa|Stati Uniti"), at_least=2
    )
    assert score(cover, answer(("002", "Meloni e gli Stati Uniti")))["useful"] is True
    summary = TypedQuestion("k41", "sample", "en", "summary", "Sum up", cites_at_least=3)
    assert "cites 2 articles" in score(summary, answer(("002", "a"), ("003", "b")))["why"]
    refuse = TypedQuestion("k77", "sample", "en", "unanswerable", "Population?", refuse=True)
    assert score(refuse, answer(abstained=True))["refused"] and not score(refuse, answer(("003", "Tver")))["refused"]
