"""rag/fitted.py reads what the fit scripts write (rag/fitted.json); no number is copied by hand."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from bench.fit import FITTED, write
from rag import fitted
from tests.conftest import ROOT


def test_every_fitted_value_is_the_files_and_names_its_script():
    data = json.loads(FITTED.read_text(encoding="utf-8"))
    for name, entry in data.items():
        value = getattr(fitted, name)
        assert (list(value) if isinstance(value, tuple) else value) == entry["value"], name
        assert (ROOT / entry["fitted_by"]).is_file(), f"{name}: {entry['fitted_by']} is not a script here"
        assert entry["why"].strip(), f"{name} says nothing of how it was fitted"


def test_a_fit_script_writes_its_values_and_keeps_the_rest(tmp_path: Path, capsys):
    copy = tmp_path / "fitted.json"
    shutil.copy(FITTED, copy)
    write({"ANSWER_MARGIN": 1.5, "RERANK_WEIGHTS": (0.5, -0.25)}, by="bench/fit/answer.py", path=copy)
    after = json.loads(copy.read_text(encoding="utf-8"))
    before = json.loads(FITTED.read_text(encoding="utf-8"))
    assert after["ANSWER_MARGIN"]["value"] == 1.5 and after["RERANK_WEIGHTS"]["value"] == [0.5, -0.25]
    assert after["RERANK_WEIGHTS"]["fitted_by"] == "bench/fit/answer.py"
    assert after["ANSWER_MARGIN"]["why"] == before["ANSWER_MARGIN"]["why"]
    assert {k: v for k, v in after.items() if k not in ("ANSWER_MARGIN", "RERANK_WEIGHTS")} == {
        k: v for k, v in before.items() if k not in ("ANSWER_MARGIN", "RERANK_WEIGHTS")
    }
    assert "wrote ANSWER_MARGIN, RERANK_WEIGHTS" in capsys.readouterr().out
