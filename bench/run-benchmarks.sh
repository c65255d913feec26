#!/usr/bin/env bash
# Runs the BenchmarkDotNet suites (BENCH_FILTER selects some, e.g. "*ClassifierBenchmarks*") and copies their Markdown summaries to bench/results/benchmarkdotnet/.
set -euo pipefail
cd "$(dirname "$0")/.."
artifacts=bench/.artifacts
rm -rf "$artifacts"
dotnet run -c Release --project bench/Bulwark.Bench -- --filter "${BENCH_FILTER:-*}" --job short --artifacts "$artifacts" --exporters github "$@"
mkdir -p bench/results/benchmarkdotnet
cp "$artifacts"/results/*-report-github.md bench/results/benchmarkdotnet/
echo "results in bench/results/benchmarkdotnet/"
