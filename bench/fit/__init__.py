"""The fit scripts: each fits some of rag/fitted.json on the tune halves, and with ``--write`` writes them there.

python -m bench.fit.answer --write    # the answer model, its margin, the name and spelling bars, answerability
python -m bench.fit.fusion --write    # BM25's weight and the keyword-only stand-in lines
python -m bench.fit.rerank --write    # the second-stage reranker
python -m bench.bench_renderings --write    # the bar a rendering must clear
python -m evaluation.reader_ask --fit --write   # the answer reader's combination (used only with RAG_READER)
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

FITTED = Path(__file__).resolve().parents[2] / "rag" / "fitted.json"


def write(values: Mapping[str, Any], *, by: str, path: Path = FITTED) -> None:
    """Put freshly fitted ``values`` into rag/fitted.json, each marked with the script that fitted it.

    Args:
        values: Name to value (a number or a list of numbers); a name new to the file needs a ``why``
            written there by hand once.
        by: The fit script, as a repository path.
        path: The file (tests write a copy).
    """
    fitted = json.loads(path.read_text(encoding="utf-8"))
    for name, value in values.items():
        entry = fitted.setdefault(name, {"why": ""})
        entry["value"] = list(value) if isinstance(value, tuple) else value
        entry["fitted_by"] = by
    path.write_text(json.dumps(fitted, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {', '.join(values)} to {path}")
