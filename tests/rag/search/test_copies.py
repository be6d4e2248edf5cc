"""Near-duplicate groups (rag/search/copies.py) and what answers do with them (rag/answering/agreement.py)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from evaluation.reprints import COPY, Corpus, build, true_pairs
from rag.answering.agreement import differing_figures
from rag.api import Engine
from rag.display import reported_by
from rag.settings import Settings
from rag.types import Claim
from tests.conftest import ARTICLES, MELONI
from vectorstore.embedders.factory import E5Small


def chunk_table(engine: Engine) -> list[tuple[str, str, str, list[tuple[int, int]]]]:
    """Every chunk as ``(chunk_id, doc_id, text, sentence spans)``."""
    table = []
    for r in engine.store.iter_chunks():
        spans = [(int(a), int(b)) for a, b in (p.split(":") for p in str(r.meta["sentences"]).split(","))]
        table.append((r.id, str(r.meta["doc_id"]), r.text, spans))
    return table


@pytest.mark.slow
def test_grouping_precision_and_recall_on_the_multi_outlet_corpus(outlets: tuple[Engine, Corpus]):
    engine, corpus = outlets
    assert len(corpus.reprints) >= 10 and len({r.outlet for r in corpus.reprints}) >= 3
    chunks = chunk_table(engine)
    texts = {d: engine.store.document_text(d) or "" for d in engine.store.documents()}
    truth = {pair for pair, shared in true_pairs(corpus, chunks, texts).items() if shared >= COPY}
    found = engine.retriever.copies().pairs()
    precision = len(found & truth) / len(found)
    recall = len(found & truth) / len(truth)
    print(f"copy pairs: {len(truth)} true, {len(found)} found; precision {precision:.3f}, recall {recall:.3f}")
    assert len(truth) > 200
    assert precision >= 0.98 and recall >= 0.95
    # Articles: every reprint is one story with its original, and the five originals stay five stories.
    groups = engine.retriever.copies()
    assert {groups.story(r.path.stem) for r in corpus.reprints} == {groups.story(d) for d in corpus.originals}
    assert len({groups.story(d) for d in corpus.originals}) == 5


def test_meloni_gets_distinct_passages_and_the_reprints_as_duplicates(outlets: tuple[Engine, Corpus]):
    engine, corpus = outlets
    groups = engine.retriever.copies()
    passages = engine.retrieve("What did Meloni commit?", k=5)
    assert len(passages) == 5
    for i, p in enumerate(passages):
        for q in passages[i + 1 :]:
            assert q.chunk_id not in groups.of(p.chunk_id), (p.doc_id, q.doc_id)
    answer = engine.ask("What did Meloni commit?")
    assert not answer.abstained
    first = answer.citations[0]
    meloni_story = corpus.story(MELONI)
    assert first.doc_id in meloni_story
    assert set(first.duplicates) == meloni_story - {first.doc_id}
    claim = answer.claims[0]
    assert len(claim.sources) == 1 and set(claim.sources[0]) == meloni_story
    assert reported_by(claim).startswith("single source")


def test_the_changed_figure_is_a_disagreement_with_both_versions_cited(outlets: tuple[Engine, Corpus]):
    engine, corpus = outlets
    changed = next(r for r in corpus.reprints if r.changed_figure)
    old, new = changed.changed_figure or ("", "")
    answer = engine.ask("Quanti droni ucraini sono stati intercettati nella notte?")
    assert len(answer.disagreements) == 1
    figures = dict(answer.disagreements[0].figures)
    assert set(figures) == {old, new}
    by_n = {c.n: c for c in answer.citations}
    assert changed.path.stem in {by_n[figures[old]].doc_id, by_n[figures[new]].doc_id}
    assert new in by_n[figures[new]].quote and old in by_n[figures[old]].quote
    assert f"{old} [{figures[old]}]" in answer.text and f"{new} [{figures[new]}]" in answer.text


def test_without_grouping_copies_fill_the_top_five(outlets: tuple[Engine, Corpus], embedder: E5Small):
    engine, _ = outlets
    plain = Engine(replace(engine.settings, group_copies=False), embedder=embedder)
    passages = plain.retrieve("What did Meloni commit?", k=5)
    groups = engine.retriever.copies()
    repeated = sum(1 for i, p in enumerate(passages) for q in passages[i + 1 :] if q.chunk_id in groups.of(p.chunk_id))
    assert repeated >= 1 and all(p.duplicates == () for p in passages)


def test_filters_keep_one_copy_and_name_the_others(outlets: tuple[Engine, Corpus]):
    engine, corpus = outlets
    outlet = corpus.reprints[0].outlet
    passages = engine.retrieve("Zelensky garanzie di sicurezza", k=5, where={"outlet": outlet})
    assert passages and all(p.outlet == outlet for p in passages)
    assert any(p.duplicates for p in passages)


def test_groups_follow_removal_and_keep_signatures(tmp_path: Path, embedder: E5Small, monkeypatch: pytest.MonkeyPatch):
    from datasketch import MinHash

    corpus = build(sorted(ARTICLES.glob("*.txt"))[2:3], tmp_path / "articles", copies=2)
    engine = Engine(Settings(persist_dir=tmp_path / "index"), embedder=embedder)
    engine.ingest([tmp_path / "articles"], embed=False)
    gone = corpus.reprints[0].path.stem

    def docs_in(pairs: set[tuple[str, str]]) -> set[str]:
        found = engine.store.chunks_by_id(sorted({c for pair in pairs for c in pair}))
        return {str(r.meta["doc_id"]) for r in found.values()}

    before = engine.retriever.copies().pairs()
    assert gone in docs_in(before)
    hashed: list[int] = []
    real_update = MinHash.update_batch

    def counting(self, b):  # type: ignore[no-untyped-def]
        hashed.append(len(b))
        return real_update(self, b)

    monkeypatch.setattr(MinHash, "update_batch", counting)
    engine.remove([gone])
    after = engine.retriever.copies().pairs()
    assert after and after < before and gone not in docs_in(after)
    assert sum(hashed) == 0  # every remaining chunk's signature came from the cache


def test_differing_figures_needs_the_same_statement():
    a = "Il ministero ha dichiarato che nella notte sono stati intercettati 129 droni ucraini."
    assert differing_figures(a, a.replace("129", "130")) == (["129"], ["130"])
    assert differing_figures(a, a) is None
    assert differing_figures(a, "Alla riunione di Parigi hanno partecipato 35 leader.") is None
    assert differing_figures("Oltre 27 leader al vertice di Parigi.", "Oltre 35 leader al vertice di Parigi.") == (
        ["27"],
        ["35"],
    )


def test_reported_by_counts_stories_not_copies():
    one = Claim("x", (1,), 1.0, True, sources=(("a", "a-ansa", "a-sole"),))
    two = Claim("x", (1, 2), 1.0, True, sources=(("a", "a-ansa"), ("b",)))
    assert reported_by(one) == "single source, 3 articles"
    assert reported_by(two) == "reported by 2 independent sources, 3 articles"


def test_a_reprinted_quote_is_listed_once(outlets: tuple[Engine, Corpus]):
    engine, _ = outlets
    said = engine.quotes("Zelensky")
    groups = engine.retriever.copies()
    keys = [(q.text, groups.story(q.doc_id)) for q in said]
    assert said and len(keys) == len(set(keys))
    assert len({q.doc_id for q in said}) >= 3  # still every story that quotes him


def test_a_passage_printed_in_hundreds_of_articles_keeps_its_closest_copies(tmp_path: Path):
    from rag.search.copies import BUCKET_CAP, MAX_COPIES, Copies

    box = "Iscriviti alla newsletter quotidiana per ricevere ogni mattina le notizie più importanti della giornata."
    own = [
        f"Articolo {i}: il vertice numero {i} si è chiuso con la dichiarazione {i * 7} sul cessate il fuoco."
        for i in range(300)
    ]
    chunks = [(f"box-{i:03d}", f"doc-{i:03d}", box) for i in range(300)]
    chunks += [(f"own-{i:03d}", f"doc-{i:03d}", text) for i, text in enumerate(own)]
    groups = Copies.cached(tmp_path, chunks)  # built, saved, then read back below
    assert 2 * BUCKET_CAP < 300
    for i in range(300):
        found = groups.of(f"box-{i:03d}")
        assert 0 < len(found) <= MAX_COPIES and all(c.startswith("box-") for c in found)
        assert len(groups.docs_of(f"box-{i:03d}")) == len(found)
    assert all(not groups.of(f"own-{i:03d}") for i in range(300))
    again = Copies.cached(tmp_path, [])
    assert again.pairs() == groups.pairs() and again.story("doc-001") == groups.story("doc-001")
