#!/usr/bin/env bash
# An A/B check of one change to the purchase path: two builds of the server side by side.
#
#   bench/ab.sh <git-rev-A> <git-rev-B> soldout|embedded|distributed|ceiling [rounds]     (default 5 rounds)
#   bench/ab.sh --dirs <publish-dir-A> <publish-dir-B> soldout|embedded|distributed|ceiling [rounds]
#
# Publishes src/FlashSale at each revision (a git worktree per revision, removed afterwards), or takes
# two folders already published, starts both servers on CPU 0 (A on port 5831, B on 5832), warms each
# for 15 s, then alternates 4 s wrk windows on CPU 1 (A B, B A, A B, ...). Both servers are up and each
# round measures both back to back, in alternating order, so the machine's drift (±15% minute to minute
# here) hits both alike. Half-way both are restarted in the opposite order (see stop_both below: the
# server started second runs faster). The per-round B/A ratios and their median are the answer.
# `embedded` and `distributed` create a fresh sale before each window. `distributed` runs both servers on
# the Redis and PostgreSQL of scripts/services.sh, pinned to CPU 0 with them as bench/run.sh pins them,
# each server with its own database (dropped afterwards) and Redis namespace. An indication for one
# change, not a benchmark: bench/run.sh measures against the ceiling. Traffic goes to 127.0.0.1 only.
# AB_ENV_A / AB_ENV_B="Name=value ..." give one server settings of its own (one build, two settings:
# bench/ab.sh HEAD HEAD distributed 6 with AB_ENV_B="Distributed__PersisterLinger=00:00:00.002").
# `ceiling` compares two builds of the bare ceiling app (bench/FlashSale.Ceiling, folders holding
# FlashSale.Ceiling.dll) the same way: a change to the baseline every ratio divides by is measured too.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOKENS=500
WINDOW=${AB_WINDOW:-4s}
CONNS=${AB_CONNECTIONS:-64}

log() { printf '[ab] %s\n' "$*" >&2; }
die() { printf '[ab] ERROR: %s\n' "$*" >&2; exit 1; }
usage() { die "usage: bench/ab.sh <rev-A> <rev-B> soldout|embedded|distributed|ceiling [rounds]  or  bench/ab.sh --dirs <dir-A> <dir-B> soldout|embedded|distributed|ceiling [rounds]"; }
for tool in wrk taskset curl jq dotnet git python3; do command -v "$tool" >/dev/null || die "$tool is not installed"; done

DIRS=0
if [[ ${1:-} == --dirs ]]; then
  DIRS=1
  shift
fi
[[ $# -ge 3 ]] || usage
A=$1 B=$2 MODE=$3 ROUNDS=${4:-5}
[[ $MODE == soldout || $MODE == embedded || $MODE == distributed || $MODE == ceiling ]] || usage
if [[ $MODE == ceiling ]]; then APP=FlashSale.Ceiling PROJECT=bench/FlashSale.Ceiling/FlashSale.Ceiling.csproj; else APP=FlashSale PROJECT=src/FlashSale/FlashSale.csproj; fi

WORK=$(mktemp -d /tmp/flashsale-ab.XXXXXX)
PIDS=()
DATABASES=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ ${#DATABASES[@]} -gt 0 && -n ${PSQL+x} ]]; then
    for db in "${DATABASES[@]}"; do "${PSQL[@]}" -c "drop database if exists $db with (force)" >/dev/null 2>&1 || true; done
  fi
  git -C "$ROOT" worktree prune 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
ADMIN_PASSWORD=$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24)

publish() { # rev name -> folder with $APP.dll
  local rev=$1 name=$2
  git -C "$ROOT" worktree add --detach -q "$WORK/src-$name" "$rev" || die "no such revision: $rev"
  log "building $rev (as $name) ..."
  dotnet publish "$WORK/src-$name/$PROJECT" -c Release -o "$WORK/build-$name" -v q -nologo >"$WORK/build-$name.log" 2>&1 ||
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
for dir in "$DIR_A" "$DIR_B"; do [[ -f $dir/$APP.dll ]] || die "no $APP.dll in $dir"; done
# Absolute: the servers get them as --contentRoot, which .NET resolves against the app's folder, not the working one.
DIR_A=$(cd "$DIR_A" && pwd) DIR_B=$(cd "$DIR_B" && pwd)

if [[ $MODE == soldout ]]; then STOCK=1 LIMIT=1; else STOCK=10000000 LIMIT=1000; fi

start() { # dir port extra-settings
  local dir=$1 port=$2 admin store=()
  read -r -a extra <<<"$3"
  if [[ $MODE == ceiling ]]; then
    start_ceiling "$dir" "$port" "${extra[@]}"
    return
  fi
  if [[ $MODE == distributed ]]; then
    start_pinned_stores "flashsale_ab_$port"
    DATABASES+=("flashsale_ab_$port")
    store=("${DISTRIBUTED_ENV[@]}" "Distributed__Namespace=ab-$port-$(date +%s%N)")
  fi
  # shellcheck disable=SC2046 # flashsale_env prints separate NAME=value words
  env ASPNETCORE_ENVIRONMENT=Production DOTNET_TC_CallCountingDelayMs=0 Logging__LogLevel__Default=Warning \
    ASPNETCORE_URLS="http://127.0.0.1:$port" "${store[@]}" $(flashsale_env "$WORK/data-$port") "${extra[@]}" \
    taskset -c 0 dotnet "$dir/FlashSale.dll" --contentRoot "$dir" >"$WORK/server-$port.log" 2>&1 &
  PIDS+=($!)
  wait_ready "$!" "$port" "server on $port" || die "server on $port did not start: $(tail -n 5 "$WORK/server-$port.log")"
  admin=$(admin_token "$port")
  echo "$admin" >"$WORK/admin-$port"
  mint_tokens "$port" "$admin" "$WORK/tokens-$port" || die "could not mint buyer tokens on $port"
  create_sale "$port" "$admin" "$STOCK" "$LIMIT" >"$WORK/sale-$port"
}

# The ceiling checks no token and keeps no sale: tokens shaped like FlashSale's (the request has the same
# size) and one fixed sale id do.
start_ceiling() { # dir port extra-settings...
  local dir=$1 port=$2
  shift 2
  env ASPNETCORE_ENVIRONMENT=Production DOTNET_TC_CallCountingDelayMs=0 Logging__LogLevel__Default=Warning \
    ASPNETCORE_URLS="http://127.0.0.1:$port" "$@" taskset -c 0 dotnet "$dir/FlashSale.Ceiling.dll" --contentRoot "$dir" >"$WORK/server-$port.log" 2>&1 &
  PIDS+=($!)
  wait_ready "$!" "$port" "ceiling on $port" || die "ceiling on $port did not start: $(tail -n 5 "$WORK/server-$port.log")"
  python3 -c 'import base64, os
for _ in range(500): print(".".join(base64.urlsafe_b64encode(os.urandom(n)).decode().rstrip("=") for n in (60, 144, 32)))' >"$WORK/tokens-$port"
  echo 0195f0a4-0000-7000-8000-000000000001 >"$WORK/sale-$port"
}

run() { # port duration -> "req/s p99-ms"
  local port=$1 out
  [[ $MODE == embedded || $MODE == distributed ]] && create_sale "$port" "$(cat "$WORK/admin-$port")" "$STOCK" "$LIMIT" >"$WORK/sale-$port"
  out=$(SALE_ID=$(cat "$WORK/sale-$port") TOKENS_FILE="$WORK/tokens-$port" \
    taskset -c 1 wrk -t1 -c"$CONNS" -d"$2" -s "$ROOT/bench/purchase.lua" "http://127.0.0.1:$port" | grep '^RESULT')
  # Every answer of the scenario has one status: 201 (embedded, distributed, ceiling) or 409 sold out.
  [[ $MODE == soldout || $out == *" non2xx=0 "* ]] || die "errors on $port: $out"
  echo "$(grep -oE 'rps=[0-9.]+' <<<"$out" | cut -d= -f2) $(grep -oE 'p99_us=[0-9.]+' <<<"$out" | cut -d= -f2 | awk '{printf "%.2f", $1 / 1000}')"
}

stop_both() {
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  PIDS=()
  rm -rf "$WORK/data-5831" "$WORK/data-5832"
}

# Two servers of the same build on CPU 0 do not run alike: in A/A checks (2026-12-04) the one started
# second answered 8-18% more, in every one of five, embedded and distributed, whichever port it had. So the
# rounds come in two halves, the second with both servers restarted in the opposite order; the bias then
# falls on A in one half and on B in the other, and the per-half medians show its size.
RPS_A=() RPS_B=() P99_A=() P99_B=() HALF=()
i=0
for order in "A B" "B A"; do
  for who in $order; do
    if [[ $who == A ]]; then start "$DIR_A" 5831 "${AB_ENV_A:-}"; else start "$DIR_B" 5832 "${AB_ENV_B:-}"; fi
  done
  log "started ${order/ / then }; warming both for 15 s"
  run 5831 15s >/dev/null
  run 5832 15s >/dev/null
  if [[ $order == "A B" ]]; then half_end=$(((ROUNDS + 1) / 2)); else half_end=$ROUNDS; fi
  while ((i < half_end)); do
    i=$((i + 1))
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
    HALF+=("${order// /}")
    log "round $i (started ${order/ / then }): A ${a% *} req/s (p99 ${a#* } ms), B ${b% *} req/s (p99 ${b#* } ms)"
  done
  stop_both
done

python3 - "$MODE" "${RPS_A[*]}" "${RPS_B[*]}" "${P99_A[*]}" "${P99_B[*]}" "${HALF[*]}" <<'PY'
import statistics, sys
mode = sys.argv[1]
a, b, pa, pb = ([float(x) for x in arg.split()] for arg in sys.argv[2:6])
half = sys.argv[6].split()
ratios = [y / x for x, y in zip(a, b)]
halves = "; ".join(f"started {h[0]} first: median {statistics.median([r for r, g in zip(ratios, half) if g == h]):.3f}"
                   for h in ("AB", "BA") if h in half)
print(f"{mode}: A median {statistics.median(a):,.0f} req/s, B median {statistics.median(b):,.0f} req/s; "
      f"B/A per round {' '.join(f'{r:.3f}' for r in ratios)}; median {statistics.median(ratios):.3f} ({halves}); "
      f"p99 median A {statistics.median(pa):.2f} ms, B {statistics.median(pb):.2f} ms")
PY
