"""What the standing benchmarks share: where results go, the repository root, and the machine they ran on."""

from __future__ import annotations

import os
import platform
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"  # one JSON per benchmark, reported in docs/BENCHMARKS.md
CACHE = Path(__file__).resolve().parent / ".cache"  # corpora and indexes that are slow to rebuild (git-ignored)


def machine() -> dict[str, Any]:
    """What the figures were measured on: CPU model and flags that change speed, cores, memory, Python."""
    cpu, flags = "unknown", set()
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name") and cpu == "unknown":
                cpu = line.split(":", 1)[1].strip()
            elif line.startswith("flags"):
                flags = set(line.split(":", 1)[1].split())
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    speed = sorted(flags & {"avx2", "avx512f", "avx512_bf16", "amx_bf16", "amx_tile"})
    return {
        "cpu": cpu,
        "flags": speed,
        "cores": os.cpu_count(),
        "ram_gib": round(mem, 1),
        "python": platform.python_version(),
    }
