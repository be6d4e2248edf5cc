import pytest

from rag.api import Engine
from rag.types import Filters


def test_top_passage_for_known_questions(sample_engine: Engine):
    passages = sample_engine.retrieve("Chi ha guidato la delegazione americana a Parigi?", k=5)
    assert any("guidata da Steve Witkoff" in p.text for p in passages[:3])
    assert [p.score for p in passages] == sorted((p.score for p in passages), reverse=True)
    top = passages[0]
    assert sample_engine.document(top.doc_id)[top.start : top.end] == top.text  # type: ignore[index]


def test_filters_by_doc_outlet_and_date(sample_engine: Engine):
    q = "garanzie di sicurezza per l'Ucraina"
    only = sample_engine.retrieve(q, k=10, where={"doc_id": "001_51be7fdfb486c944"})
    assert only and {p.doc_id for p in only} == {"001_51be7fdfb486c944"}
    adn = sample_engine.retrieve(q, k=20, where={"outlet": "Adnkronos"})
    assert adn and {p.outlet for p in adn} == {"Adnkronos"}
    jan = sample_engine.retrieve(q, k=20, where=Filters(date_from="2026-01-01", date_to="2026-01-31"))
    assert jan and {p.doc_id[:3] for p in jan} <= {"002", "003"}
    sept = sample_engine.retrieve(q, k=20, where={"date_to": "2025-12-31"})
    assert {p.doc_id[:3] for p in sept} == {"004"}


def test_unknown_filter_is_a_config_error(sample_engine: Engine):
    import pytest

    from rag.errors import ConfigError

    with pytest.raises(ConfigError, match="unknown filter"):
        sample_engine.retrieve("Meloni", where={"author": "x"})


@pytest.mark.slow
def test_bm25_and_vocabulary_are_saved_per_generation_and_reloaded(engine: Engine, articles):
    engine.ingest([articles])
    first = engine.retrieve("Cosa ha promesso Meloni?")
    engine.vocabulary()
    folder = engine.derived_dir()
    assert (folder / "bm25-by-language" / "languages.json").exists()
    assert (folder / "vocabulary" / "vocabulary.json").exists()
    other = Engine(engine.settings, embedder=engine.embedder)  # as a new process would
    assert [p.chunk_id for p in other.retrieve("Cosa ha promesso Meloni?")] == [p.chunk_id for p in first]
    assert other.vocabulary().match("Meloni").closeness == 1.0
    (articles / "extra.txt").write_text("Il vertice di Oslo ha discusso di sanzioni e di energia.", "utf-8")
    engine.ingest([articles])
    assert engine.derived_dir() != folder and not folder.exists()  # the old generation's cache is gone
    hits = other.retrieve("vertice di Oslo sanzioni energia")  # the other engine notices and rebuilds
    assert hits[0].doc_id == "extra"


def test_fusion_lets_bm25_stand_in_for_the_vectors_a_keyword_only_chunk_lacks():
    from rag.search.lexical import fuse

    dense = [("a", 0.9), ("b", 0.8), ("c", 0.7)]
    lexical = [("new", 12.0), ("a", 6.0), ("b", 3.0)]
    plain = dict(fuse(dense, lexical, 0.8))
    stood_in = dict(fuse(dense, lexical, 0.8, unembedded={"new"}))
    z_new = (12.0 - 7.0) / 14**0.5  # BM25 z-score of "new" over its list
    z_floor = -(0.1 / (0.02 / 3) ** 0.5)  # the lowest dense z-score listed
    assert plain["new"] == pytest.approx(z_floor + 0.8 * z_new)
    assert stood_in["new"] == pytest.approx(z_new + 0.8 * z_new)
    assert {k: v for k, v in stood_in.items() if k != "new"} == {k: v for k, v in plain.items() if k != "new"}
    assert max(plain, key=plain.__getitem__) == "a" and max(stood_in, key=stood_in.__getitem__) == "new"
    # With a fitted line, the dense z-score it predicts, but never below the floor.
    line = dict(fuse(dense, lexical, 0.2, unembedded={"new"}, stand_in=lambda i, z: -0.5 + 0.4 * z))
    assert line["new"] == pytest.approx(-0.5 + 0.4 * z_new + 0.2 * z_new)
    low = dict(fuse(dense, lexical, 0.2, unembedded={"new"}, stand_in=lambda i, z: -4.0 + 0.4 * z))
    assert low["new"] == pytest.approx(plain["new"] - 0.6 * z_new)  # the floor + 0.2 * z_new


@pytest.mark.slow
def test_a_keyword_only_article_that_matches_best_is_found_first(engine: Engine, articles):
    engine.ingest([articles])
    (articles / "oslo.txt").write_text(
        "Vertice di Oslo sulle garanzie di sicurezza\n\n"
        "Il vertice di Oslo sulle garanzie di sicurezza per l'Ucraina si terrà il 12 marzo, "
        "con i ministri degli Esteri di dodici Paesi europei.",
        "utf-8",
    )
    engine.ingest([articles], embed=False)  # searchable by keyword, vectors later
    assert engine.embed_status().keyword_only == 1
    question = "Quali Paesi parteciperanno al vertice sulle garanzie di sicurezza per l'Ucraina?"
    assert engine.retrieve(question, k=3)[0].doc_id == "oslo"
    engine.embed_pending()
    assert engine.embed_status().keyword_only == 0 and not engine.retriever.unembedded()  # our own pass too
    assert engine.retrieve(question, k=3)[0].doc_id == "oslo"  # and still first once embedded
