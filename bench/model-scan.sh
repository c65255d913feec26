#!/usr/bin/env bash
# Model scanning speed, in one run beside baselines on the same files:
#   1. a generated 2 GB PyTorch-style zip checkpoint (bench/model-gen/make_checkpoint.py: torch.save's layout, 64 STORED
#      tensor storages and a state-dict pickle): wall time of `bulwark model scan` (process start included) against
#      `sha256sum` and `cat > /dev/null` of the same file, which read every byte, as any scanner that reads the
#      tensors would; the file is in the page cache for all three (read once before timing).
#   2. the picklescan test corpus (../shared/datasets/picklescan_model_files/files, 109 files) copied 50 times into one
#      folder: files and MB per second of `bulwark model scan`, against `sha256sum` over the same files.
# Each timing is the median of BENCH_RUNS runs (default 5). Writes bench/results/model-scan.md.
#
#   bash bench/model-scan.sh
#   BENCH_CHECKPOINT_MIB=512 BENCH_RUNS=3 bash bench/model-scan.sh   # a quick look
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
RUNS=${BENCH_RUNS:-5}
SIZE_MIB=${BENCH_CHECKPOINT_MIB:-2048}
WORK=$ROOT/bench/.artifacts/model-scan
OUT=${BENCH_OUT:-bench/results/model-scan.md}
CORPUS=$ROOT/../shared/datasets/picklescan_model_files/files
mkdir -p "$WORK" "$(dirname "$OUT")"

echo "== building bulwark (Release)" >&2
dotnet build src/Bulwark.Cli -c Release -nologo -v quiet >&2
BULWARK=(dotnet "$ROOT/src/Bulwark.Cli/bin/Release/net10.0/bulwark.dll")

CHECKPOINT=$WORK/checkpoint-${SIZE_MIB}MiB.pt
if [ ! -f "$CHECKPOINT" ]; then
  echo "== writing a ${SIZE_MIB} MiB PyTorch-style checkpoint" >&2
  python3 bench/model-gen/make_checkpoint.py "$CHECKPOINT" "$SIZE_MIB" 64
fi
if [ -d "$CORPUS" ]; then
  rm -rf "$WORK/corpus"; mkdir -p "$WORK/corpus"
  for i in $(seq 1 50); do cp -r "$CORPUS" "$WORK/corpus/copy$i"; done
else
  echo "model-scan.sh: $CORPUS is missing (../shared beside the checkout): the corpus rate is skipped" >&2
fi
cat "$CHECKPOINT" > /dev/null   # into the page cache, for every contender alike

python3 - "$OUT" "$RUNS" "$CHECKPOINT" "$WORK/corpus" "$(git rev-parse --short HEAD)" "$(nproc)" "$(lscpu | sed -n 's/^Model name: *//p' | head -n 1)" "${BULWARK[@]}" <<'EOF'
import json, os, statistics, subprocess, sys, time

out, runs, checkpoint, corpus, commit, cores, cpu = sys.argv[1:8]
bulwark = sys.argv[8:]
runs = int(runs)

def timed(command, **kwargs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)
        times.append(time.perf_counter() - start)
        if result.returncode not in (0, 1):
            sys.exit(f"{' '.join(command[:4])}…: exit {result.returncode}: {result.stderr.decode()[-2000:]}")
    return statistics.median(times), result

def files_under(folder):
    return [os.path.join(d, f) for d, _, names in os.walk(folder) for f in names]

size = os.path.getsize(checkpoint)
scan_time, scan = timed(bulwark + ["model", "scan", checkpoint, "--format", "json"])
report = json.loads(scan.stdout)
scanned = report["files"][0]
verdict, detected = scanned["verdict"], scanned["format"]
sha_time, _ = timed(["sha256sum", checkpoint])
cat_time, _ = timed(["sh", "-c", f"cat '{checkpoint}' > /dev/null"])

rows = []
if os.path.isdir(corpus):
    files = files_under(corpus)
    corpus_bytes = sum(os.path.getsize(f) for f in files)
    corpus_time, corpus_scan = timed(bulwark + ["model", "scan", corpus, "--format", "json"])
    corpus_sha, _ = timed(["sh", "-c", f"find '{corpus}' -type f -print0 | xargs -0 sha256sum > /dev/null"])
    rows.append((len(files), corpus_bytes, corpus_time, corpus_sha))

gib = size / 2**30
lines = [
    "# Model scanning speed",
    "",
    "Written by `bench/model-scan.sh` (medians of %d runs, wall time with process start-up)." % runs,
    "",
    "```bash", "bash bench/model-scan.sh", "```", "",
    "| | |", "|---|---|",
    f"| machine | {cores} cores, {cpu} |",
    f"| bulwark | commit {commit}, Release, `bulwark model scan … --format json` |",
    "",
    f"## A {gib:.2f} GiB PyTorch-style zip checkpoint",
    "",
    "64 STORED tensor storages and a state-dict pickle (`bench/model-gen/make_checkpoint.py`); the file is in the page cache.",
    "",
    "| | wall time | file size / wall time |", "|---|---:|---:|",
    f"| `bulwark model scan` (format {detected}, verdict {verdict}; reads the zip directories and `data.pkl`, not the tensors) | {scan_time:.3f} s | {size / scan_time / 2**30:.1f} GiB/s |",
    f"| `sha256sum` (reads every byte) | {sha_time:.3f} s | {size / sha_time / 2**30:.2f} GiB/s |",
    f"| `cat > /dev/null` (reads every byte) | {cat_time:.3f} s | {size / cat_time / 2**30:.2f} GiB/s |",
    "",
    f"Target: under 1 s of wall time — **{'met' if scan_time < 1 else 'not met'}** ({scan_time:.3f} s).",
    "",
]
if rows:
    n, b, t, s = rows[0]
    lines += [
        "## The picklescan corpus, 50 copies",
        "",
        f"{n} files, {b / 2**20:.1f} MiB (`../shared/datasets/picklescan_model_files/files` copied 50 times).",
        "",
        "| | wall time | files/s | MiB/s |", "|---|---:|---:|---:|",
        f"| `bulwark model scan` | {t:.3f} s | {n / t:,.0f} | {b / t / 2**20:.1f} |",
        f"| `sha256sum` of every file | {s:.3f} s | {n / s:,.0f} | {b / s / 2**20:.1f} |",
        "",
    ]
open(out, "w").write("\n".join(lines))
print("\n".join(lines))
EOF
