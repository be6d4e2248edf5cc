"""What one checkout's engine does with a list of questions, as JSON lines: to compare two versions in one run.

Run with the checkout as the working directory, so that its ``rag`` package is
the one imported (``python -m bench.outcomes`` from another checkout works the
same way when this file is copied there)::

    cd OTHER_CHECKOUT && python /path/to/bench/outcomes.py ARTICLES_DIR QUESTIONS.json > out.jsonl

QUESTIONS.json is a list of question strings; each output line holds the
retrieved passages, the answer, its citations and whether it abstained, in the
terms of ``evaluation.evaluate.Outcome``.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    sys.path.insert(0, str(Path.cwd()))
    from rag.api import Engine
    from rag.settings import Settings

    articles, questions = Path(sys.argv[1]), json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="rag-outcomes-") as tmp:
        engine = Engine(Settings(persist_dir=Path(tmp)))
        engine.ingest([articles])
        for q in questions:
            began = time.perf_counter()
            a = engine.ask(q, k=5, render=False)
            ms = (time.perf_counter() - began) * 1000
            row = {
                "passages": [(p.doc_id, p.text) for p in a.passages],
                "answer": a.text,
                "citations": [(c.doc_id, c.quote) for c in a.citations],
                "abstained": a.abstained,
                "ms": ms,
                "phrases": [c.answer for c in a.citations if c.answer],
            }
            print(json.dumps(row, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
