#!/usr/bin/env bash
# An A/B check of one change to the embedded purchase path: two builds of the server side by side.
#
#   bench/ab.sh <git-rev-A> <git-rev-B> soldout|embedded [rounds]     (default 5 rounds)
#   bench/ab.sh --dirs <publish-dir-A> <publish-dir-B> soldout|embedded [rounds]
#
# Publishes src/FlashSale at each revision (a git worktree per revision, removed afterwards), or takes
# two folders already published, starts both servers on CPU 0 (A on port 5831, B on 5832), warms each
# for 15 s, then alternates 4 s wrk windows on CPU 1 (A B, B A, A B, ...). Both servers are up the whole
# time and each round measures both back to back, in alternating order, so the machine's drift (±15%
# minute to minute here) hits both alike; the per-round B/A ratios and their median are the answer. `embedded` creates a fresh sale
# before each window. An indication for one change, not a benchmark: bench/run.sh measures against the
# ceiling. Traffic goes to 127.0.0.1 only.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOKENS=500
WINDOW=${AB_WINDOW:-4s}
CONNS=${AB_CONNECTIONS:-64}

log() { printf '[ab] %s\n' "$*" >&2; }
die() { printf '[ab] ERROR: %s\n' "$*" >&2; exit 1; }
usage() { die "usage: bench/ab.sh <rev-A> <rev-B> soldout|embedded [rounds]  or  bench/ab.sh --dirs <dir-A> <dir-B> soldout|embedded [rounds]"; }
for tool in wrk taskset curl jq dotnet git python3; do command -v "$tool" >/dev/null || die "$tool is not installed"; done

DIRS=0
if [[ ${1:-} == --dirs ]]; then
  DIRS=1
  shift
fi
[[ $# -ge 3 ]] || usage
A=$1 B=$2 MODE=$3 ROUNDS=${4:-5}
[[ $MODE == soldout || $MODE == embedded ]] || usage

WORK=$(mktemp -d /tmp/flashsale-ab.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  git -C "$ROOT" worktree prune 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
ADMIN_PASSWORD=$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24)

publish() { # rev name -> folder with FlashSale.dll
  local rev=$1 name=$2
  git -C "$ROOT" worktree add --detach -q "$WORK/src-$name" "$rev" || die "no such revision: $rev"
  log "building $rev (as $name) ..."
  dotnet publish "$WORK/src-$name/src/FlashSale/FlashSale.csproj" -c Release -o "$WORK/build-$name" -v q -nologo >"$WORK/build-$name.log" 2>&1 ||
    { tail -n 20 "$WORK/build-$name.log" >&2; die "build of $rev failed"; }
  git -C "$ROOT" worktree remove --force "$WORK/src-$name"
  echo "$WORK/build-$name"
}

if [[ $DIRS == 1 ]]; then
  DIR_A=$A DIR_B=$B
else
  DIR_A=$(publish "$A" a)
  DIR_B=$(publish "$B" b)
fi
for dir in "$DIR_A" "$DIR_B"; do [[ -f $dir/FlashSale.dll ]] || die "no FlashSale.dll in $dir"; done

if [[ $MODE == soldout ]]; then STOCK=1 LIMIT=1; else STOCK=10000000 LIMIT=1000; fi

start() { # dir port
  local dir=$1 port=$2 admin
  # shellcheck disable=SC2046 # flashsale_env prints separate NAME=value words
  env ASPNETCORE_ENVIRONMENT=Production DOTNET_TC_CallCountingDelayMs=0 Logging__LogLevel__Default=Warning \
    ASPNETCORE_URLS="http://127.0.0.1:$port" $(flashsale_env "$WORK/data-$port") \
    taskset -c 0 dotnet "$dir/FlashSale.dll" >"$WORK/server-$port.log" 2>&1 &
  PIDS+=($!)
  wait_ready "$!" "$port" "server on $port" || die "server on $port did not start: $(tail -n 5 "$WORK/server-$port.log")"
  admin=$(admin_token "$port")
  echo "$admin" >"$WORK/admin-$port"
  mint_tokens "$port" "$admin" "$WORK/tokens-$port" || die "could not mint buyer tokens on $port"
  create_sale "$port" "$admin" "$STOCK" "$LIMIT" >"$WORK/sale-$port"
}

run() { # port duration -> "req/s p99-ms"
  local port=$1 out
  [[ $MODE == embedded ]] && create_sale "$port" "$(cat "$WORK/admin-$port")" "$STOCK" "$LIMIT" >"$WORK/sale-$port"
  out=$(SALE_ID=$(cat "$WORK/sale-$port") TOKENS_FILE="$WORK/tokens-$port" \
    taskset -c 1 wrk -t1 -c"$CONNS" -d"$2" -s "$ROOT/bench/purchase.lua" "http://127.0.0.1:$port" | grep '^RESULT')
  # Every answer of the scenario has one status: 201 (embedded) or 409 sold out.
  [[ $MODE == soldout || $out == *" non2xx=0 "* ]] || die "errors on $port: $out"
  echo "$(grep -oE 'rps=[0-9.]+' <<<"$out" | cut -d= -f2) $(grep -oE 'p99_us=[0-9.]+' <<<"$out" | cut -d= -f2 | awk '{printf "%.2f", $1 / 1000}')"
}

start "$DIR_A" 5831
start "$DIR_B" 5832
log "warming both for 15 s"
run 5831 15s >/dev/null
run 5832 15s >/dev/null
RPS_A=() RPS_B=() P99_A=() P99_B=()
for ((i = 1; i <= ROUNDS; i++)); do
  # A then B in odd rounds, B then A in even ones: whichever goes second is not favoured.
  if ((i % 2)); then
    a=$(run 5831 "$WINDOW")
    b=$(run 5832 "$WINDOW")
  else
    b=$(run 5832 "$WINDOW")
    a=$(run 5831 "$WINDOW")
  fi
  RPS_A+=("${a% *}") P99_A+=("${a#* }")
  RPS_B+=("${b% *}") P99_B+=("${b#* }")
  log "round $i: A ${a% *} req/s (p99 ${a#* } ms), B ${b% *} req/s (p99 ${b#* } ms)"
done

python3 - "$MODE" "${RPS_A[*]}" "${RPS_B[*]}" "${P99_A[*]}" "${P99_B[*]}" <<'PY'
import statistics, sys
mode = sys.argv[1]
a, b, pa, pb = ([float(x) for x in arg.split()] for arg in sys.argv[2:6])
ratios = [y / x for x, y in zip(a, b)]
print(f"{mode}: A median {statistics.median(a):,.0f} req/s, B median {statistics.median(b):,.0f} req/s; "
      f"B/A per round {' '.join(f'{r:.3f}' for r in ratios)}; median {statistics.median(ratios):.3f}; "
      f"p99 median A {statistics.median(pa):.2f} ms, B {statistics.median(pb):.2f} ms")
PY
