from rag.api import Engine
from rag.evaluate import evaluate_engine, load_golden


def test_golden_set_is_well_formed():
    items = load_golden()
    answerable = [i for i in items if i.answerable]
    assert len(answerable) >= 30 and len(items) - len(answerable) >= 10
    assert {i.lang for i in answerable} == {"it", "en"}
    assert len({i.doc_id for i in answerable}) == 5


def test_quality_does_not_regress(sample_engine: Engine):
    result = evaluate_engine(sample_engine, load_golden())
    # Floors a little under today's figures (see docs/BENCHMARKS.md) so that a
    # change that loses quality fails here.
    assert result.recall_at_5 >= 0.93
    assert result.mrr >= 0.80
    assert result.answer_correct >= 0.85
    assert result.abstention >= 0.9
    assert result.false_abstention <= 0.05
