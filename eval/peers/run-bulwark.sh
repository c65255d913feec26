#!/usr/bin/env sh
# Bulwark's own verdicts on the same rows the peers see, from the already-built CLI (no rebuild).
# Writes out/bulwark-input.jsonl ({"id","text"} lines), out/bulwark.jsonl (classify output) and
# out/bulwark.meta.json (timing, commit).
#
#   sh run-bulwark.sh
#   DATA=/path/to/combined.jsonl BULWARK_DLL=/path/to/bulwark.dll sh run-bulwark.sh
set -eu
cd "$(dirname "$0")"
DATA=${DATA:-../../../shared/datasets/prompt_attack_eval_combined/combined.jsonl}
BULWARK_DLL=${BULWARK_DLL:-../../src/Bulwark.Cli/bin/Release/net10.0/bulwark.dll}
mkdir -p out

python3 - "$DATA" <<'EOF'
import json, sys
with open(sys.argv[1], encoding="utf-8") as src, open("out/bulwark-input.jsonl", "w", encoding="utf-8") as dst:
    for line in src:
        if line.strip():
            row = json.loads(line)
            dst.write(json.dumps({"id": row["id"], "text": row["text"]}, ensure_ascii=False) + "\n")
EOF

start=$(python3 -c 'import time; print(time.time())')
dotnet "$BULWARK_DLL" classify --jsonl < out/bulwark-input.jsonl > out/bulwark.jsonl
end=$(python3 -c 'import time; print(time.time())')

commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)
# A build from a working tree with changes under src/ is not that commit: say so.
if [ -n "$(git status --porcelain -- ../../src 2>/dev/null)" ]; then commit="$commit+changes"; fi
python3 - "$start" "$end" "$commit" "$BULWARK_DLL" <<'EOF'
import json, os, platform, sys
start, end, commit, dll = float(sys.argv[1]), float(sys.argv[2]), sys.argv[3], sys.argv[4]
rows = sum(1 for line in open("out/bulwark.jsonl", encoding="utf-8") if line.strip())
errors = sum(1 for line in open("out/bulwark.jsonl", encoding="utf-8") if line.strip() and "error" in json.loads(line))
seconds = end - start
meta = {
    "peer": "bulwark",
    "command": "dotnet src/Bulwark.Cli/bin/Release/net10.0/bulwark.dll classify --jsonl < out/bulwark-input.jsonl",
    "commit": commit,
    "rows": rows,
    "errors": errors,
    "seconds": round(seconds, 3),
    "rows_per_second": round(rows / seconds, 1),
    "note": "wall time of one process, including .NET start-up and model load",
    "cpus": os.cpu_count(),
    "machine": platform.machine(),
}
json.dump(meta, open("out/bulwark.meta.json", "w"), indent=2)
print(f"bulwark: {rows} rows in {seconds:.1f} s ({rows / seconds:.0f} rows/s), {errors} errors", file=sys.stderr)
EOF
