#!/usr/bin/env bash
# Gateway at scale: the same gateway on the embedded store and on shared stores, one instance vs two, strict vs
# relaxed audit durability, measured in one run (interleaved, rounds rotated). Targets:
#   direct                the load generator talks to the mock upstream itself (the ceiling)
#   one-sqlite-strict     one gateway, SQLite (the embedded default), strict durability
#   one-shared-strict     one gateway, PostgreSQL (keys, audit) + Redis (rate limits), strict durability
#   one-shared-relaxed    the same, relaxed durability
#   two-shared-strict     two gateways on the same PostgreSQL + Redis, connections split between them, strict
#   two-shared-relaxed    the same, relaxed
# Every gateway runs the proxy path with empty guard pipelines (the stores' cost is what is measured here; the guards'
# is in bench/results/gateway-load.md) and one key with an rpm limit, so each request also passes the rate limiter
# (in process on SQLite, a Redis script on the shared stores) and writes one audit record.
# PostgreSQL and Redis are the Debian packages' servers, started here on loopback (fsync on: durability is measured).
#
#   bash bench/gateway-scale.sh                                  # the full run (about 15 minutes)
#   BENCH_ROUNDS=1 BENCH_DURATION=3 BENCH_PRIMING=2 bash bench/gateway-scale.sh   # a quick look
#
# Environment: BENCH_ROUNDS (3), BENCH_PRIMING (5), BENCH_WARMUP (2), BENCH_DURATION (8), BENCH_CONNECTIONS (32),
# BENCH_PORT_BASE (19080), BENCH_OUT (bench/results/gateway-scale). Nothing is pinned: on a small machine the
# instances, the stores, the upstream and the load generator share every core, and the report says how many.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
ROUNDS=${BENCH_ROUNDS:-3}
PRIMING=${BENCH_PRIMING:-5}
WARMUP=${BENCH_WARMUP:-2}
DURATION=${BENCH_DURATION:-8}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
PORT_BASE=${BENCH_PORT_BASE:-19080}
OUT=${BENCH_OUT:-bench/results/gateway-scale}
WORK=$ROOT/bench/.artifacts/gateway-scale
BIN=bin/Release/net10.0
UPSTREAM_PORT=$((PORT_BASE + 1)); PG_PORT=$((PORT_BASE + 2)); REDIS_PORT=$((PORT_BASE + 3))
SQLITE_PORT=$((PORT_BASE + 4)); STRICT_PORT=$((PORT_BASE + 5)); RELAXED_PORT=$((PORT_BASE + 6))
STRICT2_PORT=$((PORT_BASE + 7)); RELAXED2_PORT=$((PORT_BASE + 8))

log() { printf '\n== %s\n' "$*" >&2; }

PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$PG_BIN" ] || ! command -v redis-server >/dev/null; then
  echo "gateway-scale.sh: needs PostgreSQL and Redis (Debian: apt-get install postgresql redis-server)" >&2
  exit 1
fi
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

log "building Release: bulwark, the mock upstream, the load generator"
for project in src/Bulwark.Cli src/Bulwark.Gateway samples/tools/MockUpstream bench/Bulwark.GatewayLoad; do
  dotnet build "$project" -c Release -nologo -v quiet
done

rm -rf "$WORK"; mkdir -p "$WORK" "$(dirname "$OUT")"
source bench/lib/processes.sh
cleanup() {
  stop_all
  as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg" -m fast stop >/dev/null 2>&1 || true
}
trap cleanup EXIT INT TERM

log "starting PostgreSQL and Redis on loopback"
[ "$(id -u)" -eq 0 ] && chown postgres "$WORK"
as_pg "$PG_BIN/initdb" -D "$WORK/pg" -A trust -U bulwark -E UTF8 >/dev/null
as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg" -o "-p $PG_PORT -k $WORK -c listen_addresses=127.0.0.1 -c max_connections=300" -l "$WORK/pg.log" -w start >/dev/null
"$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U bulwark bench
start redis redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no
DATABASE="Host=127.0.0.1;Port=$PG_PORT;Username=bulwark;Database=bench;Maximum Pool Size=100"

cat > "$WORK/no-guards.yaml" <<'EOF'
mode: enforce
input: []
output: []
documents: []
EOF
gateway_config() { # NAME PORT DATABASE DURABILITY REDIS(yes|no)
  local redis=""
  [ "$5" = yes ] && redis=$'redis:\n  connection: "127.0.0.1:'"$REDIS_PORT"',abortConnect=false"'
  cat > "$WORK/$1.yaml" <<EOF
listen: http://127.0.0.1:$2
database: "$3"
upstreams:
  - name: mock
    kind: openai-compatible
    base-url: http://127.0.0.1:$UPSTREAM_PORT/v1
models:
  - name: demo
    upstream: mock
    upstream-model: mock-model
guards:
  policy: no-guards.yaml
  pseudonymize: false
  canary: false
audit:
  durability: $4
$redis
EOF
}
gateway_config one-sqlite-strict "$SQLITE_PORT" "$WORK/one-sqlite.db" strict no
gateway_config one-shared-strict "$STRICT_PORT" "$DATABASE" strict yes
gateway_config one-shared-relaxed "$RELAXED_PORT" "$DATABASE" relaxed yes
gateway_config two-shared-strict-b "$STRICT2_PORT" "$DATABASE" strict yes
gateway_config two-shared-relaxed-b "$RELAXED2_PORT" "$DATABASE" relaxed yes

BULWARK=(dotnet "$ROOT/src/Bulwark.Cli/$BIN/bulwark.dll")
# A limit far above what the run reaches: every request takes the rate-limit path, none is refused.
SQLITE_KEY=$("${BULWARK[@]}" keys create --config "$WORK/one-sqlite-strict.yaml" --team bench --rpm 100000000 | tail -n 1)
SHARED_KEY=$("${BULWARK[@]}" keys create --config "$WORK/one-shared-strict.yaml" --team bench --rpm 100000000 | tail -n 1)

log "starting the upstream and six gateways"
start upstream dotnet "samples/tools/MockUpstream/$BIN/MockUpstream.dll" "http://127.0.0.1:$UPSTREAM_PORT" --no-record
UPSTREAM_PID=$START_PID
export Logging__LogLevel__Default=Warning
declare -A PID_OF
for name in one-sqlite-strict one-shared-strict one-shared-relaxed two-shared-strict-b two-shared-relaxed-b; do
  start "$name" dotnet "src/Bulwark.Gateway/$BIN/Bulwark.Gateway.dll" --config "$WORK/$name.yaml"
  PID_OF[$name]=$START_PID
done
wait_for "http://127.0.0.1:$UPSTREAM_PORT/v1/models" upstream "$UPSTREAM_PID"
for pair in one-sqlite-strict:$SQLITE_PORT one-shared-strict:$STRICT_PORT one-shared-relaxed:$RELAXED_PORT two-shared-strict-b:$STRICT2_PORT two-shared-relaxed-b:$RELAXED2_PORT; do
  wait_for "http://127.0.0.1:${pair#*:}/healthz" "${pair%%:*}" "${PID_OF[${pair%%:*}]}"
done
for port in $SQLITE_PORT $STRICT_PORT $RELAXED_PORT $STRICT2_PORT $RELAXED2_PORT; do
  key=$SHARED_KEY; [ "$port" = "$SQLITE_PORT" ] && key=$SQLITE_KEY
  out=$(curl -sS -w '\n%{http_code}' "http://127.0.0.1:$port/v1/chat/completions" -H "Content-Type: application/json" -H "Authorization: Bearer $key" \
    -d '{"model": "demo", "messages": [{"role": "user", "content": "hello"}]}')
  [ "$(tail -n 1 <<<"$out")" = 200 ] || { echo "gateway on $port: expected 200, got: $out" >&2; exit 1; }
done

CPU_MODEL=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1)
COMMAND="bash bench/gateway-scale.sh"
for v in BENCH_ROUNDS BENCH_PRIMING BENCH_WARMUP BENCH_DURATION BENCH_CONNECTIONS; do
  [ -n "${!v:-}" ] && COMMAND="$v=${!v} $COMMAND"
done
python3 - "$WORK/plan.json" <<EOF
import json, sys
url = lambda port: f"http://127.0.0.1:{port}/v1/chat/completions"
auth = lambda key: {"Authorization": f"Bearer {key}"}
targets = [
    {"name": "direct", "label": "direct to upstream", "url": url($UPSTREAM_PORT), "model": "mock-model", "headers": auth("sk-bench"), "pid": $UPSTREAM_PID},
    {"name": "one-sqlite-strict", "label": "1 instance, SQLite, strict", "url": url($SQLITE_PORT), "model": "demo", "headers": auth("$SQLITE_KEY"), "pid": ${PID_OF[one-sqlite-strict]}},
    {"name": "one-shared-strict", "label": "1 instance, PostgreSQL + Redis, strict", "url": url($STRICT_PORT), "model": "demo", "headers": auth("$SHARED_KEY"), "pid": ${PID_OF[one-shared-strict]}},
    {"name": "one-shared-relaxed", "label": "1 instance, PostgreSQL + Redis, relaxed", "url": url($RELAXED_PORT), "model": "demo", "headers": auth("$SHARED_KEY"), "pid": ${PID_OF[one-shared-relaxed]}},
    {"name": "two-shared-strict", "label": "2 instances, PostgreSQL + Redis, strict", "url": url($STRICT_PORT), "moreUrls": [url($STRICT2_PORT)], "model": "demo", "headers": auth("$SHARED_KEY"), "pid": ${PID_OF[one-shared-strict]}, "morePids": [${PID_OF[two-shared-strict-b]}]},
    {"name": "two-shared-relaxed", "label": "2 instances, PostgreSQL + Redis, relaxed", "url": url($RELAXED_PORT), "moreUrls": [url($RELAXED2_PORT)], "model": "demo", "headers": auth("$SHARED_KEY"), "pid": ${PID_OF[one-shared-relaxed]}, "morePids": [${PID_OF[two-shared-relaxed-b]}]},
]
json.dump({
    "title": "Gateway at scale: one vs two instances on shared PostgreSQL + Redis, strict vs relaxed audit durability",
    "script": "bench/gateway-scale.sh",
    "judgeGatewayTargets": False,
    "targets": targets,
    "phases": [
        {"name": "chat-1", "stream": False, "connections": 1},
        {"name": "chat-load", "stream": False, "connections": $CONNECTIONS},
        {"name": "chat-load-model-20ms", "stream": False, "connections": $CONNECTIONS, "modelMilliseconds": 20},
    ],
    "rounds": $ROUNDS, "primingSeconds": $PRIMING, "warmupSeconds": $WARMUP, "durationSeconds": $DURATION, "upstreamPid": $UPSTREAM_PID,
    "run": {
        "command": "$COMMAND",
        "date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
        "machine": "$(nproc) cores, $CPU_MODEL, $(free -g | awk '/^Mem:/ {print $2}') GiB, $(uname -sr)",
        "cores": "not pinned: the gateways, PostgreSQL, Redis, the upstream and the load generator share all $(nproc) cores",
        "bulwark": "commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src samples || echo ' (+ uncommitted changes)'), Release, Bulwark.Gateway.dll (server GC)",
        "stores": "$("$PG_BIN/postgres" --version) (fsync on, synchronous_commit on), $(redis-server --version | cut -d' ' -f1-3) (no persistence); SQLite via Microsoft.Data.Sqlite (WAL)",
        "dotnet": "$(dotnet --version)",
        "upstream": "samples/tools/MockUpstream --no-record (echoes the prompt; answers at once, or after 20 ms of model time in chat-load-model-20ms)",
        "bulwark configs": "empty guard pipelines, pseudonymize and canary off; one key with rpm 100,000,000 (every request passes the limiter); audit on; log level Warning. Two-instance targets split the connections evenly; their CPU is the sum of both processes",
    },
    "outJson": "$(realpath -m "$OUT").json", "outMarkdown": "$(realpath -m "$OUT").md",
}, open(sys.argv[1], "w"), indent=2)
EOF

log "load: $ROUNDS round(s) x 3 phases x 6 targets x (${WARMUP} s + ${DURATION} s)"
dotnet bench/Bulwark.GatewayLoad/$BIN/Bulwark.GatewayLoad.dll "$WORK/plan.json"
log "wrote $OUT.md and $OUT.json"
