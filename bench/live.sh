#!/usr/bin/env bash
# The live feed under load: one embedded FlashSale server on CPU 0, N Server-Sent Events clients on CPU 1
# (bench/FlashSale.LiveBench): memory per client, CPU per client while idle, then a purchase burst on the
# watched sale with the latency from a purchase to each client's event and the CPU per delivered event.
#
#   bench/live.sh [clients] [purchases] [interval-ms]        (default 10000 50 100; ≈ 1 min after the build)
#
# Last, every client leaves at once and it prints the server CPU their leaving cost.
#
# Builds like bench/run.sh (BENCH_SKIP_BUILD=1 reuses $BENCH_BUILD_DIR). Storage__DataPath is a fresh folder
# under /tmp; the connection cap (Limits:MaxConcurrentConnections, 10,000 by default) is raised to the clients plus
# room for the purchases. SERVER_ENV="Key=Value ..." passes more settings to the server (e.g.
# SERVER_ENV="Live__MinInterval=00:00:00.5" to compare). Traffic goes to 127.0.0.1 only. Needs taskset, curl, jq.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CLIENTS=${1:-10000}
PURCHASES=${2:-50}
INTERVAL=${3:-100}
BUILD_DIR=${BENCH_BUILD_DIR:-/tmp/flashsale-bench-build}
PORT=5824
TOKENS=1

log() { printf '[live] %s\n' "$*" >&2; }
die() { printf '[live] ERROR: %s\n' "$*" >&2; exit 1; }
for tool in taskset curl jq dotnet; do command -v "$tool" >/dev/null || die "$tool is not installed"; done
# A socket per client in each process (server and clients), and some to spare.
ulimit -n $((CLIENTS + 1024)) 2>/dev/null || die "cannot raise the open-file limit to $((CLIENTS + 1024)) (ulimit -n; hard limit $(ulimit -Hn))"

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
make_workdir live
build_servers
build_livebench

ADMIN_PASSWORD=$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24)
start_feed_server "$((CLIENTS + 100))"

log "$CLIENTS clients, then $PURCHASES purchases every $INTERVAL ms"
taskset -c 1 dotnet "$BUILD_DIR/livebench/FlashSale.LiveBench.dll" --url "http://127.0.0.1:$PORT" --pid "$SERVER_PID" \
  --clients "$CLIENTS" --admin-password "$ADMIN_PASSWORD" --purchases "$PURCHASES" --interval-ms "$INTERVAL"
