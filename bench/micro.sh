#!/usr/bin/env bash
# Micro benchmarks of the purchase hot path (BenchmarkDotNet, short in-process job, < 3 minutes):
#
#   bench/micro.sh                      all of them
#   bench/micro.sh --filter '*Json*'    some (any BenchmarkDotNet argument is passed on)
#
# The summary table goes to stdout; the Markdown report to bench/results/micro/results/.
# Numbers mean something only on a quiet machine; see docs/benchmarks.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PROJECT="$ROOT/bench/FlashSale.Bench.Micro"
OUT="$ROOT/bench/results/micro"

log=$(mktemp)
dotnet build "$PROJECT/FlashSale.Bench.Micro.csproj" -c Release -v q -nologo >"$log" 2>&1 ||
  { grep -E 'error|warn' "$log" | sort -u >&2; rm -f "$log"; echo "[micro] build failed" >&2; exit 1; }
rm -f "$log"
args=("$@")
((${#args[@]})) || args=(--filter '*')
mkdir -p "$OUT"
cd "$OUT"
dotnet "$PROJECT/bin/Release/net10.0/FlashSale.Bench.Micro.dll" --artifacts "$OUT" "${args[@]}"
