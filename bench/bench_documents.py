"""Ingest time of a 100-page PDF against the same text as a .txt file, same run.

    python -m bench.bench_documents

The PDF is generated (fpdf2, the tests' generator): 100 pages of four Italian
paragraphs each. Both are ingested keyword-only (what makes them searchable)
into fresh indexes, three times each; medians in seconds. Writes
bench/results/documents.json.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from pathlib import Path

from bench.common import RESULTS, machine
from rag.api import Engine
from rag.settings import Settings
from tests.rag.ingestion.test_documents import pdf

PARAGRAPH = (
    "Il consiglio regionale ha approvato il bilancio con {n} voti favorevoli e 12 contrari, dopo un lungo dibattito."
)


def main() -> None:
    pages = [[PARAGRAPH.format(n=p * 4 + i) * 3 for i in range(4)] for p in range(100)]
    data = pdf(pages, title="Bilancio regionale")
    text = "\n\n".join("\n\n".join(page) for page in pages)
    rows = {}
    for name, suffix, body in (("pdf", ".pdf", data), ("txt", ".txt", text.encode())):
        times = []
        for _ in range(3):
            with tempfile.TemporaryDirectory(prefix="bench-documents-") as tmp:
                folder = Path(tmp) / "in"
                folder.mkdir()
                (folder / f"bilancio{suffix}").write_bytes(body)
                engine = Engine(Settings(persist_dir=Path(tmp) / "index"))
                began = time.perf_counter()
                report = engine.ingest([folder], embed=False)
                times.append(time.perf_counter() - began)
                assert report.added, report
        rows[name] = {"median_s": round(statistics.median(times), 2), "chunks": report.chunks}
        print(name, rows[name], flush=True)
    RESULTS.mkdir(exist_ok=True)
    out = {"machine": machine(), "pages": 100, "bytes_pdf": len(data), "rows": rows}
    (RESULTS / "documents.json").write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
