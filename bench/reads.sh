#!/usr/bin/env bash
# What a buyer's page reads cost: GET of a sale, of its stock, of the sales list and of the shop's home page, on one
# embedded server (CPU 0), wrk on CPU 1.
#
#   bench/reads.sh [connections] [seconds]        (default 64 8; ≈ 2 min after the build)
#
# Builds like bench/run.sh (BENCH_SKIP_BUILD=1 reuses $BENCH_BUILD_DIR), starts the server with the bench settings
# and a fresh data folder, creates a sale, then for each path warms for 15 s and measures one window. In a flash
# sale these are the most frequent requests: every buyer lands on the home page (the sales listed), loads the sale's
# page and polls its stock. Five more sales are created first, so the list is not a single row.
# SERVER_ENV="Key=Value ..." passes more settings to the server. Traffic goes to 127.0.0.1 only.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CONNS=${1:-64}
SECS=${2:-8}
BUILD_DIR=${BENCH_BUILD_DIR:-/tmp/flashsale-bench-build}
PORT=5826
TOKENS=1

log() { printf '[reads] %s\n' "$*" >&2; }
die() { printf '[reads] ERROR: %s\n' "$*" >&2; exit 1; }
for tool in wrk taskset curl jq dotnet; do command -v "$tool" >/dev/null || die "$tool is not installed"; done

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
make_workdir reads
build_servers

ADMIN_PASSWORD=$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24)
start_feed_server 1000
ADMIN=$(admin_token "$PORT")
SALE=$(create_sale "$PORT" "$ADMIN" 1000 1)
for _ in 1 2 3 4 5; do create_sale "$PORT" "$ADMIN" 1000 1 >/dev/null; done
for path in "/api/v1/sales/$SALE" "/api/v1/sales/$SALE/stock" "/api/v1/sales" "/"; do
  taskset -c 1 wrk -t1 -c"$CONNS" -d15s "http://127.0.0.1:$PORT$path" >/dev/null
  out=$(taskset -c 1 wrk -t1 -c"$CONNS" -d"${SECS}s" --latency "http://127.0.0.1:$PORT$path")
  grep -q "Non-2xx" <<<"$out" && die "GET $path answered non-2xx: $out"
  printf 'GET %s: %s req/s, p50 %s, p99 %s\n' "${path/$SALE/{id\}}" \
    "$(awk '/^Requests\/sec/ {print $2}' <<<"$out")" "$(awk '$1 == "50%" {print $2}' <<<"$out")" "$(awk '$1 == "99%" {print $2}' <<<"$out")"
done
