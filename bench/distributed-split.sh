#!/usr/bin/env bash
# Where a distributed purchase's CPU goes: one distributed FlashSale instance on CPU 0 with Redis and
# PostgreSQL (pinned there, as bench/run.sh pins them), wrk on CPU 1; over the measured window it prints
# the purchases per second, each process's share of CPU 0, context switches, PostgreSQL commits (one per
# persister batch) and the Redis commands run.
#
#   bench/distributed-split.sh [connections] [seconds]        (default 64 and 10; 15 s of warm-up first)
#
# Builds like bench/run.sh (BENCH_SKIP_BUILD=1 BENCH_BUILD_DIR=<dir> reuses a build); SERVER_ENV="Key=Value ..."
# passes settings to the server (e.g. SERVER_ENV="Distributed__PersisterLinger=00:00:00" to compare). A fresh
# database and a fresh Distributed:Namespace per run. Traffic goes to 127.0.0.1 only. Needs wrk, curl, jq, redis-cli.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CONNS=${1:-64}
SECS=${2:-10}
BUILD_DIR=${BENCH_BUILD_DIR:-/tmp/flashsale-bench-build}
PORT=5823
TOKENS=500
REDIS_PORT=6390

log() { printf '[split] %s\n' "$*" >&2; }
die() { printf '[split] ERROR: %s\n' "$*" >&2; exit 1; }
for tool in wrk taskset curl jq redis-cli dotnet; do command -v "$tool" >/dev/null || die "$tool is not installed"; done

WORK=$(mktemp -d /tmp/flashsale-split.XXXXXX)
SERVER_PID=""
DB=flashsale_split
cleanup() {
  [[ -n $SERVER_PID ]] && { kill -TERM "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; }
  [[ -n ${PSQL+x} ]] && { "${PSQL[@]}" -c "drop database if exists $DB with (force)" >/dev/null 2>&1 || true; }
  rm -rf "$WORK"
}
trap cleanup EXIT

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
build_servers
start_pinned_stores "$DB"

ADMIN_PASSWORD=$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24)
# shellcheck disable=SC2046,SC2086
env ASPNETCORE_ENVIRONMENT=Production DOTNET_TC_CallCountingDelayMs=0 Logging__LogLevel__Default=Warning \
  ASPNETCORE_URLS="http://127.0.0.1:$PORT" "${DISTRIBUTED_ENV[@]}" \
  "Distributed__Namespace=split-$(date +%s%N)" ${SERVER_ENV:-} $(flashsale_env "$WORK/data") \
  taskset -c 0 dotnet "$BUILD_DIR/flashsale/FlashSale.dll" --contentRoot "$BUILD_DIR/flashsale" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
wait_ready "$SERVER_PID" "$PORT" server || die "server did not start: $(tail -n 5 "$WORK/server.log")"
ADMIN=$(admin_token "$PORT")
mint_tokens "$PORT" "$ADMIN" "$WORK/tokens" || die "could not mint $TOKENS tokens"
SALE=$(create_sale "$PORT" "$ADMIN" 10000000 1000)
load() { SALE_ID=$SALE TOKENS_FILE=$WORK/tokens taskset -c 1 wrk -t1 -c"$CONNS" -d"$1" --timeout 10s -s "$ROOT/bench/purchase.lua" "http://127.0.0.1:$PORT"; }

log "warm-up 15 s, then $SECS s at $CONNS connections"
load 15s >/dev/null
ticks() { local t=0 p; for p in "$@"; do [[ -r /proc/$p/stat ]] && t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$t"; }
postgres_pids() { pgrep -x postgres | tr '\n' ' '; }
switches() { awk '/^ctxt/ {print $2}' /proc/stat; }
commits() { "${PSQL[@]}" -c "select xact_commit from pg_stat_database where datname = '$DB'"; }
redis-cli -p "$REDIS_PORT" config resetstat >/dev/null
# shellcheck disable=SC2046
s0=$(ticks "$SERVER_PID") r0=$(ticks "$REDIS_PID") p0=$(ticks $(postgres_pids)) c0=$(switches) x0=$(commits)
load "${SECS}s" >"$WORK/wrk.txt"
# shellcheck disable=SC2046
s1=$(ticks "$SERVER_PID") r1=$(ticks "$REDIS_PID") p1=$(ticks $(postgres_pids)) c1=$(switches) x1=$(commits)

rps=$(grep -E '^RESULT' "$WORK/wrk.txt" | tr ' ' '\n' | awk -F= '$1 == "rps" {print $2}')
grep -E '^RESULT' "$WORK/wrk.txt" | tr ' ' '\n' | grep -E '^(rps|p50_us|p99_us|non2xx)=' | tr '\n' ' '
echo
per_core=$((SECS * $(getconf CLK_TCK)))
awk -v s=$((s1 - s0)) -v r=$((r1 - r0)) -v p=$((p1 - p0)) -v core="$per_core" -v rps="$rps" -v secs="$SECS" 'BEGIN {
  n = rps * secs; tick = 1e6 * secs / core
  printf "CPU 0: server %.0f%%, Redis %.0f%%, PostgreSQL %.0f%% (per purchase: %.0f / %.0f / %.0f us)\n",
    100 * s / core, 100 * r / core, 100 * p / core, s * tick / n, r * tick / n, p * tick / n }'
echo "context switches/s (machine): $(((c1 - c0) / SECS)); PostgreSQL commits: $((x1 - x0))"
echo "Redis: $(redis-cli -p "$REDIS_PORT" info commandstats | tr -d '\r' |
  grep -E 'cmdstat_(evalsha|xreadgroup|xack|exec|publish)' | sed -E 's/cmdstat_([a-z]+):calls=([0-9]+),usec=([0-9]+).*/\1 \2 calls (\3 us)/' | paste -sd ',' -)"
