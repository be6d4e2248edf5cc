"""Property tests: chunking invariants, and a stateful model of incremental ingest.

The state machine follows Chroma's own stateful tests: rules add, modify and
delete article files and ingest them, with and without ``--prune``; after
every step the index must hold exactly what a fresh ingest of the expected
files would (same documents and hashes, same chunk and sentence ids, nothing
pending, the lexical index in step).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from rag.api import Engine
from rag.ingestion.chunk import chunk_article, sentence_id, split_sentences
from rag.ingestion.clean import clean
from rag.ingestion.load import read_file
from rag.settings import Settings
from rag.types import Article
from tests.conftest import ARTICLES, snapshot
from vectorstore.embedders.factory import E5Small

POOL = [s.text for p in sorted(ARTICLES.glob("*.txt")) for s in split_sentences(p.read_text("utf-8"))]
POOL = [s for s in POOL if len(s) > 40][:120]

sentences = st.lists(st.sampled_from(POOL), min_size=1, max_size=12)
paragraph_text = st.lists(
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=80)
    | st.sampled_from(POOL),
    min_size=1,
    max_size=10,
)


def article_of(text: str) -> Article:
    return Article(doc_id="doc", text=text, source="x", title="t")


@settings(max_examples=200, deadline=None)
@given(parts=paragraph_text, sizes=st.integers(100, 900), overlap=st.integers(0, 2))
def test_chunk_spans_are_exact_cover_every_sentence_and_ids_are_stable(parts: list[str], sizes: int, overlap: int):
    text = "\n\n".join(parts)
    article = article_of(text)
    all_sentences = split_sentences(text)
    for s in all_sentences:
        assert s.text == text[s.start : s.end] and s.text.strip()
    # every non-blank character is in exactly one sentence
    covered = [0] * len(text)
    for s in all_sentences:
        for i in range(s.start, s.end):
            covered[i] += 1
    assert all(covered[i] == 1 for i, ch in enumerate(text) if not ch.isspace())
    chunks = chunk_article(article, max_chars=sizes, overlap=overlap)
    assert [c.chunk_id for c in chunks] == [
        c.chunk_id for c in chunk_article(article, max_chars=sizes, overlap=overlap)
    ]
    seen = set()
    for c in chunks:
        assert c.text.strip() and c.text == text[c.start : c.end]
        assert len(c.text) <= sizes  # a sentence longer than the limit is cut at clause or word boundaries
        assert c.sentences and all(c.start <= s.start < s.end <= c.end for s in c.sentences)
        assert all(any(o.start <= s.start and s.end <= o.end for o in all_sentences) for s in c.sentences)
        seen.update(s.start for s in c.sentences)
    assert {s.start for s in all_sentences} <= seen


class IngestMachine(RuleBasedStateMachine):
    """Files on disk, an index, and what the index should hold."""

    embedder: E5Small

    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="rag-stateful-"))
        self.folder = self.root / "articles"
        self.folder.mkdir()
        self.engine = Engine(Settings(persist_dir=self.root / "index"), embedder=self.embedder)
        self.expected: dict[str, str] = {}  # doc_id -> file text at its last ingest
        self.version = 0

    @rule(slot=st.sampled_from("abcd"), body=sentences)
    def write(self, slot: str, body: list[str]) -> None:
        self.version += 1  # a unique title keeps two files from having the same text
        text = f"Articolo {slot} numero {self.version}\n\n" + "\n\n".join(body)
        (self.folder / f"{slot}.txt").write_text(text, encoding="utf-8")

    @rule(slot=st.sampled_from("abcd"))
    def delete(self, slot: str) -> None:
        (self.folder / f"{slot}.txt").unlink(missing_ok=True)

    @rule(prune=st.booleans())
    def ingest(self, prune: bool) -> None:
        report = self.engine.ingest([self.folder], prune=prune)
        assert not report.skipped, report.skipped
        current = {p.stem: p.read_text("utf-8") for p in self.folder.glob("*.txt")}
        self.expected = current if prune else {**self.expected, **current}

    @invariant()
    def index_matches_a_fresh_ingest_of_the_expected_files(self) -> None:
        if not self.engine.store.exists():
            return
        docs, chunk_ids, sentence_ids = {}, set(), set()
        settings_ = self.engine.settings
        for doc_id, text in self.expected.items():
            path = self.root / "expected" / f"{doc_id}.txt"
            path.parent.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
            article = clean(read_file(path, max_bytes=10**7), doc_id=doc_id, source=str(path))
            docs[doc_id] = article.content_hash
            for c in chunk_article(article, max_chars=settings_.chunk_chars, overlap=settings_.chunk_overlap):
                chunk_ids.add(c.chunk_id)
                sentence_ids.update(sentence_id(doc_id, s.start, s.text) for s in c.sentences)
        state = snapshot(self.engine) if self.expected else None
        store = self.engine.store
        assert {d: m.get("content_hash") for d, m in store.documents().items()} == docs
        assert store.chunk_ids() == chunk_ids
        assert set(store.client.cols["sentences"].get(include=[])["ids"]) == sentence_ids
        assert store.pending() == []
        if state is not None:
            assert set(self.engine.retriever._lexical_index().ids) == chunk_ids  # BM25 in step

    def teardown(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.mark.slow
def test_incremental_ingest_always_equals_a_fresh_one(embedder: E5Small):
    from hypothesis.stateful import run_state_machine_as_test

    IngestMachine.embedder = embedder
    run_state_machine_as_test(
        IngestMachine,
        settings=settings(
            max_examples=25, stateful_step_count=12, deadline=None, suppress_health_check=list(HealthCheck)
        ),
    )
