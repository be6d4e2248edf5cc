"""``python -m rag``: the command line, one module per job.

``main`` parses and dispatches; ``commands`` holds the everyday commands, ``answer`` prints an
answer, ``feeds``, ``models`` and ``workers`` their own commands, ``progress`` the bar.
"""

from rag.cli.main import build_parser, main

__all__ = ["build_parser", "main"]
