from pathlib import Path

import pytest

from rag.errors import ConfigError
from rag.settings import Settings


def test_defaults_and_env():
    s = Settings.from_env({"RAG_TOP_K": "7", "RAG_PERSIST_DIR": "/tmp/x", "RAG_LEXICAL_WEIGHT": "0"})
    assert (s.top_k, s.persist_dir, s.lexical_weight, s.embedder) == (7, Path("/tmp/x"), 0.0, "e5-small")


@pytest.mark.parametrize(
    ("env", "match"),
    [({"RAG_TOP_K": "many"}, "RAG_TOP_K"), ({"RAG_TOP_K": "0"}, "RAG_TOP_K"), ({"RAG_CHROMA_URL": "localhost"}, "URL")],
)
def test_bad_values_name_the_variable(env, match):
    with pytest.raises(ConfigError, match=match):
        Settings.from_env(env)
