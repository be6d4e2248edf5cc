"""docs/ARCHITECTURE.md names every runtime module once, in its package's row, and nothing that is not there."""

from __future__ import annotations

import re

from tests.conftest import ROOT

RUNTIME = ("rag", "vectorstore", "app")
TABLE = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8").split("## What each package owns", 1)[1]


def rows() -> dict[str, list[str]]:
    """Each row's package folder and the module names its last cell lists, in order."""
    out: dict[str, list[str]] = {}
    for line in TABLE.split("\n## ", 1)[0].splitlines():
        found = re.match(r"\| `([\w/]+/)` \|.*\| (.*) \|$", line)
        if found:
            assert found.group(1) not in out, f"{found.group(1)} has two rows"
            out[found.group(1)] = re.findall(r"`(\w+)`", found.group(2))
    return out


def packages() -> dict[str, set[str]]:
    """Every runtime package folder and its modules (``__init__`` aside)."""
    out = {}
    for top in RUNTIME:
        for folder in [ROOT / top, *sorted(p.parent for p in (ROOT / top).rglob("__init__.py"))]:
            modules = {p.stem for p in folder.glob("*.py") if p.stem != "__init__"}
            if modules:
                out[str(folder.relative_to(ROOT)) + "/"] = modules
    return out


def test_every_runtime_module_is_named_once_in_its_package_row():
    table, actual = rows(), packages()
    for package, modules in actual.items():
        assert package in table, f"docs/ARCHITECTURE.md has no row for {package}"
        named = table[package]
        assert len(named) == len(set(named)), f"{package}: a module named twice"
        assert set(named) >= modules, f"{package}: not named: {sorted(modules - set(named))}"


def test_every_module_the_table_names_exists():
    for package, named in rows().items():
        folder = ROOT / package
        assert folder.is_dir(), f"docs/ARCHITECTURE.md has a row for {package}, which does not exist"
        missing = [m for m in named if not (folder / f"{m}.py").exists()]
        assert not missing, f"{package}: named but absent: {missing}"


# Tests of a scenario across several modules of their package, not of one module.
SCENARIOS = {
    "tests/rag/ingestion/test_crash.py",  # a writer killed mid-ingest, and the repair
    "tests/rag/ingestion/test_properties.py",  # Hypothesis properties of reading, cleaning and chunking
    "tests/rag/ingestion/test_workers.py",  # several embedding workers on a Chroma server
    "tests/rag/test_bad_input.py",  # bad input everywhere: one line naming the fix
    "tests/rag/test_cli.py",  # the command line (rag/cli/) end to end
    "tests/rag/test_langchain_standard.py",  # LangChain's own standard tests of rag/langchain.py
    "tests/rag/test_links_and_feeds.py",  # links and feeds from fetch to answer
    "tests/rag/translation/test_apertium_segments.py",  # each segment rendered as if alone, across modules
}


def test_tests_mirror_the_layout():
    """A module's test file sits at tests/<its package>/test_<module>.py, or is a named scenario."""
    orphans = set()
    for test in (ROOT / "tests").rglob("test_*.py"):
        folder = test.parent.relative_to(ROOT / "tests")
        if folder.parts and folder.parts[0] in RUNTIME and not (ROOT / folder / f"{test.stem[5:]}.py").exists():
            orphans.add(str(test.relative_to(ROOT)))
    assert orphans == SCENARIOS
