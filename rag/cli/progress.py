"""The progress bar the long commands show (tqdm, on the first report of work)."""

from __future__ import annotations

from typing import Any


class Bar:
    """A tqdm bar that appears on the first report of work to do (none when quiet)."""

    def __init__(self, unit: str, desc: str, quiet: bool) -> None:
        self.unit, self.desc, self.quiet = unit, desc, quiet
        self.bar: Any = None

    def __call__(self, done: int, total: int, doc_id: str) -> None:
        from tqdm import tqdm

        if self.bar is None and total:
            self.bar = tqdm(total=total, unit=self.unit, desc=self.desc, disable=self.quiet or None)
        if self.bar is not None:
            self.bar.n = done
            self.bar.set_postfix_str(doc_id, refresh=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
