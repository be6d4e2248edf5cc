"""Opening a Chroma client: an embedded directory, or a server probed with a timeout."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from rag.errors import StoreUnavailable


def is_connection_error(exc: Exception) -> bool:
    name = type(exc).__name__
    return any(word in name for word in ("Connect", "Timeout", "Network", "Remote")) or isinstance(
        exc, (ConnectionError, TimeoutError)
    )


def connect(persist_dir: str, chroma_url: str | None, timeout: float) -> Any:
    import chromadb

    settings = chromadb.Settings(anonymized_telemetry=False, allow_reset=False)
    if not chroma_url:
        try:
            return chromadb.PersistentClient(path=persist_dir, settings=settings)
        except Exception as exc:
            raise StoreUnavailable(
                f"cannot open the index directory {persist_dir} ({exc}); check RAG_PERSIST_DIR."
            ) from None
    import httpx

    url = urlparse(chroma_url)
    host, port, ssl = url.hostname or "127.0.0.1", url.port or 8000, url.scheme == "https"
    # chromadb's HTTP client has no timeout and hangs on a hung server; probe first.
    try:
        httpx.get(f"{chroma_url.rstrip('/')}/api/v2/heartbeat", timeout=timeout).raise_for_status()
        client = chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=settings)
    except Exception as exc:
        raise StoreUnavailable(
            f"the Chroma server at {chroma_url} is not answering ({type(exc).__name__}); "
            "start it (`chroma run --path DIR --port N`) or unset RAG_CHROMA_URL."
        ) from None
    session = getattr(getattr(client, "_server", None), "_session", None)
    if session is not None:
        session.timeout = httpx.Timeout(timeout * 6, connect=timeout)
    return client
