"""One family of errors whose messages name the fix.

Only the CLI and the UI turn these into user-facing messages; everything else
raises them.
"""

from __future__ import annotations


class RagError(Exception):
    """Base class for every error the product reports to a user."""


class ConfigError(RagError):
    """A setting or argument has a value we cannot use."""


class UnreadableArticle(RagError):
    """A file, page or feed that cannot become an article; the message is the reason and its fix."""


class IndexNotFound(RagError):
    """No index exists yet where the settings point."""


class EmbedderMismatch(RagError):
    """The index was built with another embedder than the configured one."""


class StoreUnavailable(RagError):
    """The Chroma store cannot be reached or opened."""


class IngestLocked(RagError):
    """Another process is writing to the index."""


class ArticleNotFound(RagError):
    """An article named by doc id is not in the index."""


class LLMUnavailable(RagError):
    """The configured language model cannot be reached or failed."""


class BadQuestion(RagError):
    """The question cannot be answered as given (empty, too long, no words)."""
