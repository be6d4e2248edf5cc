"""The package exports what the README documents, whatever was imported first."""

import subprocess
import sys
from pathlib import Path

import pytest

import rag
from tests.conftest import ROOT

ORDERS = [
    "import rag.api",
    "import rag.api, rag.indexing, rag.retrieval",
    "import rag.cli",
    "from rag.api import Engine",
    "",
]


@pytest.mark.parametrize("first", ORDERS)
def test_public_functions_are_functions_in_any_import_order(first: str):
    code = (
        f"{first}\nfrom rag import ingest, retrieve, ask, ask_stream\n"
        "import inspect\nassert all(inspect.isfunction(f) for f in (ingest, retrieve, ask, ask_stream)), "
        "[type(f) for f in (ingest, retrieve, ask, ask_stream)]\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr


def test_no_submodule_shadows_an_export():
    # Importing a submodule sets it as an attribute of the package, which would
    # win over the lazy export of the same name.
    modules = {p.stem for p in Path(rag.__file__).parent.glob("*.py")} | {
        p.name for p in Path(rag.__file__).parent.iterdir() if (p / "__init__.py").exists()
    }
    assert not modules & set(rag.__all__)
