"""Tables and plots from bench/results/scale-*.json.

Usage: python -m bench.report   (prints Markdown; writes docs/bench-latency.png and docs/bench-ingest.png)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.common import RESULTS

DOCS = Path(__file__).resolve().parent.parent / "docs"
TARGETS = {
    "ingest_overhead": "≤ 0.15",
    "retrieve_p50_10k": "≤ 15 ms",
    "ask_p50_10k": "≤ 40 ms",
    "ask_p95_100k": "≤ 100 ms",
    "cli_cold": "≤ 3 s",
    "app_rss_100k": "≤ 1500 MB",
}


def load() -> list[dict[str, Any]]:
    """Every result, smallest corpus first."""
    return sorted((json.loads(p.read_text()) for p in RESULTS.glob("scale-*.json")), key=lambda r: r["chunks"])


def label(r: dict[str, Any]) -> str:
    return "sample" if r["size"] == 0 else f"{r['chunks']:,}"


def table(results: list[dict[str, Any]]) -> str:
    """One column per corpus size."""
    rows = [
        ("articles", lambda r: f"{r['articles']:,}"),
        ("chunks", lambda r: f"{r['chunks']:,}"),
        ("embedder alone, chunks/s", lambda r: f"{r['embedder_alone_chunks_per_s']:.0f}"),
        (
            "ingest, chunks/s (median, min–max)",
            lambda r: "{median:.0f} ({min:.0f}–{max:.0f})".format(**r["ingest_chunks_per_s"]),
        ),
        ("ingest overhead over the embedder", lambda r: f"{r['ingest_overhead'] * 100:.0f}%"),
        ("ingest seconds: load+clean / chunk / embed / store", lambda r: " / ".join(
            f"{sum(run['timings'][k] for run in r['ingest_runs']) / len(r['ingest_runs']):.1f}"
            for k in ("load", "chunk", "embed", "store"))),
        ("ingest runs", lambda r: str(len(r["ingest_runs"]))),
        ("retrieve ms p50 / p95 (warm)", lambda r: f"{r['retrieve_ms']['p50']:.1f} / {r['retrieve_ms']['p95']:.1f}"),
        ("ask ms p50 / p95 (warm)", lambda r: f"{r['ask_ms']['p50']:.1f} / {r['ask_ms']['p95']:.1f}"),
        ("CLI cold start to answer, s (median, min–max)",
         lambda r: "{median:.2f} ({min:.2f}–{max:.2f})".format(**r["cli_cold_s"])),
        ("app cold start to answer, s", lambda r: f"{r['app']['cold_start_s']:.1f}"),
        ("app peak RSS, MB", lambda r: f"{r['app']['peak_rss_mb']:.0f}"),
        ("index on disk, MB", lambda r: f"{r['disk_mb']:.1f}"),
    ]  # fmt: skip
    lines = ["| | " + " | ".join(label(r) for r in results) + " |", "|---|" + "---:|" * len(results)]
    lines += [f"| {name} | " + " | ".join(fn(r) for r in results) + " |" for name, fn in rows]
    return "\n".join(lines)


def plots(results: list[dict[str, Any]]) -> None:
    """Latency and ingest throughput against corpus size."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sized = [r for r in results if r["size"]]
    x = [r["chunks"] for r in sized]
    fig, ax = plt.subplots(figsize=(6, 3.6))
    for key, style in (("retrieve_ms", "o-"), ("ask_ms", "s-")):
        for p, alpha in (("p50", 1.0), ("p95", 0.5)):
            ax.plot(x, [r[key][p] for r in sized], style, alpha=alpha, label=f"{key.split('_')[0]} {p}")
    ax.axhline(40, ls=":", c="grey", lw=1)
    ax.axhline(100, ls=":", c="grey", lw=1)
    ax.set(xscale="log", xlabel="chunks in the index", ylabel="ms (warm)", title="Latency against corpus size")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(DOCS / "bench-latency.png", dpi=120)
    fig, ax = plt.subplots(figsize=(6, 3.6))
    ax.plot(x, [r["ingest_chunks_per_s"]["median"] for r in sized], "o-", label="ingest (all stages)")
    ax.plot(x, [r["embedder_alone_chunks_per_s"] for r in sized], "k--", label="embedder alone")
    ax.set(xscale="log", xlabel="chunks in the index", ylabel="chunks/s", title="Ingest throughput against corpus size")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(DOCS / "bench-ingest.png", dpi=120)


def main() -> None:
    results = load()
    machine = results[0]["machine"]
    print(
        f"Machine: {machine['cpu']}, {machine['cores']} cores, {machine['ram_gib']} GiB, Python {machine['python']}\n"
    )
    print(table(results))
    plots(results)


if __name__ == "__main__":
    main()
