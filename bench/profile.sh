#!/usr/bin/env bash
# A CPU profile of one purchase scenario: where the server's core goes, by function.
#
#   bench/profile.sh soldout|embedded|distributed|ceiling [connections]   (default 64)
#
# Builds like bench/run.sh (BENCH_SKIP_BUILD=1 reuses $BENCH_BUILD_DIR), starts the server on CPU 0 with
# the JIT's perf map on, runs wrk on CPU 1 for PROFILE_DURATION (default 10s) while `perf record`
# samples the server, then prints the hottest functions (self time) and writes the full report to
# bench/results/profile-<scenario>.txt. Needs perf (linux-perf). Traffic goes to 127.0.0.1 only.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCENARIO=${1:?usage: bench/profile.sh soldout|embedded|distributed|ceiling [connections]}
CONNS=${2:-64}
DURATION=${PROFILE_DURATION:-10s}
BUILD_DIR=${BENCH_BUILD_DIR:-/tmp/flashsale-bench-build}
PORT=5821
TOKENS=500

log() { printf '[profile] %s\n' "$*" >&2; }
die() { printf '[profile] ERROR: %s\n' "$*" >&2; exit 1; }
for tool in perf wrk taskset curl jq dotnet; do command -v "$tool" >/dev/null || die "$tool is not installed"; done

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
make_workdir profile
build_servers

ADMIN_PASSWORD=$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24)
start() { # dll [env...]
  local dll=$1
  shift
  env ASPNETCORE_ENVIRONMENT=Production DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 DOTNET_TC_CallCountingDelayMs=0 Logging__LogLevel__Default=Warning \
    ASPNETCORE_URLS="http://127.0.0.1:$PORT" "$@" taskset -c 0 dotnet "$dll" --contentRoot "$(dirname "$dll")" >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  wait_ready "$SERVER_PID" "$PORT" server || die "server did not start: $(tail -n 5 "$WORK/server.log")"
}

STORE=()
if [[ $SCENARIO == distributed ]]; then
  start_pinned_stores flashsale_profile
  STORE=("${DISTRIBUTED_ENV[@]}")
fi

# Tokens and sales always come from a FlashSale server; the ceiling profile restarts on the ceiling app.
# shellcheck disable=SC2046
start "$BUILD_DIR/flashsale/FlashSale.dll" "${STORE[@]}" $(flashsale_env "$WORK/data")
ADMIN=$(admin_token "$PORT")
mint_tokens "$PORT" "$ADMIN" "$WORK/tokens" || die "could not mint $TOKENS tokens"
stock=10000000 limit=1000
[[ $SCENARIO == soldout ]] && stock=1 limit=1
SALE=$(create_sale "$PORT" "$ADMIN" "$stock" "$limit")
if [[ $SCENARIO == ceiling ]]; then
  kill -TERM "$SERVER_PID"
  wait "$SERVER_PID" 2>/dev/null || true
  start "$BUILD_DIR/ceiling/FlashSale.Ceiling.dll"
fi

load() { # duration
  SALE_ID=$SALE TOKENS_FILE=$WORK/tokens taskset -c 1 wrk -t1 -c"$CONNS" -d"$1" --timeout 10s -s "$ROOT/bench/purchase.lua" "http://127.0.0.1:$PORT"
}
log "warm-up 15 s"
load 15s >/dev/null
if [[ $SCENARIO == embedded || $SCENARIO == distributed ]]; then
  # A fresh sale for the sampled window: 500 buyers × a limit of 1000 run out within a fast warm-up and window.
  SALE=$(create_sale "$PORT" "$ADMIN" "$stock" "$limit")
fi
log "profiling $SCENARIO at $CONNS connections for $DURATION"
load "$DURATION" >"$WORK/wrk.txt" &
WRK=$!
sleep 1
perf record -F 1999 -g -p "$SERVER_PID" -o "$WORK/perf.data" -- sleep $((${DURATION%s} - 2)) >/dev/null 2>&1
wait "$WRK"
grep -E '^RESULT' "$WORK/wrk.txt" | tr ' ' '\n' | grep -E '^(rps|p50_us|p99_us|non2xx)=' | tr '\n' ' ' >&2
echo >&2
mkdir -p "$ROOT/bench/results"
OUT="$ROOT/bench/results/profile-$SCENARIO.txt"
perf report -i "$WORK/perf.data" --no-children --sort symbol --stdio 2>/dev/null | grep -v '^$' >"$OUT.full" || true
perf report -i "$WORK/perf.data" --no-children --sort dso,symbol -g none --stdio 2>/dev/null | grep -E '^ +[0-9]' >"$OUT" || true
perf report -i "$WORK/perf.data" --children --sort symbol -g none --stdio 2>/dev/null | grep -E "^ +[0-9]" | head -n 300 >"$OUT.inclusive" || true
head -n 60 "$OUT"
log "written: $OUT (self time by function) , $OUT.inclusive (with callees) and $OUT.full (call graphs)"
