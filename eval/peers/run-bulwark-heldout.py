#!/usr/bin/env python3
"""Held-out Bulwark verdicts for the peer comparison (stdlib only; uses the already-built CLI, no rebuild).

The default Bulwark model was trained on prompt_attack_eval_combined itself, so `run-bulwark.sh` gives
in-distribution numbers. This script gives every row a score from a model that did not see that row:

  out/bulwark-cv5.jsonl   5-fold cross-validation by row (seeded shuffle): held-out, same distribution
  out/bulwark-loso.jsonl  leave-one-source-out: each source folder scored by a model trained without it

Each fold: `bulwark usage train --data <train rows> -o <model>` then
`bulwark classify --jsonl --model <model> < <held-out rows>`. Output lines are classify's
{"id", "attack", "score", "categories", "rules"}; `attack` uses each fold model's own threshold.

  python3 run-bulwark-heldout.py [--data combined.jsonl] [--dll bulwark.dll] [--only cv5|loso]
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "datasets",
                                             "prompt_attack_eval_combined", "combined.jsonl"))
DEFAULT_DLL = os.path.normpath(os.path.join(HERE, "..", "..", "src", "Bulwark.Cli", "bin", "Release", "net10.0",
                                            "bulwark.dll"))
SEED = 20250601


def write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def run_folds(name, rows, fold_of, dll, out_dir):
    """fold_of: row -> fold key. Trains one model per fold on the other folds and classifies the fold."""
    folds = sorted({fold_of(r) for r in rows})
    results = []
    log = []
    t0 = time.time()
    with tempfile.TemporaryDirectory(prefix=f"bulwark-{name}-") as tmp:
        for k in folds:
            train = [r for r in rows if fold_of(r) != k]
            test = [{"id": r["id"], "text": r["text"]} for r in rows if fold_of(r) == k]
            train_path = os.path.join(tmp, "train.jsonl")
            test_path = os.path.join(tmp, "test.jsonl")
            model_path = os.path.join(tmp, "fold.model")
            write_jsonl(train_path, train)
            write_jsonl(test_path, test)
            trained = subprocess.run(["dotnet", dll, "usage", "train", "--data", train_path, "-o", model_path],
                                     capture_output=True, text=True, check=True)
            with open(test_path, encoding="utf-8") as stdin:
                classified = subprocess.run(["dotnet", dll, "classify", "--jsonl", "--model", model_path],
                                            stdin=stdin, capture_output=True, text=True, check=True)
            lines = [json.loads(l) for l in classified.stdout.splitlines() if l.strip()]
            if len(lines) != len(test):
                raise RuntimeError(f"{name} fold {k}: {len(lines)} verdicts for {len(test)} rows")
            results.extend(lines)
            summary = " ".join((trained.stdout + " " + trained.stderr).split())
            log.append({"fold": k, "train_rows": len(train), "test_rows": len(test), "train_output": summary})
            print(f"{name} fold {k}: trained on {len(train)}, scored {len(test)} ({summary})", file=sys.stderr)
    results.sort(key=lambda r: r["id"])
    write_jsonl(os.path.join(out_dir, f"bulwark-{name}.jsonl"), results)
    meta = {"peer": f"bulwark-{name}", "folds": log, "seconds_total_train_and_classify": round(time.time() - t0, 1)}
    with open(os.path.join(out_dir, f"bulwark-{name}.meta.json"), "w", encoding="utf-8") as f:
        json.dump(meta, f, indent=2)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=DEFAULT_DATA)
    ap.add_argument("--dll", default=DEFAULT_DLL)
    ap.add_argument("--out", default=os.path.join(HERE, "out"))
    ap.add_argument("--only", choices=["cv5", "loso"])
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)

    with open(args.data, encoding="utf-8") as f:
        rows = [json.loads(l) for l in f if l.strip()]

    if args.only in (None, "cv5"):
        ids = [r["id"] for r in rows]
        random.Random(SEED).shuffle(ids)
        fold = {rid: i % 5 for i, rid in enumerate(ids)}
        run_folds("cv5", rows, lambda r: fold[r["id"]], args.dll, args.out)
    if args.only in (None, "loso"):
        run_folds("loso", rows, lambda r: r["source_dataset"].split("/")[0], args.dll, args.out)


if __name__ == "__main__":
    main()
