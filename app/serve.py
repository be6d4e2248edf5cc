"""``python -m app.serve [streamlit flags]``: the app, its engine warmed up as the server starts.

``streamlit run ui.py`` builds the engine when the first visitor opens the page, who then waits for
the model, the index and the translator's programs to load. Here the engine is built and warmed
(rag.api.Engine.warm_up) in the server's own process while it starts, and the first page takes it.
The largest upload Streamlit accepts is ``RAG_MAX_FILE_MB``, the limit the index applies too.
"""

from __future__ import annotations

import sys
from concurrent.futures import Future
from pathlib import Path
from threading import Thread

from app.engine import WARMING
from rag.api import Engine
from rag.settings import Settings

UI = Path(__file__).resolve().parent.parent / "ui.py"


def warm(settings: Settings, future: Future[Engine]) -> None:
    """Build the engine for the first page, then warm it up while the page is drawn and read."""
    try:
        engine = Engine(settings)
        engine.index.stats()  # the index open, for the first page's counts
    except BaseException as exc:  # the first page shows it, as it would have building the engine itself
        future.set_exception(exc)
        return
    future.set_result(engine)
    engine.warm_up()


def main(argv: list[str]) -> None:
    from streamlit.web import cli

    settings = Settings.from_env()
    future: Future[Engine] = Future()
    WARMING[repr(settings)] = future
    Thread(target=warm, args=(settings, future), daemon=True, name="warm-up").start()
    upload = ["--server.maxUploadSize", str(max(1, round(settings.max_file_mb)))]
    sys.argv = ["streamlit", "run", str(UI), *upload, *argv]
    cli.main()


if __name__ == "__main__":
    main(sys.argv[1:])
