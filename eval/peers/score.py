#!/usr/bin/env python3
"""Score Bulwark and the peer detectors on prompt_attack_eval_combined (stdlib only).

Reads out/bulwark.jsonl (from run-bulwark.sh) and out/<peer>.jsonl + out/<peer>.meta.json (from run-peers.mjs),
prints a summary and writes ../results/prompt-attack-peers.md.

  python3 score.py
  python3 score.py --data /path/to/combined.jsonl --out out --md ../results/prompt-attack-peers.md

Metrics use rows with category != harmful_request:
  TPR = attacks (jailbreak, prompt_injection, indirect_prompt_injection) flagged / attacks
  FPR = benign flagged / benign
harmful_request rows are reported apart (flagged rate). A tool that covered only a subsample of rows is scored on
the rows it covered, and its equal-FPR comparison reads Bulwark on exactly those rows.
"""

import argparse
import bisect
import datetime
import json
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ATTACK_CATEGORIES = ["jailbreak", "prompt_injection", "indirect_prompt_injection"]
BULWARK_VARIANTS = [
    ("bulwark", "default embedded model (trained on this data set: in-distribution)"),
    ("bulwark-cv5", "5-fold cross-validation by row: each row scored by a model trained on the other 4/5"),
    ("bulwark-loso", "leave-one-source-out: each source folder scored by a model trained without it"),
]
PEER_ORDER = ["llm_guardrail", "llm_guardrail-checkAll", "vard", "vard-strict", "hai-pattern", "hai-heuristic"]


def load_dataset(path):
    rows = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            r = json.loads(line)
            rows[r["id"]] = {
                "category": r["category"],
                "source": r["source_dataset"].split("/")[0],
            }
    return rows


def load_verdicts(path, flag_key, score_key):
    out = {}
    errors = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            r = json.loads(line)
            if "error" in r:
                errors += 1
            flagged = bool(r.get(flag_key, False))
            score = r.get(score_key)
            out[r["id"]] = (flagged, score if isinstance(score, (int, float)) else None)
    return out, errors


def load_meta(path):
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    return {}


def wilson(k, n, z=1.96):
    if n == 0:
        return (float("nan"), float("nan"))
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return (max(0.0, c - h), min(1.0, c + h))


def pct(k, n, digits=1):
    return "–" if n == 0 else f"{100 * k / n:.{digits}f} %"


def frac(k, n, digits=1):
    return "–" if n == 0 else f"{k}/{n} ({100 * k / n:.{digits}f} %)"


def with_ci(k, n):
    if n == 0:
        return "–"
    lo, hi = wilson(k, n)
    return f"{100 * k / n:.1f} % ({100 * lo:.1f}–{100 * hi:.1f})"


def evaluate(dataset, verdicts):
    """Counts over the rows this tool covered."""
    s = {
        "attacks": 0, "attacks_flagged": 0,
        "benign": 0, "benign_flagged": 0,
        "harmful": 0, "harmful_flagged": 0,
        "by_category": {c: [0, 0] for c in ATTACK_CATEGORIES},
        "by_benign_source": {},
        "covered": 0,
    }
    for rid, (flagged, _score) in verdicts.items():
        row = dataset.get(rid)
        if row is None:
            continue
        s["covered"] += 1
        cat = row["category"]
        if cat in ATTACK_CATEGORIES:
            s["attacks"] += 1
            s["attacks_flagged"] += flagged
            s["by_category"][cat][0] += flagged
            s["by_category"][cat][1] += 1
        elif cat == "benign":
            s["benign"] += 1
            s["benign_flagged"] += flagged
            b = s["by_benign_source"].setdefault(row["source"], [0, 0])
            b[0] += flagged
            b[1] += 1
        elif cat == "harmful_request":
            s["harmful"] += 1
            s["harmful_flagged"] += flagged
    return s


def roc_auc(dataset, verdicts):
    """Mann-Whitney AUC of the score, attacks vs benign (ties count one half); None without scores."""
    pos, neg = [], []
    for rid, (_f, score) in verdicts.items():
        row = dataset.get(rid)
        if row is None or score is None:
            continue
        if row["category"] in ATTACK_CATEGORIES:
            pos.append(score)
        elif row["category"] == "benign":
            neg.append(score)
    if not pos or not neg:
        return None
    neg.sort()
    total = 0.0
    for p in pos:
        lo = bisect.bisect_left(neg, p)
        hi = bisect.bisect_right(neg, p)
        total += lo + 0.5 * (hi - lo)
    return total / (len(pos) * len(neg))


def tpr_at_fpr(dataset, bulwark, ids, max_fpr):
    """Bulwark flagged when score >= t; the lowest t (highest TPR) whose FPR on the benign rows of `ids` is <= max_fpr."""
    pos, neg = [], []
    for rid in ids:
        row = dataset.get(rid)
        if row is None or rid not in bulwark:
            continue
        score = bulwark[rid][1]
        score = -math.inf if score is None else score
        if row["category"] in ATTACK_CATEGORIES:
            pos.append(score)
        elif row["category"] == "benign":
            neg.append(score)
    pos.sort()
    neg.sort()
    candidates = sorted(set(pos) | set(neg)) + [math.inf]
    for t in candidates:  # ascending: the first t that meets the FPR bound gives the highest TPR
        fp = len(neg) - bisect.bisect_left(neg, t)
        if fp <= max_fpr * len(neg) + 1e-12:
            tp = len(pos) - bisect.bisect_left(pos, t)
            return {"threshold": t, "tp": tp, "attacks": len(pos), "fp": fp, "benign": len(neg)}
    raise AssertionError("unreachable: t = inf flags nothing")


def fmt_threshold(t):
    return "∞ (flags nothing)" if t == math.inf else f"{t:.4f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "datasets",
                                                                    "prompt_attack_eval_combined", "combined.jsonl")))
    ap.add_argument("--out", default=os.path.join(HERE, "out"))
    ap.add_argument("--md", default=os.path.normpath(os.path.join(HERE, "..", "results", "prompt-attack-peers.md")))
    args = ap.parse_args()

    dataset = load_dataset(args.data)

    # Bulwark variants (classify output: "attack", "score"); the default model is required, held-out ones optional.
    bulwark_tools = []
    for name, label in BULWARK_VARIANTS:
        path = os.path.join(args.out, f"{name}.jsonl")
        if name != "bulwark" and not os.path.exists(path):
            continue
        v, errs = load_verdicts(path, "attack", "score")
        bulwark_tools.append((name, v, errs, load_meta(os.path.join(args.out, f"{name}.meta.json")), label))
    bulwark_meta = bulwark_tools[0][3]

    peers = []
    names = [p for p in PEER_ORDER if os.path.exists(os.path.join(args.out, f"{p}.jsonl"))]
    names += sorted(f[:-6] for f in os.listdir(args.out)
                    if f.endswith(".jsonl") and f[:-6] not in names and not f.startswith("bulwark"))
    for name in names:
        v, errs = load_verdicts(os.path.join(args.out, f"{name}.jsonl"), "flagged", "score")
        meta = load_meta(os.path.join(args.out, f"{name}.meta.json"))
        meta.setdefault("errors", errs)
        peers.append((name, v, errs, meta))

    tools = [t[:4] for t in bulwark_tools] + peers
    stats = {name: evaluate(dataset, v) for name, v, _e, _m in tools}
    aucs = {name: roc_auc(dataset, v) for name, v, _e, _m in tools}

    equal = []
    for name, v, _e, _m in peers:
        s = stats[name]
        if s["benign"] == 0:
            continue
        f = s["benign_flagged"] / s["benign"]
        per_variant = [(bname, tpr_at_fpr(dataset, bv, list(v.keys()), f)) for bname, bv, _e2, _m2, _l in bulwark_tools]
        equal.append((name, s, f, per_variant))

    # ------------------------------------------------------------------ markdown
    today = datetime.date.today().isoformat()
    variant_names = [t[0] for t in bulwark_tools]
    L = []
    L.append("# Prompt-attack detection: Bulwark vs open-source peers")
    L.append("")
    L.append(f"Date: {today}. Data: `prompt_attack_eval_combined/combined.jsonl` ({len(dataset)} rows; "
             "see its SOURCE.md). Attacks = jailbreak, prompt_injection, indirect_prompt_injection; FPR is over "
             "`benign` rows; `harmful_request` rows (plain harmful asks, no jailbreak wrapper) are reported apart "
             "and are in neither TPR nor FPR. Generated by `eval/peers/score.py`.")
    L.append("")
    L.append("**Read the Bulwark rows with care.** `bulwark` is the default embedded model, which was trained on "
             "this same data set: its numbers are in-distribution (fit, not generalisation) and flatter Bulwark. "
             "`bulwark-cv5` scores every row with a model trained without that row (5-fold, same distribution); "
             "`bulwark-loso` scores every row with a model trained without the row's whole source folder "
             "(leave-one-source-out), the closest to how the peers meet this data (none of them was trained on "
             "it, as far as their packages show). The equal-FPR columns also choose Bulwark's threshold with the "
             "test labels in hand (an oracle threshold), which flatters Bulwark again; the peers run at their "
             "shipped settings.")
    L.append("")

    L.append("## Equal-FPR comparison")
    L.append("")
    L.append("For each peer with verdict FPR *f* on the rows it was scored on: Bulwark's TPR at the lowest score "
             "threshold whose FPR on the same rows is ≤ *f* (flag when `score >= threshold`; for `bulwark-loso` the "
             "scores of the per-source models are pooled under one threshold). Cells: Bulwark TPR (its FPR there).")
    L.append("")
    head = "| peer | rows | peer FPR | peer TPR | " + " | ".join(f"{n} TPR @ FPR ≤ f" for n in variant_names) + " |"
    L.append(head)
    L.append("|---|---:|---:|---:|" + "---:|" * len(variant_names))
    for name, s, f, per_variant in equal:
        cells = []
        for _bname, b in per_variant:
            cells.append(f"{pct(b['tp'], b['attacks'])} ({pct(b['fp'], b['benign'], 2)})")
        L.append(f"| {name} | {s['covered']} | {pct(s['benign_flagged'], s['benign'], 2)} | "
                 f"{pct(s['attacks_flagged'], s['attacks'])} | " + " | ".join(cells) + " |")
    L.append("")
    L.append("Thresholds and counts behind each cell:")
    L.append("")
    L.append("| peer | Bulwark variant | threshold | Bulwark TP / attacks | Bulwark FP / benign | peer TP / attacks | peer FP / benign |")
    L.append("|---|---|---:|---:|---:|---:|---:|")
    for name, s, f, per_variant in equal:
        for bname, b in per_variant:
            L.append(f"| {name} | {bname} | {fmt_threshold(b['threshold'])} | {b['tp']}/{b['attacks']} | "
                     f"{b['fp']}/{b['benign']} | {s['attacks_flagged']}/{s['attacks']} | {s['benign_flagged']}/{s['benign']} |")
    L.append("")

    L.append("## Each tool at its own verdict")
    L.append("")
    L.append("95 % Wilson intervals in brackets. ROC AUC uses each tool's score (attacks vs benign; ties count "
             "half); vard's score takes a few discrete severities and hai-pattern's is 0/1, so their AUC is coarse.")
    L.append("")
    L.append("| tool | rows scored | TPR (attacks flagged) | FPR (benign flagged) | harmful_request flagged | ROC AUC of score | errors |")
    L.append("|---|---:|---:|---:|---:|---:|---:|")
    for name, _v, errs, m in tools:
        s = stats[name]
        auc = aucs[name]
        rows_label = f"{s['covered']}" + (" (subsample)" if s["covered"] < len(dataset) else "")
        L.append(f"| {name} | {rows_label} | {with_ci(s['attacks_flagged'], s['attacks'])} | "
                 f"{with_ci(s['benign_flagged'], s['benign'])} | {frac(s['harmful_flagged'], s['harmful'])} | "
                 f"{'–' if auc is None else f'{auc:.3f}'} | {m.get('errors', errs)} |")
    L.append("")

    L.append("## TPR by attack category")
    L.append("")
    L.append("| tool | " + " | ".join(ATTACK_CATEGORIES) + " |")
    L.append("|---|" + "---:|" * len(ATTACK_CATEGORIES))
    for name, _v, _e, _m in tools:
        s = stats[name]
        L.append(f"| {name} | " + " | ".join(frac(*s["by_category"][c]) for c in ATTACK_CATEGORIES) + " |")
    L.append("")

    L.append("## FPR by benign source")
    L.append("")
    L.append("Source = top-level folder of `source_dataset`. \"(of n)\" where a tool scored only a subsample.")
    L.append("")
    sources = sorted({r["source"] for r in dataset.values() if r["category"] == "benign"})
    L.append("| benign source | rows | " + " | ".join(name for name, *_ in tools) + " |")
    L.append("|---|---:|" + "---:|" * len(tools))
    for src in sources:
        n_all = sum(1 for r in dataset.values() if r["category"] == "benign" and r["source"] == src)
        cells = []
        for name, *_ in tools:
            k, n = stats[name]["by_benign_source"].get(src, [0, 0])
            cells.append(("–" if n == 0 else f"{pct(k, n)}") + (f" (of {n})" if 0 < n < n_all else ""))
        L.append(f"| {src} | {n_all} | " + " | ".join(cells) + " |")
    L.append("")

    L.append("## Tools, versions and settings")
    L.append("")
    L.append("| tool | package@version | configuration |")
    L.append("|---|---|---|")
    full = str(bulwark_meta.get("commit", "unknown"))
    commit = f"`{full[:12]}`" + (" with uncommitted changes" if full.endswith("+changes") else "")
    for name, _v, _e, _m, label in bulwark_tools:
        L.append(f"| {name} | Bulwark CLI at commit {commit} (prebuilt Release `bulwark.dll`) | {label}; "
                 "flagged = `attack` (the model's own threshold), score = `score` |")
    for name, _v, _e, m in peers:
        L.append(f"| {name} | `{m.get('package', '?')}@{m.get('version', '?')}` | {m.get('config', '')} |")
    L.append("")

    L.append("## Run times")
    L.append("")
    L.append("Classification only (module/model load excluded) for the peers; one process unless stated; the machine "
             "below. Bulwark's figure is one `classify` process over all rows, .NET start-up and model load included.")
    L.append("")
    L.append("| tool | rows | seconds | rows/s | notes |")
    L.append("|---|---:|---:|---:|---|")
    if bulwark_meta.get("seconds") is not None:
        L.append(f"| bulwark | {bulwark_meta.get('rows')} | {bulwark_meta['seconds']:.1f} | "
                 f"{bulwark_meta['rows_per_second']:,.0f} | whole process |")
    for name, _v, _e, m in peers:
        if m.get("seconds") is None:
            continue
        notes = []
        if m.get("workers", 1) > 1:
            notes.append(f"{m['workers']} worker threads")
        if m.get("subsample"):
            notes.append("subsample")
        if m.get("timing_note"):
            notes.append(m["timing_note"])
        if name.startswith("vard"):
            notes.append("two vard calls per row (verdict + score)")
        L.append(f"| {name} | {m['rows']} | {m['seconds']:.1f} | {m['rows_per_second']:,.1f} | {'; '.join(notes)} |")
    L.append("")
    any_meta = next((m for _n, _v, _e, m in peers if m), {})
    L.append(f"Machine: {any_meta.get('cpus', '?')} cores ({any_meta.get('cpu_model', '?')}), "
             f"Node {any_meta.get('node', '?')}.")
    L.append("")

    L.append("## How this was produced")
    L.append("")
    L.append("From `eval/peers` (see its README):")
    L.append("")
    L.append("```sh")
    L.append("npm ci")
    L.append("node run-peers.mjs             # all peers; hai-heuristic on its fixed subsample")
    L.append("sh run-bulwark.sh              # dotnet ../../src/Bulwark.Cli/bin/Release/net10.0/bulwark.dll classify --jsonl < out/bulwark-input.jsonl > out/bulwark.jsonl")
    L.append("python3 run-bulwark-heldout.py # bulwark usage train + classify --model, per fold (cv5) and per source (loso)")
    L.append("python3 score.py               # writes this file")
    L.append("```")
    L.append("")
    for name, _v, _e, m in peers:
        if not m.get("subsample"):
            continue
        per = ", ".join(f"{k} {v}" for k, v in m["subsample"]["per_category"].items())
        L.append(f"`{name}` was run on a fixed uniform random subsample within each category (seed "
                 f"{m['subsample']['seed']}; {per}) because it spends tens of milliseconds per word of input; "
                 f"`node run-peers.mjs --peers {name} --full` runs every row. Its rates carry the wider intervals "
                 "shown, and its equal-FPR row reads Bulwark on the same subsample.")
        L.append("")

    text = "\n".join(L)
    notes_path = os.path.join(HERE, "NOTES.md")
    if os.path.exists(notes_path):
        with open(notes_path, encoding="utf-8") as f:
            text += "\n" + f.read().rstrip() + "\n"
    os.makedirs(os.path.dirname(args.md), exist_ok=True)
    with open(args.md, "w", encoding="utf-8") as f:
        f.write(text if text.endswith("\n") else text + "\n")
    print(text)
    print(f"\nwrote {args.md}", file=sys.stderr)


if __name__ == "__main__":
    main()
