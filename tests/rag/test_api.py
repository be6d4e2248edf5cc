"""One hop from the public API to the work: the same parameters everywhere, written once (rag/api.py, rag/facade.py)."""

import ast
import inspect
import re
import typing

import pytest

from rag import api
from rag.facade import Engine
from rag.langchain import NewsRetriever

PUBLIC = ("ingest", "retrieve", "ask", "ask_stream", "quotes", "timeline")


def without_self(function) -> inspect.Signature:
    signature = inspect.signature(function)
    return signature.replace(parameters=[p for name, p in signature.parameters.items() if name != "self"])


@pytest.mark.parametrize("name", PUBLIC)
def test_each_public_function_has_the_engine_methods_parameters(name):
    assert inspect.signature(getattr(api, name)) == without_self(getattr(Engine, name))
    assert getattr(api, name).__doc__ == getattr(Engine, name).__doc__ and getattr(Engine, name).__doc__


def test_each_engine_method_has_the_parameters_of_the_step_that_does_the_work():
    handed = {name: m for name, m in vars(Engine).items() if callable(m) and hasattr(m, "__wrapped__")}
    assert len(handed) > 30
    for name, method in handed.items():
        assert inspect.signature(method) == inspect.signature(method.__wrapped__), name
        assert method.__doc__, name


def test_the_engine_keeps_the_defaults_its_callers_rely_on():
    """Bound to the steps, the engine's methods take the steps' defaults: they must be the ones it had."""
    assert inspect.signature(Engine.streams).parameters["mode"].default is None  # streams(): the configured one
    assert inspect.signature(Engine.timeline).parameters["k"].default == 20
    assert inspect.signature(Engine.ask).parameters["render"].default is True


def test_the_langchain_retriever_takes_retrieve_s_parameters_with_its_defaults():
    retrieve = inspect.signature(api.retrieve).parameters
    hints = typing.get_type_hints(inspect.unwrap(api.retrieve))
    for field in ("k", "where"):
        assert NewsRetriever.model_fields[field].default == retrieve[field].default, field
        assert NewsRetriever.model_fields[field].annotation == hints[field], field


def test_no_engine_method_only_passes_its_arguments_on():
    """A hand-written engine method does some work of its own; a hand-off is a ``handed_to`` line."""
    source = inspect.getsource(Engine)
    tree = ast.parse(source)
    (engine,) = [node for node in tree.body if isinstance(node, ast.ClassDef)]
    for node in engine.body:
        if not isinstance(node, ast.FunctionDef) or node.name == "__init__":
            continue
        body = [s for s in node.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
        is_property = any(isinstance(d, ast.Name) and d.id == "property" for d in node.decorator_list)
        passes_on = (
            len(body) == 1
            and isinstance(body[0], ast.Return | ast.Expr)
            and isinstance(body[0].value, ast.Call)
            and bool(node.args.args[1:] or node.args.kwonlyargs)
        )
        assert is_property or not passes_on, f"Engine.{node.name} only passes its arguments on"


def test_no_any_in_the_public_and_composition_signatures():
    names = [n for n in vars(Engine) if not n.startswith("_")]
    for name in names:
        member = getattr(Engine, name)
        function = member.fget if isinstance(member, property) else member
        if not callable(function):
            continue
        signature = inspect.signature(function)
        annotations = [str(p.annotation) for p in signature.parameters.values()] + [str(signature.return_annotation)]
        assert not any(re.search(r"\bAny\b", a) for a in annotations), (name, annotations)
