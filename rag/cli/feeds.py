"""``python -m rag feeds``: follow RSS/Atom feeds and keep their articles current."""

from __future__ import annotations

import argparse
import contextlib
import re
import sys
import time
from typing import Any

from rag.errors import ConfigError

UNITS = {"s": 1, "m": 60, "h": 3600}


def add_parser(sub: Any) -> None:
    """The ``feeds`` command and its actions."""
    p = sub.add_parser("feeds", help="follow RSS/Atom feeds: add, list, remove, refresh")
    actions = p.add_subparsers(dest="action", required=True)
    actions.add_parser("add", help="follow a feed (its items are ingested by `feeds refresh`)").add_argument("url")
    actions.add_parser("list", help="the followed feeds and their last refresh")
    actions.add_parser("remove", help="stop following a feed (its articles stay)").add_argument("url")
    r = actions.add_parser("refresh", help="ingest the new and changed items of every feed")
    r.add_argument("--every", metavar="INTERVAL", help="keep refreshing, e.g. 15m, 1h, 90s (Ctrl-C stops)")


def every(text: str) -> float:
    """Seconds in an interval such as ``15m``, ``1h`` or ``90s``.

    Raises:
        ConfigError: It is not a number with s, m or h, or under 10 s.
    """
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smh]?)\s*", text)
    if not m:
        raise ConfigError(f"--every {text!r} is not an interval; use e.g. 15m, 1h or 90s.")
    seconds = float(m.group(1)) * UNITS[m.group(2) or "s"]
    if seconds < 10:
        raise ConfigError("--every is under 10 s; feeds change in minutes, use e.g. 15m.")
    return seconds


def run(engine: Any, args: argparse.Namespace) -> int:
    """Carry out ``feeds <action>``."""
    if args.action == "add":
        feed = engine.add_feed(args.url)
        print(f"following {feed.title or feed.url}; `python -m rag feeds refresh` ingests its articles")
    elif args.action == "list":
        followed = engine.feeds()
        if not followed:
            print("no feeds followed; `python -m rag feeds add URL` follows one")
        for f in followed:
            print(f"{f.url}  {f.title or ''}  last refresh: {f.refreshed_at or 'never'}, {f.items} item(s) seen")
    elif args.action == "remove":
        engine.remove_feed(args.url)
        print(f"no longer following {args.url}; its articles stay in the index")
    else:
        interval = every(args.every) if args.every else None
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C between feeds or while waiting: what is done stays
            refresh(engine)
            while interval is not None:
                time.sleep(interval)
                refresh(engine)
        if interval is not None:
            print("stopped refreshing", file=sys.stderr)
    return 0


def refresh(engine: Any) -> None:
    """One refresh of every feed, with a progress bar and a line per feed."""
    from rag.api import feed_summary
    from rag.cli.commands import embed
    from rag.cli.progress import Bar

    if not engine.feeds():
        print("no feeds followed; `python -m rag feeds add URL` follows one")
        return
    bar = Bar("feed", "refresh", False)
    reports = engine.refresh_feeds(progress=bar)
    bar.close()
    for report in reports:
        print(feed_summary(report))
        for problem in report.skipped_items:
            print(f"  skipped {problem}")
        for s in report.ingest.skipped if report.ingest else ():
            print(f"  skipped {s.path}: {s.reason}")
    embed(engine, argparse.Namespace(json=False), reraise=True)  # a Ctrl-C while embedding ends the loop too
