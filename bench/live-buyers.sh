#!/usr/bin/env bash
# Buyers while the crowd watches: durable purchases per second on one sale (wrk, 64 connections) with nobody
# watching, with N live-feed viewers of that same sale, and after they leave; one embedded server on CPU 0, wrk
# and the viewers (bench/FlashSale.LiveBench --hold) on CPU 1.
#
#   bench/live-buyers.sh [viewers] [seconds]        (default 10000 10; ≈ 1.5 min after the build)
#
# Builds like bench/run.sh (BENCH_SKIP_BUILD=1 reuses $BENCH_BUILD_DIR); SERVER_ENV="Key=Value ..." passes settings to
# the server (e.g. SERVER_ENV="Live__MinInterval=00:00:00.5"). Traffic goes to 127.0.0.1 only. Needs wrk, taskset, curl, jq.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VIEWERS=${1:-10000}
SECS=${2:-10}
BUILD_DIR=${BENCH_BUILD_DIR:-/tmp/flashsale-bench-build}
PORT=5825
TOKENS=2500   # × the limit of 1000 each: room for 2.5M purchases

log() { printf '[live-buyers] %s\n' "$*" >&2; }
die() { printf '[live-buyers] ERROR: %s\n' "$*" >&2; exit 1; }
for tool in wrk taskset curl jq dotnet; do command -v "$tool" >/dev/null || die "$tool is not installed"; done
ulimit -n $((VIEWERS + 1024)) 2>/dev/null || die "cannot raise the open-file limit to $((VIEWERS + 1024)) (ulimit -n; hard limit $(ulimit -Hn))"

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
make_workdir live-buyers
build_servers
build_livebench

ADMIN_PASSWORD=$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24)
start_feed_server "$((VIEWERS + 1000))"
ADMIN=$(admin_token "$PORT")
mint_tokens "$PORT" "$ADMIN" "$WORK/tokens" || die "could not mint $TOKENS tokens"
SALE=$(create_sale "$PORT" "$ADMIN" 10000000 1000)
buy() { # duration -> "rps p99-ms"
  local out
  out=$(SALE_ID=$SALE TOKENS_FILE=$WORK/tokens taskset -c 1 wrk -t1 -c64 -d"$1" --timeout 10s -s "$ROOT/bench/purchase.lua" "http://127.0.0.1:$PORT" | grep '^RESULT')
  [[ $out == *" non2xx=0 "* ]] || die "not every purchase succeeded: $out"
  echo "$(grep -oE 'rps=[0-9.]+' <<<"$out" | cut -d= -f2) purchases/s, p99 $(grep -oE 'p99_us=[0-9]+' <<<"$out" | cut -d= -f2 | awk '{printf "%.1f", $1 / 1000}') ms"
}

log "warm-up 20 s"
buy 20s >/dev/null
echo "nobody watching:        $(buy "${SECS}s")"
taskset -c 1 dotnet "$BUILD_DIR/livebench/FlashSale.LiveBench.dll" --url "http://127.0.0.1:$PORT" --pid "$SERVER_PID" \
  --sale "$SALE" --clients "$VIEWERS" --hold $((SECS + 5)) >"$WORK/viewers.log" 2>&1 &
HELPER_PID=$!
for ((i = 0; i < 600; i++)); do grep -q watching "$WORK/viewers.log" && break; kill -0 "$HELPER_PID" 2>/dev/null || die "viewers: $(tail -n 3 "$WORK/viewers.log")"; sleep 0.1; done
grep -q watching "$WORK/viewers.log" || die "the viewers did not connect in 60 s"
sleep 2
echo "$VIEWERS viewers watching: $(buy "${SECS}s")"
wait "$HELPER_PID" || die "viewers: $(tail -n 3 "$WORK/viewers.log")"
HELPER_PID=""
echo "viewers: $(tail -n 1 "$WORK/viewers.log")"
echo "after they left:        $(buy "${SECS}s")"
