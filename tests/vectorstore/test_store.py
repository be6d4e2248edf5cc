import pytest

from rag.api import Engine
from rag.errors import EmbedderMismatch, IndexNotFound, StoreUnavailable
from rag.settings import Settings
from tests.conftest import ARTICLES, MELONI, free_port
from vectorstore.embedders.factory import SentenceTransformerEmbedder, make_embedder


@pytest.mark.slow
def test_server_mode_ingests_and_answers(chroma_server: str, embedder, tmp_path):
    settings = Settings(persist_dir=tmp_path / "unused", chroma_url=chroma_server, collection="server-test")
    engine = Engine(settings, embedder=embedder)
    first = engine.ingest([ARTICLES])
    assert len(first.added) == 5
    assert engine.ingest([ARTICLES]).added == ()
    answer = engine.ask("Cosa ha promesso Meloni?")
    assert answer.citations and answer.citations[0].doc_id == MELONI
    # Only the writer lock and caches (BM25, vocabulary) live locally; the index is on the server.
    assert sorted(p.name for p in (tmp_path / "unused").iterdir()) == ["derived", "ingest.lock"]
    # a second client (another process would do the same) sees the same index
    other = Engine(settings, embedder=embedder)
    assert other.stats().chunks == first.chunks


def test_dead_server_is_a_clear_error(embedder, tmp_path):
    settings = Settings(persist_dir=tmp_path, chroma_url=f"http://127.0.0.1:{free_port()}", chroma_timeout=2)
    with pytest.raises(StoreUnavailable, match="not answering"):
        Engine(settings, embedder=embedder).stats()


def test_missing_index_says_how_to_build_one(engine: Engine):
    with pytest.raises(IndexNotFound, match="python -m rag ingest"):
        engine.ask("Cosa ha promesso Meloni?")


@pytest.mark.slow
def test_sentence_transformers_embedder_for_real_and_mismatch(tmp_path):
    minilm = make_embedder("sentence-transformers:all-MiniLM-L6-v2")
    assert isinstance(minilm, SentenceTransformerEmbedder)
    settings = Settings(persist_dir=tmp_path / "idx", embedder=minilm.name)
    engine = Engine(settings, embedder=minilm)
    report = engine.ingest([ARTICLES])
    assert len(report.added) == 5 and engine.stats().dimension == 384
    passages = engine.retrieve("Witkoff Kushner Mosca Cremlino", k=3)
    assert passages and passages[0].doc_id == "001_51be7fdfb486c944"
    use = make_embedder("use-multilingual")
    with pytest.raises(EmbedderMismatch, match="re-index"):
        Engine(settings.with_(embedder=use.name), embedder=use).stats()
    rebuilt = Engine(settings.with_(embedder=use.name), embedder=use).ingest([ARTICLES], reindex=True)
    assert len(rebuilt.added) == 5


def test_unknown_embedder_lists_the_valid_ones():
    from rag.errors import ConfigError

    with pytest.raises(ConfigError, match="e5-small, use-multilingual"):
        make_embedder("word2vec")


def test_reading_the_generation_first_still_opens_every_collection(sample_engine: Engine):
    fresh = Engine(sample_engine.settings)
    fresh.quotebook()  # reads the index generation, which opens only the "meta" collection
    assert fresh.timeline("Zelenski") == sample_engine.timeline("Zelensky")
    assert not fresh.ask("What did Meloni commit?").abstained


@pytest.mark.slow
def test_a_rebuild_keeps_every_record_and_a_cut_swap_is_finished_on_open(engine: Engine):
    from tests.conftest import snapshot

    engine.ingest([ARTICLES])
    before = snapshot(engine)
    store = engine.store
    store.rebuild()  # what the writer after a killed one does (rag/index.py)
    assert snapshot(engine) == before  # records, vectors, copies and the same top 5 in order
    # Killed between dropping "chunks" and renaming its copy: the next open renames it.
    name = store.client.names["chunks"]
    spare = store.client.chroma.create_collection(
        f"{name}-rebuild", metadata=store.client.cols["chunks"].metadata, configuration={"hnsw": {"space": "cosine"}}
    )
    for batch in store.repairs._all_records(store.client.cols["chunks"]):
        spare.add(**batch)
    store.client.chroma.delete_collection(name)
    reopened = Engine(engine.settings, embedder=engine.embedder)
    assert snapshot(reopened) == before
