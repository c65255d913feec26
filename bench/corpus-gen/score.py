#!/usr/bin/env python3
"""Score a throughput run: recall of each tool on the planted secrets, plus throughput.

Called by bench/throughput.sh; it can also be run by hand:
    python3 bench/corpus-gen/score.py --corpus bench/corpus --run bench/corpus/run.json \
        --out-md bench/results/throughput.md --out-json bench/results/throughput.json

Inputs (all in --corpus unless given elsewhere in run.json):
  corpus-manifest.jsonl   one planted secret per line (written by gen_corpus.py)
  files/                  the scanned tree (its byte count gives throughput)
  run.json                timings, exit codes, versions and commands from throughput.sh
  bulwark.json            Bulwark's JSON report   {"findings":[{"ruleId","location":{"path","line",...}}]}
  secretlint.json         secretlint --format json [{"filePath","messages":[{"ruleId","loc":{"start":{"line"}}}]}]
                          (secretlint --format unix output is accepted too)

A planted secret counts as found when the tool reports a finding in that file whose
start line lies in the secret's planted span (line..end_line; one line for most secrets,
the whole block for a PEM key or a GCP service-account file). Paths are matched on
whole path components at the end, so the prefix each tool prints does not matter.
Findings that match no planted secret are counted as "other findings": the corpus
plants nothing else, so these are false positives or near-miss look-alikes.
"""

import argparse
import json
import os
import re
import sys
from collections import defaultdict

MIB = 1024 * 1024


def load_manifest(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def load_bulwark(path):
    """-> list of (path, line) for every finding in a Bulwark JSON report."""
    with open(path, encoding="utf-8") as f:
        report = json.load(f)
    out = []
    for fd in report.get("findings", []):
        loc = fd.get("location") or {}
        if loc.get("path") and loc.get("line"):
            out.append((loc["path"], int(loc["line"]), fd.get("ruleId", "?")))
    return out


UNIX_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): \[(?P<msg>[^\]]*)\]")


def load_secretlint(path):
    """-> list of (path, line, rule). Accepts secretlint's json or unix formatter output."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    out = []
    if text.lstrip().startswith("["):
        for result in json.loads(text):
            for m in result.get("messages", []):
                line = ((m.get("loc") or {}).get("start") or {}).get("line")
                if line:
                    out.append((result["filePath"], int(line), m.get("ruleId", "?").split("/")[-1]))
        return out
    for raw in text.splitlines():
        m = UNIX_LINE.match(raw)
        if m:
            out.append((m.group("path"), int(m.group("line")), m.group("msg")))
    return out


def score(manifest, findings):
    """Match findings to planted secrets. Returns (found flags per planted secret, other findings count)."""
    # Index planted spans by file basename so matching stays linear in the number of findings.
    by_base = defaultdict(list)
    for i, m in enumerate(manifest):
        by_base[os.path.basename(m["path"])].append(i)
    found = [False] * len(manifest)
    other = 0
    for fpath, line, _rule in findings:
        fpath = fpath.replace("\\", "/")
        hit = False
        for i in by_base.get(os.path.basename(fpath), ()):
            m = manifest[i]
            if (fpath == m["path"] or fpath.endswith("/" + m["path"])) and m["line"] <= line <= m["end_line"]:
                found[i] = True
                hit = True
        if not hit:
            other += 1
    return found, other


def corpus_bytes(root):
    total = nfiles = 0
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            total += os.path.getsize(os.path.join(dirpath, name))
            nfiles += 1
    return total, nfiles


def pct(a, b):
    return round(100.0 * a / b, 1) if b else None


def tool_result(name, report_path, loader, manifest, wall, nbytes, extra):
    res = {"tool": name, "wall_seconds": wall, **extra}
    if wall:
        res["throughput_mib_s"] = round(nbytes / MIB / wall, 2)
    if not report_path or not os.path.exists(report_path):
        res["error"] = "no report at %s" % report_path
        return res, None
    findings = loader(report_path)
    found, other = score(manifest, findings)
    covered = [i for i, m in enumerate(manifest) if m["secretlint_covered"]]
    uncovered = [i for i, m in enumerate(manifest) if not m["secretlint_covered"]]
    res.update({
        "findings": len(findings),
        "other_findings": other,
        "found_all": sum(found), "recall_all_pct": pct(sum(found), len(manifest)),
        "found_secretlint_covered": sum(found[i] for i in covered),
        "recall_secretlint_covered_pct": pct(sum(found[i] for i in covered), len(covered)),
        "found_not_covered": sum(found[i] for i in uncovered),
        "recall_not_covered_pct": pct(sum(found[i] for i in uncovered), len(uncovered)),
    })
    return res, found


def fmt(v, suffix=""):
    return "n/a" if v is None else "%s%s" % (v, suffix)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True, help="folder holding files/, corpus-manifest.jsonl and the reports")
    ap.add_argument("--run", required=True, help="run.json written by throughput.sh")
    ap.add_argument("--out-md", required=True)
    ap.add_argument("--out-json", required=True)
    args = ap.parse_args()

    with open(args.run) as f:
        run = json.load(f)
    manifest = load_manifest(os.path.join(args.corpus, "corpus-manifest.jsonl"))
    nbytes, nfiles = corpus_bytes(os.path.join(args.corpus, "files"))

    tools, found_by = [], {}
    for name, loader in (("bulwark-secrets", load_bulwark), ("bulwark", load_bulwark), ("secretlint", load_secretlint)):
        t = run.get("tools", {}).get(name)
        if not t or t.get("skipped"):
            continue
        extra = {k: t.get(k) for k in ("exit_code", "max_rss_kib", "version", "command", "wall_seconds_all_runs",
                                       "cpu_seconds", "cpu_seconds_all_runs")}
        if t.get("cpu_seconds"):
            extra["cpu_throughput_mib_s"] = round(nbytes / MIB / t["cpu_seconds"], 2)
        res, found = tool_result(name, t.get("report"), loader, manifest, t.get("wall_seconds"), nbytes, extra)
        tools.append(res)
        if found is not None:
            found_by[name] = found

    ratio = None
    tp = {t["tool"]: t.get("throughput_mib_s") for t in tools}
    if tp.get("bulwark") and tp.get("secretlint"):
        ratio = round(tp["bulwark"] / tp["secretlint"], 2)

    # Per-kind recall table: which formats each tool misses.
    kinds = defaultdict(lambda: {"planted": 0, "secretlint_covered": False})
    for i, m in enumerate(manifest):
        k = kinds[m["kind"]]
        k["planted"] += 1
        k["secretlint_covered"] = m["secretlint_covered"]
        for name, found in found_by.items():
            k[name] = k.get(name, 0) + (1 if found[i] else 0)

    result = {
        "date": run.get("date"),
        "machine": run.get("machine"),
        "corpus": {"files": nfiles, "bytes": nbytes, "mib": round(nbytes / MIB, 1), "seed": run.get("seed"),
                   "planted": len(manifest),
                   "planted_secretlint_covered": sum(m["secretlint_covered"] for m in manifest),
                   "generate_command": run.get("generate_command")},
        "tools": tools,
        "throughput_ratio_bulwark_over_secretlint": ratio,
        "per_kind": dict(sorted(kinds.items())),
        "notes": run.get("notes", []),
    }
    os.makedirs(os.path.dirname(os.path.abspath(args.out_json)), exist_ok=True)
    with open(args.out_json, "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")

    c = result["corpus"]
    md = ["# Throughput: Bulwark (secrets packs, full default packs) vs secretlint", ""]
    md.append("Generated by `bench/throughput.sh` on %s." % run.get("date"))
    md.append("")
    mach = run.get("machine", {})
    md.append("- Machine: %s; `nproc` = %s; %s GiB RAM; %s" % (
        mach.get("cpu_model"), mach.get("nproc"), mach.get("mem_gib"), mach.get("os")))
    md.append("- Every run pinned to one core (`%s`); load average when the run ended: %s (the machine is shared, "
              "so wall times include other processes' turns on that core; CPU time does not)." % (
                  run.get("pin", "taskset -c 0"), " / ".join(str(x) for x in mach.get("load_average", [])) or "?"))
    md.append("- Corpus: %d files, %.1f MiB, seed %s, %d planted secrets (%d in formats secretlint's recommended preset covers)." % (
        c["files"], c["mib"], c["seed"], c["planted"], c["planted_secretlint_covered"]))
    md.append("")
    table_at = len(md)
    md.append("| Tool | Version | Wall time (s) | Throughput (MiB/s) | CPU time (s) | Throughput per CPU second (MiB/s) | Max RSS (MiB) | Recall, all planted | Recall, secretlint-covered formats | Recall, other formats | Other findings |")
    md.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for t in tools:
        rss = round(t["max_rss_kib"] / 1024) if t.get("max_rss_kib") else None
        md.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            t["tool"], t.get("version") or "?", fmt(t.get("wall_seconds")), fmt(t.get("throughput_mib_s")),
            fmt(t.get("cpu_seconds")), fmt(t.get("cpu_throughput_mib_s")), fmt(rss),
            "%s (%s/%d)" % (fmt(t.get("recall_all_pct"), "%"), fmt(t.get("found_all")), c["planted"]),
            "%s (%s/%d)" % (fmt(t.get("recall_secretlint_covered_pct"), "%"), fmt(t.get("found_secretlint_covered")), c["planted_secretlint_covered"]),
            "%s (%s/%d)" % (fmt(t.get("recall_not_covered_pct"), "%"), fmt(t.get("found_not_covered")), c["planted"] - c["planted_secretlint_covered"]),
            fmt(t.get("other_findings"))))
    md.append("")
    md.append("Throughput ratio (Bulwark with the full default packs / secretlint): **%s**" % fmt(ratio, "x"))
    md.append("")
    md.append("\"Other findings\" are reports that match no planted secret. The corpus plants nothing else, "
              "so these are false positives, including hits on the placeholder look-alikes it plants on purpose. "
              "With the full default packs they include PII and prompt-attack findings (the corpus holds URLs, dates, "
              "addresses and names that are not planted secrets), so only the secrets-only row measures false positives of secret rules.")
    md.append("")
    for t in tools:
        if t.get("error") or not t.get("findings"):
            md.append("**Warning:** %s reported no findings (%s). Check that it scanned the corpus: "
                      "the repository's .gitignore lists /bench/corpus/, so a scanner that honours "
                      "parent .gitignore files needs that turned off." % (t["tool"], t.get("error") or "empty report"))
            md.append("")
    md.append("## Recall by secret kind")
    md.append("")
    names = list(found_by)
    md.append("| Kind | secretlint-covered | Planted | " + " | ".join(names) + " |")
    md.append("| --- | --- | ---: | " + " | ".join("---:" for _ in names) + " |")
    for kind, k in result["per_kind"].items():
        md.append("| %s | %s | %d | %s |" % (kind, "yes" if k["secretlint_covered"] else "no", k["planted"],
                                            " | ".join(str(k.get(n, 0)) for n in names)))
    md.append("")
    md.append("## Commands")
    md.append("")
    md.append("```sh")
    md.append(run.get("generate_command", ""))
    for t in tools:
        md.append(t.get("command") or "")
    md.append("```")
    md.append("")
    md.append("## Notes")
    md.append("")
    for note in run.get("notes", []):
        md.append("- " + note)
    md.append("")
    with open(args.out_md, "w") as f:
        f.write("\n".join(md))
    print("\n".join(md[table_at:table_at + 2 + len(tools)]))
    if ratio is not None:
        print("ratio bulwark/secretlint: %sx" % ratio)


if __name__ == "__main__":
    sys.exit(main())
