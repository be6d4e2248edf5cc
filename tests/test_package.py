"""The package exports what the README documents, whatever was imported first."""

import subprocess
import sys
from pathlib import Path

import pytest

import rag
from tests.conftest import ROOT

ORDERS = [
    "import rag.api",
    "import rag.api, rag.ingestion.indexing, rag.search.retrieval",
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


def test_the_runtime_package_never_imports_evaluation_code():
    # Every module of rag/ and vectorstore/ imported, then the lazy names the
    # README documents resolved: evaluation/ stays out of sys.modules.
    code = (
        "import pkgutil, importlib, sys, rag, vectorstore\n"
        "for pkg in (rag, vectorstore):\n"
        "    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "        if not m.name.endswith('__main__'):\n"
        "            importlib.import_module(m.name)\n"
        "from rag import ingest, retrieve, ask, ask_stream, quotes, timeline\n"
        "loaded = sorted(m for m in sys.modules if m == 'evaluation' or m.startswith('evaluation.'))\n"
        "assert not loaded, loaded\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
