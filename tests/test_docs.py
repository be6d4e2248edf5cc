"""Every repository path the docs name exists: in the Markdown files, docstrings and comments.

A path may name a file or a folder (``rag/text/``), a family of files by their start
(``bench/results/scale-``), something a command creates under an ignored folder
(``bench/.cache/fit-sample``), or a name inside a module (``rag/fitted.RENDERING_BAR``,
``rag/search/vocabulary.Vocabulary.respell``).
"""

from __future__ import annotations

import ast
import io
import re
import subprocess
import tokenize
from functools import cache
from pathlib import Path

from tests.conftest import ROOT

TOP = ("rag", "vectorstore", "app", "bench", "evaluation", "tests", "docs", "data", "prompts")
# Not after ":" (``git show 7c31991:bench/old.py`` names a file of a past commit).
PATH = re.compile(rf"(?<![\w./:-])((?:{'|'.join(TOP)})/[\w./-]*\w)/?")


@cache
def tracked() -> tuple[str, ...]:
    out = subprocess.run(["git", "ls-files"], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    return tuple(out.split())


@cache
def folders() -> frozenset[str]:
    return frozenset(str(p) for f in tracked() for p in Path(f).parents if str(p) != ".")


def ignored(path: str) -> bool:
    # As a file or as a folder: a folder pattern ("bench/.cache/") matches an absent path only with its slash.
    done = [subprocess.run(["git", "check-ignore", "-q", "--no-index", p], cwd=ROOT) for p in (path, path + "/")]
    return any(d.returncode == 0 for d in done)


def defines(module: Path, names: list[str]) -> bool:
    """Whether ``module`` defines ``names[0]`` (a function, class or assignment), and so on inward."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    scope: list[ast.stmt] = tree.body
    for name in names:
        found = None
        for node in scope:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and node.name == name:
                found = node
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                    found = node
        if found is None:
            return False
        scope = found.body if isinstance(found, ast.ClassDef) else []
    return True


def exists(path: str) -> bool:
    if path in tracked() or path in folders() or (ROOT / path).exists():
        return True
    # A benchmark's output, or what a command writes under an ignored folder.
    if any(f.startswith(path) for f in tracked()) or path.startswith("bench/results/") or ignored(path):
        return True
    # rag/fitted.RENDERING_BAR, rag/search/vocabulary.Vocabulary.respell
    head, _, dotted = path.partition(".")
    module = ROOT / f"{head}.py"
    return bool(dotted) and module.is_file() and not dotted.startswith("py") and defines(module, dotted.split("."))


def named_paths() -> dict[str, set[str]]:
    """Every path named in a tracked Markdown file, docstring or comment, with where it is named."""
    found: dict[str, set[str]] = {}
    for name in tracked():
        text = (ROOT / name).read_text(encoding="utf-8") if name.endswith((".md", ".py")) else ""
        if name.endswith(".py"):
            prose = [
                node.value.value
                for node in ast.walk(ast.parse(text))
                if isinstance(node, ast.Expr)
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
            ]
            prose += [
                t.string for t in tokenize.generate_tokens(io.StringIO(text).readline) if t.type == tokenize.COMMENT
            ]
            text = "\n".join(prose)
        for match in PATH.finditer(text):
            found.setdefault(match.group(1).rstrip("."), set()).add(name)
    return found


def test_every_path_the_docs_name_exists():
    stale = {path: sorted(where) for path, where in named_paths().items() if not exists(path)}
    assert not stale, "\n".join(f"{path}  (named in {', '.join(where)})" for path, where in sorted(stale.items()))


def test_every_setting_is_in_the_operations_table():
    from dataclasses import fields

    from rag.settings import EXTERNAL, Settings

    table = (ROOT / "docs" / "OPERATIONS.md").read_text(encoding="utf-8")
    missing = [
        variable
        for f in fields(Settings)
        if f"`{(variable := EXTERNAL.get(f.name, f'RAG_{f.name.upper()}'))}`" not in table
    ]
    assert not missing, f"add these to docs/OPERATIONS.md's settings table: {missing}"
