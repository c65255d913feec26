#!/usr/bin/env bash
# Throughput and recall: Bulwark vs secretlint on the same generated corpus, one core each. Bulwark runs twice
# side by side: with the secrets packs only, and with the full default packs (secrets + PII + prompt attacks).
#
#   bench/throughput.sh                      # 200 MiB corpus, both tools
#   BENCH_SIZE_MB=20 bench/throughput.sh     # quick run on a smaller corpus
#
# Environment:
#   BENCH_SIZE_MB          corpus size in MiB (default 200)
#   BENCH_SEED             corpus seed (default 42)
#   BENCH_RUNS             timed runs per tool; the median wall time is reported (default 1). Bulwark's two
#                          configurations alternate (secrets, full, full, secrets, ...) so load spikes hit both
#   BENCH_SKIP_BULWARK=1   skip building and running Bulwark
#   BENCH_SKIP_SECRETLINT=1  skip secretlint
#   BULWARK_EXTRA_ARGS     extra arguments for `bulwark scan`
#   SECRETLINT_FORMAT      secretlint formatter: json (default) or unix
#
# Writes bench/results/throughput.md and bench/results/throughput.json.
# The corpus and the raw reports stay in bench/corpus/, which git ignores.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
SIZE_MB=${BENCH_SIZE_MB:-200}
SEED=${BENCH_SEED:-42}
RUNS=${BENCH_RUNS:-1}
SL_FORMAT=${SECRETLINT_FORMAT:-json}
CORPUS=bench/corpus
FILES=$CORPUS/files
RESULTS=bench/results
mkdir -p "$CORPUS" "$RESULTS"

# One core for each tool, so the numbers compare single-threaded engines rather than
# how well each one spreads over the machine's cores.
if command -v taskset >/dev/null; then
  PIN=(taskset -c 0); PIN_DESC="taskset -c 0"; PIN_STR="taskset -c 0 "
else
  PIN=(); PIN_DESC="not pinned (no taskset on this machine)"; PIN_STR=""
fi

log() { printf '\n== %s\n' "$*" >&2; }

# ---------------------------------------------------------------- (a) build
if [ -z "${BENCH_SKIP_BULWARK:-}" ]; then
  log "building Bulwark (Release)"
  # ReadyToRun: precompiled code, so start-up is not spent in the JIT (the release build users get).
  dotnet publish src/Bulwark.Cli -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o artifacts/bulwark
fi
if [ -z "${BENCH_SKIP_SECRETLINT:-}" ] && [ ! -x bench/secretlint/node_modules/.bin/secretlint ]; then
  log "installing the pinned secretlint"
  (cd bench/secretlint && npm ci --no-audit --no-fund)
fi

# ---------------------------------------------------------------- (b) corpus
GEN_CMD="python3 bench/corpus-gen/gen_corpus.py $FILES --size-mb $SIZE_MB --seed $SEED"
corpus_matches() {
  # Reuse an existing corpus only if it was made with the same size and seed.
  [ -d "$FILES" ] && [ -f "$CORPUS/corpus-info.json" ] && python3 - "$CORPUS/corpus-info.json" "$SIZE_MB" "$SEED" <<'EOF'
import json, sys
info = json.load(open(sys.argv[1]))
sys.exit(0 if float(info["size_mb"]) == float(sys.argv[2]) and int(info["seed"]) == int(sys.argv[3]) else 1)
EOF
}
if corpus_matches; then
  log "reusing corpus in $FILES"
else
  log "generating a ${SIZE_MB} MiB corpus"
  $GEN_CMD
fi
# Read every file once so both tools start with the corpus in the page cache.
find "$FILES" -type f -exec cat {} + >/dev/null

# ---------------------------------------------------------------- timing helper
# timed_once NAME CMD...: runs CMD once; appends its wall time and processor time (user + system, from
# /usr/bin/time) and keeps the last exit code and peak RSS. Exit codes are recorded, not fatal: scanners exit
# non-zero when they find secrets. Processor time is reported beside wall time because the wall clock also
# counts the turns of other processes sharing the core.
timed_once() {
  local name=$1; shift
  local out="$ROOT/$CORPUS/$name"  # absolute: secretlint runs from another folder
  local start end rc
  start=$(date +%s.%N)
  set +e
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f '%M %U %S' -o "$out.rss" "$@"
  else
    "$@"
  fi
  rc=$?
  set -e
  end=$(date +%s.%N)
  python3 -c "print(round($end - $start, 3))" >>"$out.walls"
  if [ -f "$out.rss" ]; then
    tail -n1 "$out.rss" | awk '{ printf "%.2f\n", $2 + $3 }' >>"$out.cpus"
  fi
  echo "$rc" >"$out.rc"
  log "$name run: $(tail -n1 "$out.walls") s wall, $(tail -n1 "$out.cpus" 2>/dev/null || echo '?') s CPU, exit code $rc"
}
timed() {
  local name=$1; shift
  rm -f "$ROOT/$CORPUS/$name".{walls,cpus,rss,rc}
  local i
  for ((i = 1; i <= RUNS; i++)); do timed_once "$name" "$@"; done
}

# ---------------------------------------------------------------- (c) Bulwark
# Two configurations on the same files: the secrets packs only, and the full default packs.
SECRETS_ONLY="--no-default-rules --rules src/Bulwark/Rules/secrets"
BW_CMD="${PIN_STR}artifacts/bulwark/bulwark scan $FILES --threads 1 --no-progress --format json --output $CORPUS/bulwark.json ${BULWARK_EXTRA_ARGS:-}"
BWS_CMD="${PIN_STR}artifacts/bulwark/bulwark scan $FILES --threads 1 --no-progress --format json --output $CORPUS/bulwark-secrets.json $SECRETS_ONLY ${BULWARK_EXTRA_ARGS:-}"
if [ -z "${BENCH_SKIP_BULWARK:-}" ]; then
  log "scanning with Bulwark (secrets packs only, and full default packs, alternating)"
  rm -f "$CORPUS/bulwark.json" "$CORPUS/bulwark-secrets.json" "$CORPUS"/bulwark{,-secrets}.{walls,cpus,rss,rc}
  bw_secrets() {
    # shellcheck disable=SC2086  # word lists on purpose
    timed_once bulwark-secrets "${PIN[@]}" artifacts/bulwark/bulwark scan "$FILES" --threads 1 --no-progress \
      --format json --output "$CORPUS/bulwark-secrets.json" $SECRETS_ONLY ${BULWARK_EXTRA_ARGS:-}
  }
  bw_full() {
    # shellcheck disable=SC2086
    timed_once bulwark "${PIN[@]}" artifacts/bulwark/bulwark scan "$FILES" --threads 1 --no-progress \
      --format json --output "$CORPUS/bulwark.json" ${BULWARK_EXTRA_ARGS:-}
  }
  for ((i = 1; i <= RUNS; i++)); do
    if ((i % 2)); then bw_secrets; bw_full; else bw_full; bw_secrets; fi
  done
fi

# ---------------------------------------------------------------- (d) secretlint
# Run from bench/secretlint so it uses the pinned install and its .secretlintrc.json.
# The glob is quoted: secretlint expands it itself (dotfiles such as .env included).
SL_EXT=json; [ "$SL_FORMAT" = json ] || SL_EXT=txt
SL_OUT="$CORPUS/secretlint.$SL_EXT"  # relative to the repo root, for scoring
SL_CMD="cd bench/secretlint && ${PIN_STR}./node_modules/.bin/secretlint --secretlintrc .secretlintrc.json --format $SL_FORMAT --output ../corpus/secretlint.$SL_EXT \"../corpus/files/**/*\""
if [ -z "${BENCH_SKIP_SECRETLINT:-}" ]; then
  log "scanning with secretlint"
  rm -f "$SL_OUT"
  (cd bench/secretlint && timed secretlint "${PIN[@]}" ./node_modules/.bin/secretlint \
    --secretlintrc .secretlintrc.json --format "$SL_FORMAT" --output "../corpus/secretlint.$SL_EXT" "../corpus/files/**/*")
fi

# ---------------------------------------------------------------- (e) score
log "scoring"
export ROOT CORPUS SIZE_MB SEED GEN_CMD BW_CMD BWS_CMD SL_CMD SL_OUT PIN_DESC SL_FORMAT
export BW_VERSION SL_VERSION NODE_VERSION DOTNET_VERSION
BW_VERSION=$(artifacts/bulwark/bulwark --version 2>/dev/null | head -n1 || true)
SL_VERSION=$(bench/secretlint/node_modules/.bin/secretlint --version 2>/dev/null | head -n1 || true)
NODE_VERSION=$(node --version 2>/dev/null || true)
DOTNET_VERSION=$(dotnet --version 2>/dev/null || true)
python3 - <<'EOF'
# Collect timings, versions and machine facts into run.json for score.py.
import json, os, platform, statistics
e = os.environ
C = e["CORPUS"]

def read(name, default=None):
    try:
        with open(os.path.join(C, name)) as f:
            return f.read().strip()
    except OSError:
        return default

def tool(name, report, command, version):
    walls = read(name + ".walls")
    if walls is None:
        return {"skipped": True}
    walls = [float(x) for x in walls.split()]
    rss = read(name + ".rss")
    cpus = read(name + ".cpus")
    cpus = [float(x) for x in cpus.split()] if cpus else []
    return {
        "wall_seconds": round(statistics.median(walls), 3),
        "wall_seconds_all_runs": walls,
        "cpu_seconds": round(statistics.median(cpus), 3) if cpus else None,
        "cpu_seconds_all_runs": cpus,
        "exit_code": int(read(name + ".rc", "-1")),
        "max_rss_kib": int(rss.splitlines()[-1].split()[0]) if rss and rss.splitlines()[-1].split()[0].isdigit() else None,
        "report": report,
        "command": command.strip(),
        "version": version,
    }

cpu = "unknown"
with open("/proc/cpuinfo") as f:
    for line in f:
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
mem_kib = 0
with open("/proc/meminfo") as f:
    for line in f:
        if line.startswith("MemTotal:"):
            mem_kib = int(line.split()[1])
osname = platform.platform()
if os.path.exists("/etc/os-release"):
    for line in open("/etc/os-release"):
        if line.startswith("PRETTY_NAME="):
            osname = line.split("=", 1)[1].strip().strip('"')

run = {
    "date": __import__("datetime").datetime.now().astimezone().isoformat(timespec="seconds"),
    "seed": int(e["SEED"]),
    "generate_command": e["GEN_CMD"],
    "pin": e["PIN_DESC"],
    "machine": {"nproc": os.cpu_count(), "cpu_model": cpu, "mem_gib": round(mem_kib / 1024 / 1024, 1), "os": osname,
                "load_average": [round(x, 2) for x in os.getloadavg()]},
    "tools": {
        # Skip a tool whose previous run left timings but which was skipped this time.
        "bulwark-secrets": {"skipped": True} if e.get("BENCH_SKIP_BULWARK") else
            tool("bulwark-secrets", os.path.join(C, "bulwark-secrets.json"), e["BWS_CMD"], e.get("BW_VERSION") or None),
        "bulwark": {"skipped": True} if e.get("BENCH_SKIP_BULWARK") else
            tool("bulwark", os.path.join(C, "bulwark.json"), e["BW_CMD"], e.get("BW_VERSION") or None),
        "secretlint": {"skipped": True} if e.get("BENCH_SKIP_SECRETLINT") else
            tool("secretlint", e["SL_OUT"], e["SL_CMD"], e.get("SL_VERSION") or None),
    },
    "notes": [
        "Wall time is the whole process, start-up included (.NET %s, Node %s)." % (e.get("DOTNET_VERSION") or "?", e.get("NODE_VERSION") or "?"),
        "Throughput is corpus bytes / wall seconds (MiB = 2^20 bytes); with several runs (BENCH_RUNS) the median wall time is used. "
        "CPU throughput is corpus bytes / processor seconds (user + system) of the pinned process, which other processes on the core do not inflate.",
        "bulwark-secrets runs the secrets packs only (`--no-default-rules --rules src/Bulwark/Rules/secrets`); bulwark runs the full default packs (secrets, PII, prompt attacks).",
        "With the full default packs a file stops at 1,000 findings (ScanLimits.MaxFindingsPerFile, the first 1,000 by offset); "
        "in log and data files full of dates, URLs and IP addresses that cap is reached by PII findings and later secrets "
        "go unreported, which is why that row's secret recall is below the secrets-only row's.",
        "secretlint runs its recommended preset with default options, so a bare AWS access key id (opt-in there) is outside its coverage.",
    ] + (["secretlint's JSON formatter embeds the content of every scanned file in its report, which adds to its time; "
          "SECRETLINT_FORMAT=unix measures it without that."] if e["SL_FORMAT"] == "json" else []),
}
with open(os.path.join(C, "run.json"), "w") as f:
    json.dump(run, f, indent=2)
EOF
python3 bench/corpus-gen/score.py --corpus "$CORPUS" --run "$CORPUS/run.json" \
  --out-md "$RESULTS/throughput.md" --out-json "$RESULTS/throughput.json"
log "wrote $RESULTS/throughput.md and $RESULTS/throughput.json"
