"""One writer at a time: an exclusive lock file that names its holder.

Chroma's embedded store is safe for threads but not for two writing
processes (a second writer can wait on SQLite's lock for minutes), so an
ingest takes ``<persist_dir>/ingest.lock`` first. The lock is an ``flock``,
which the kernel releases when its holder dies, so a lock left by a killed
process is simply taken over. The holder's pid is written inside and erased
on a clean release, so a pid found in a free lock says its writer was killed
mid-write: the block is told (``interrupted``) and can repair the store.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

from rag.errors import IngestLocked

LOCK_NAME = "ingest.lock"


@contextlib.contextmanager
def writer_lock(folder: Path, *, wait: float = 0.0) -> Iterator[bool]:
    """Hold the index's writer lock for the duration of the block.

    Yields:
        Whether the last holder died holding it (a writer killed mid-write).

    Args:
        folder: The index folder.
        wait: Seconds to keep trying while another process holds it.

    Raises:
        IngestLocked: another live process holds it (the message names its pid).
    """
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + wait
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() < deadline:
                    time.sleep(0.2)
                    continue
                holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
                raise IngestLocked(
                    f"another ingest is running (pid {holder}) on {folder}; wait for it to finish, or stop it, "
                    "then run this again."
                ) from None
        interrupted = bool(os.pread(fd, 32, 0).strip())
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        try:
            yield interrupted
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
