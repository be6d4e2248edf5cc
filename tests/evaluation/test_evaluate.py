import json
import math

import pytest

from evaluation.evaluate import compare, evaluate_engine, half, load_golden, table, to_json
from evaluation.squad import load_squad, squad_articles
from rag.api import Engine
from tests.conftest import ARTICLES


def test_golden_set_is_well_formed():
    items = load_golden()
    answerable = [i for i in items if i.answerable]
    assert len(answerable) >= 60 and len(items) - len(answerable) >= 15
    by_lang = {lang: sum(i.lang == lang for i in answerable) for lang in ("it", "en")}
    assert abs(by_lang["it"] - by_lang["en"]) <= 2
    assert len({i.doc_id for i in answerable}) == 5
    assert len({i.id for i in items}) == len(items)


def test_splits_are_fixed_disjoint_halves():
    golden = {i.id for i in load_golden()}
    tune, test = half("golden", "tune"), half("golden", "test")
    assert tune and test and not tune & test and tune | test == golden
    squad_tune, squad_test = half("squad-it", "tune"), half("squad-it", "test")
    assert len(squad_tune) == len(squad_test) == 12 and not squad_tune & squad_test


def test_squad_items_hold_their_answer_at_its_position():
    items = load_squad(docs={"w01"})
    assert len(items) > 50 and all(i.lang == "it" and i.doc_id == "w01" for i in items)
    first = items[0]
    assert first.answers == ("Amazzonia",)
    # The answer with its context counts, case and spacing aside; the same word elsewhere does not.
    assert first.holds("Selva   Amazà³nica, AMAZZONIA o di solito")
    assert not first.holds("la regione si chiama Amazzonia.")


@pytest.mark.slow
def test_quality_on_the_golden_test_half(sample_engine: Engine):
    chosen = half("golden", "test")
    result = evaluate_engine(sample_engine, [i for i in load_golden() if i.id in chosen])
    # Floors a little under the test-half figures in docs/BENCHMARKS.md, so a
    # change that loses quality fails here.
    assert result.recall_at_5 >= 0.93
    assert result.mrr >= 0.85
    assert result.answer_right >= 0.85
    assert result.abstention >= 0.85
    assert result.false_abstention <= 0.07


@pytest.mark.slow
def test_ours_leads_the_baselines(sample_engine: Engine):
    results = compare(sample_engine, sorted(ARTICLES.glob("*.txt")), load_golden())
    ours = results[0]
    assert [r.name for r in results] == ["ours", "BM25 alone", "dense alone: e5-small", "LangChain tutorial"]
    for other in results[1:]:
        assert ours.mrr > other.mrr, other.name
        assert ours.answer_right >= other.answer_right, other.name
    assert "| mrr |" in table(results)


@pytest.mark.slow
def test_squad_it_sample_through_the_engine(engine: Engine):
    # Two articles and every 4th of their questions: real E5 index, real scoring.
    docs = {"w01", "w03"}
    engine.ingest(squad_articles(docs=docs))
    result = evaluate_engine(engine, load_squad(docs=docs)[::4])
    assert result.questions > 40
    assert result.recall_at_5 >= 0.8 and result.answer_right >= 0.55 and result.false_abstention <= 0.1
    # SQuAD-it has no off-corpus questions: no abstention rate, rather than a 0 that reads "refused none".
    assert math.isnan(result.abstention)
    assert "| abstention | n/a |" in table([result])
    assert json.loads(to_json([result]))[0]["abstention"] is None
