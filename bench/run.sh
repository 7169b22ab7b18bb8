#!/usr/bin/env bash
# The macro benchmark: FlashSale's purchase path against the framework ceiling on this machine.
#
#   bench/run.sh            build Release, measure everything, print the table, write bench/results/latest.md
#
# Servers (the ceiling, embedded FlashSale, distributed FlashSale, and Redis/PostgreSQL when this script
# starts them) run on CPU 0, wrk on CPU 1. Every wrk run is 10 s, closed-loop, one thread; scenarios
# are interleaved run by run so slow drift of the machine hits all of them alike. See docs/benchmarks.md.
#
# Knobs (environment; the defaults are the documented benchmark):
#   BENCH_DURATION=10s  BENCH_RUNS=3  BENCH_CONNECTIONS="64 256"  BENCH_WARMUP=5s (window)  BENCH_WARMUP_MAX=18
#   BENCH_TOKENS=500
#   BENCH_SCENARIOS="ceiling embedded soldout ceiling-redis distributed"
#   BENCH_SKIP_BUILD=1  reuse the last build in $BENCH_BUILD_DIR (default /tmp/flashsale-bench-build)
# Traffic goes to 127.0.0.1 only.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$ROOT/bench"
DURATION=${BENCH_DURATION:-10s}
RUNS=${BENCH_RUNS:-3}
CONNECTIONS=${BENCH_CONNECTIONS:-"64 256"}
WARMUP=${BENCH_WARMUP:-5s}
WARMUP_MAX=${BENCH_WARMUP_MAX:-18}
TOKENS=${BENCH_TOKENS:-500}
SCENARIOS=${BENCH_SCENARIOS:-"ceiling embedded soldout ceiling-redis distributed"}
BUILD_DIR=${BENCH_BUILD_DIR:-/tmp/flashsale-bench-build}
SERVER_CPU=0
LOAD_CPU=1
# Redis and PostgreSQL: on the servers' CPU by default (their CPU counted against FlashSale's, the conservative
# reading); BENCH_STORES_CPU=1 puts them beside wrk instead, as if on hosts of their own (docs/benchmarks.md).
STORES_CPU=${BENCH_STORES_CPU:-$SERVER_CPU}
CEILING_PORT=5810
EMBEDDED_PORT=5811
DISTRIBUTED_PORT=5812
REDIS=127.0.0.1:6390
PG_PORT=25432
PG_DB=flashsale_bench
# shellcheck source=bench/lib.sh
source "$BENCH/lib.sh"
PSQL=(/usr/lib/postgresql/15/bin/psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -tA)

log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] ERROR: %s\n' "$*" >&2; exit 1; }
has() { [[ " $SCENARIOS " == *" $1 "* ]]; }

for tool in wrk taskset curl jq python3 dotnet; do
  command -v "$tool" >/dev/null || die "$tool is not installed (wrk: scripts/services.sh install)"
done
(($(nproc) >= 2)) || die "needs 2 CPUs: one for the servers, one for wrk"

WORK=$(mktemp -d /tmp/flashsale-bench.XXXXXX)
RESULTS="$WORK/runs.tsv"
: >"$RESULTS"
PIDS=()
STARTED_REDIS=0
STARTED_PG=0
CREATED_DB=0
OK=0

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if ((CREATED_DB)); then
    "${PSQL[@]}" -c "drop database if exists $PG_DB with (force)" >/dev/null 2>&1 || true
  fi
  ((STARTED_REDIS)) && "$ROOT/scripts/services.sh" stop redis >/dev/null 2>&1 || true
  ((STARTED_PG)) && "$ROOT/scripts/services.sh" stop postgres >/dev/null 2>&1 || true
  # A run with non-2xx successes must say why: FlashSale's own warnings and errors (startup notices aside).
  local noted
  noted=$(grep -hE '^[0-9:]+ (warn|fail|crit): FlashSale' "$WORK"/*.log 2>/dev/null | sed -E 's/^[0-9:]+ //' | cut -c1-200 | sort | uniq -c | sort -rn | head -n 20 || true)
  [[ -n $noted ]] && log "server warnings and errors (count, first line):"$'\n'"$noted"
  if ((OK)); then rm -rf "$WORK"; else log "logs kept in $WORK"; fi
}
trap cleanup EXIT

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ---------------------------------------------------------------- machine and disk

log "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(free -g | awk '/^Mem:/{print $2}') GiB"
# The bound on durable purchases: one fsync per group commit. Same file system as the data dir (/tmp).
FSYNC=$(python3 - "$WORK/fsync.probe" <<'EOF'
import os, sys, time
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
block, n, start = b"x" * 4096, 0, time.perf_counter()
while time.perf_counter() - start < 2.0:
    os.write(fd, block); os.fsync(fd); n += 1
elapsed = time.perf_counter() - start
os.close(fd); os.unlink(sys.argv[1])
print(f"{n / elapsed:.0f} fsync/s ({elapsed / n * 1000:.2f} ms each, 4 KiB appends)")
EOF
)
log "disk: $FSYNC"

# ---------------------------------------------------------------- build

build_servers

# ---------------------------------------------------------------- services

pin_server_side() { # pid: this process and its threads on the servers' CPU
  taskset -a -p -c "$SERVER_CPU" "$1" >/dev/null 2>&1 || true
}

pin_stores() { # pid: Redis or the PostgreSQL postmaster (its new backends inherit it) on the stores' CPU
  taskset -a -p -c "$STORES_CPU" "$1" >/dev/null 2>&1 || true
}

REDIS_OK=0
if has ceiling-redis || has distributed; then
  if "$ROOT/scripts/services.sh" status redis; then
    log "redis: already running on $REDIS (not ours: left as it is, not pinned)"
    REDIS_OK=1
  elif "$ROOT/scripts/services.sh" start redis >"$WORK/redis.log" 2>&1; then
    STARTED_REDIS=1
    REDIS_OK=1
    pin_stores "$(head -n1 "$ROOT/.services/redis/redis.pid")"
    log "redis: started on $REDIS, pinned to CPU $STORES_CPU"
  else
    log "redis: could not start ($(tail -n1 "$WORK/redis.log"))"
  fi
fi

PG_OK=0
if has distributed; then
  if "$ROOT/scripts/services.sh" status postgres; then
    log "postgres: already running on 127.0.0.1:$PG_PORT (not ours: not pinned)"
    PG_OK=1
  elif "$ROOT/scripts/services.sh" start postgres >"$WORK/postgres.log" 2>&1; then
    STARTED_PG=1
    PG_OK=1
    pg_dir=$("$ROOT/scripts/services.sh" status 2>/dev/null | sed -n 's/.*postgres: running.*data \(.*\))$/\1/p')
    [[ -n $pg_dir && -f $pg_dir/postmaster.pid ]] && pin_stores "$(head -n1 "$pg_dir/postmaster.pid")"
    log "postgres: started on 127.0.0.1:$PG_PORT, pinned to CPU $STORES_CPU (new backends inherit it)"
  else
    log "postgres: could not start ($(tail -n1 "$WORK/postgres.log"))"
  fi
  if ((PG_OK)); then
    "${PSQL[@]}" -c "drop database if exists $PG_DB with (force)" >/dev/null 2>&1 &&
      "${PSQL[@]}" -c "create database $PG_DB" >/dev/null 2>&1 && CREATED_DB=1 || PG_OK=0
  fi
fi

# ---------------------------------------------------------------- servers

start_server() { # name port dll [env...] -> pid in $SERVER_PID
  local name=$1 port=$2 dll=$3
  shift 3
  port_busy "$port" && die "$name: port $port is in use"
  # DOTNET_TC_CallCountingDelayMs=0: see warm_up below; the same for every server.
  env ASPNETCORE_ENVIRONMENT=Production DOTNET_CLI_TELEMETRY_OPTOUT=1 Logging__LogLevel__Default=Warning DOTNET_TC_CallCountingDelayMs=0 \
    ASPNETCORE_URLS="http://127.0.0.1:$port" "$@" \
    taskset -c "$SERVER_CPU" dotnet "$dll" --contentRoot "$(dirname "$dll")" >"$WORK/$name.log" 2>&1 &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
}

ADMIN_PASSWORD=$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24)

declare -A AVAILABLE=()
CEILING_SALE=$(cat /proc/sys/kernel/random/uuid)

if has ceiling || has ceiling-redis; then
  ceiling_env=()
  if has ceiling-redis && ((REDIS_OK)); then ceiling_env+=("ConnectionStrings__Redis=$REDIS"); fi
  start_server ceiling "$CEILING_PORT" "$BUILD_DIR/ceiling/FlashSale.Ceiling.dll" "${ceiling_env[@]}"
  wait_ready "$SERVER_PID" "$CEILING_PORT" ceiling || die "the ceiling app did not start (log: $WORK/ceiling.log)"
  has ceiling && AVAILABLE[ceiling]=1
  if has ceiling-redis; then
    if ((REDIS_OK)); then AVAILABLE[ceiling-redis]=1; else log "ceiling-redis: not available (no Redis)"; fi
  fi
fi

if has embedded || has soldout || has ceiling || has ceiling-redis; then
  # shellcheck disable=SC2046
  start_server embedded "$EMBEDDED_PORT" "$BUILD_DIR/flashsale/FlashSale.dll" $(flashsale_env "$WORK/data-embedded")
  wait_ready "$SERVER_PID" "$EMBEDDED_PORT" "embedded FlashSale" || die "embedded FlashSale did not start (log: $WORK/embedded.log)"
  EMBEDDED_ADMIN=$(admin_token "$EMBEDDED_PORT")
  [[ -n $EMBEDDED_ADMIN && $EMBEDDED_ADMIN != null ]] || die "no admin token from embedded FlashSale"
  # The ceiling gets the same tokens: same request bytes, it just does not check them.
  mint_tokens "$EMBEDDED_PORT" "$EMBEDDED_ADMIN" "$WORK/tokens-embedded" || die "could not mint $TOKENS tokens"
  has embedded && AVAILABLE[embedded]=1
  if has soldout; then
    SOLDOUT_SALE=$(create_sale "$EMBEDDED_PORT" "$EMBEDDED_ADMIN" 1 1) || die "could not create the sold-out sale"
    AVAILABLE[soldout]=1
  fi
fi

if has distributed; then
  if ((REDIS_OK && PG_OK)); then
    # A Redis namespace of its own: sales that another run or server registered in this Redis, their database
    # since dropped, are not this run's to persist (they once cost a run its distributed rows).
    # shellcheck disable=SC2046
    start_server distributed "$DISTRIBUTED_PORT" "$BUILD_DIR/flashsale/FlashSale.dll" $(flashsale_env "$WORK/data-distributed") \
      Storage__Mode=Distributed "ConnectionStrings__Redis=$REDIS" "Distributed__Namespace=bench-$(date +%s%N)" \
      "ConnectionStrings__Postgres=Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=$PG_DB"
    if wait_ready "$SERVER_PID" "$DISTRIBUTED_PORT" "distributed FlashSale" &&
      DISTRIBUTED_ADMIN=$(admin_token "$DISTRIBUTED_PORT") && [[ -n $DISTRIBUTED_ADMIN && $DISTRIBUTED_ADMIN != null ]] &&
      mint_tokens "$DISTRIBUTED_PORT" "$DISTRIBUTED_ADMIN" "$WORK/tokens-distributed"; then
      AVAILABLE[distributed]=1
    else
      log "distributed: not available ($(grep -m1 -iE 'exception|error|not available' "$WORK/distributed.log" | cut -c1-200))"
      kill -TERM "$SERVER_PID" 2>/dev/null || true
    fi
  else
    log "distributed: not available (needs Redis and PostgreSQL)"
  fi
fi

# ---------------------------------------------------------------- load

# One wrk run: scenario conns duration label -> appends "scenario conns label key=value..." to $RESULTS
measure() {
  local scenario=$1 conns=$2 duration=$3 label=$4 port sale tokens prefix="" out
  case $scenario in
    ceiling) port=$CEILING_PORT sale=$CEILING_SALE tokens=$WORK/tokens-embedded ;;
    ceiling-redis) port=$CEILING_PORT sale=$CEILING_SALE tokens=$WORK/tokens-embedded prefix=/redis ;;
    embedded) # a fresh sale per run: 500 buyers × 1000 each never run into the per-user limit
      port=$EMBEDDED_PORT tokens=$WORK/tokens-embedded
      sale=$(create_sale "$EMBEDDED_PORT" "$EMBEDDED_ADMIN" 10000000 1000) || sale="" ;;
    soldout) port=$EMBEDDED_PORT sale=$SOLDOUT_SALE tokens=$WORK/tokens-embedded ;;
    distributed)
      port=$DISTRIBUTED_PORT tokens=$WORK/tokens-distributed
      sale=$(create_sale "$DISTRIBUTED_PORT" "$DISTRIBUTED_ADMIN" 10000000 1000) || sale="" ;;
  esac
  [[ -n $sale && $sale != null ]] || { log "$scenario: could not create a sale"; return 0; }
  out=$(SALE_ID=$sale PATH_PREFIX=$prefix TOKENS_FILE=$tokens taskset -c "$LOAD_CPU" \
    wrk -t1 -c"$conns" -d"$duration" --timeout 10s -s "$BENCH/purchase.lua" "http://127.0.0.1:$port" 2>&1) || true
  local line
  line=$(grep '^RESULT ' <<<"$out" | head -n1)
  if [[ -z $line ]]; then
    log "$scenario c=$conns $label: wrk gave no result: $(tail -n2 <<<"$out" | tr '\n' ' ')"
    return 0
  fi
  printf '%s\t%s\t%s\t%s\n' "$scenario" "$conns" "$label" "${line#RESULT }" >>"$RESULTS"
  log "$(printf '%-14s c=%-3s %-7s %s' "$scenario" "$conns" "$label" "$(awk '{for(i=2;i<=NF;i++) if($i ~ /^(rps|p50_us|p99_us|non2xx)=/) printf "%s ", $i}' <<<"$line")")"
}

ORDER=()
for s in ceiling embedded soldout ceiling-redis distributed; do
  has "$s" && [[ -n ${AVAILABLE[$s]:-} ]] && ORDER+=("$s")
done
((${#ORDER[@]})) || die "nothing to measure"

# Warm-up until steady: .NET starts in tier-0 code and recompiles hot methods in the background once
# no new method has been compiled for a while (100 ms). A process pinned to one CPU counts as a
# single-CPU machine, where the runtime stretches that delay tenfold; a large app under load keeps
# compiling something new often enough that its hot path then stays in tier-0 code for a minute and
# a plateau looks steady. The servers here run with DOTNET_TC_CallCountingDelayMs=0 (all alike), and
# each scenario runs WARMUP windows at 256 connections, at least 3, until two in a row agree within
# 5% (at most WARMUP_MAX). The first window of a server's first scenario is its cold start.
warm_up() { # scenario
  local s=$1 i prev=0 rps
  for ((i = 1; i <= WARMUP_MAX; i++)); do
    measure "$s" 256 "$WARMUP" "warmup$i"
    rps=$(awk -F'\t' -v s="$s" -v l="warmup$i" '$1==s && $3==l {split($4,kv," "); for(k in kv){split(kv[k],p,"="); if(p[1]=="rps") print p[2]}}' "$RESULTS")
    [[ -n $rps ]] || return 0
    if ((i >= 3)) && python3 -c "import sys; a,b=map(float,sys.argv[1:]); sys.exit(0 if b > 0 and abs(a-b)/b < 0.05 else 1)" "$rps" "$prev"; then
      log "$s: steady after $i windows of $WARMUP"
      return 0
    fi
    prev=$rps
  done
  log "$s: not steady after $WARMUP_MAX windows of $WARMUP; measuring anyway"
}

log "warm-up: windows of $WARMUP per scenario until steady (JIT tiers, connection pools; the sold-out sale sells its one unit)"
for s in "${ORDER[@]}"; do warm_up "$s"; done
for conns in $CONNECTIONS; do
  for ((run = 1; run <= RUNS; run++)); do
    for s in "${ORDER[@]}"; do measure "$s" "$conns" "$DURATION" "run$run"; done
  done
done

# Durability cross-check (G3): every 2xx the embedded server gave is a row in its SQLite file.
DURABLE=""
if [[ -n ${AVAILABLE[embedded]:-} ]] && command -v sqlite3 >/dev/null; then
  answered=$(awk -F'\t' '$1=="embedded"||$1=="soldout"{split($4,kv," "); r=0; n=0; for(i in kv){split(kv[i],p,"="); if(p[1]=="requests") r=p[2]; if(p[1]=="non2xx") n=p[2]}; s+=r-n} END{print s+0}' "$RESULTS")
  recorded=$(sqlite3 "file:$WORK/data-embedded/flashsale.db?mode=ro" 'select count(*) from orders' 2>/dev/null || echo "?")
  DURABLE="Embedded durability check: $answered 2xx answers counted by wrk, $recorded orders in the SQLite record (must be ≥; wrk does not count answers in flight when a run ends)."
  log "$DURABLE"
fi

# ---------------------------------------------------------------- report

MACHINE="$(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')), $(free -g | awk '/^Mem:/{print $2}') GiB RAM, disk: $FSYNC"
mkdir -p "$BENCH/results"
STORES_CPU=$STORES_CPU python3 "$BENCH/report.py" "$RESULTS" "$MACHINE" "$DURATION" "$RUNS" "$TOKENS" "${AVAILABLE[distributed]:-0}" "$DURABLE" |
  tee "$BENCH/results/latest.md"
cp "$RESULTS" "$BENCH/results/latest-runs.tsv"
log "written: bench/results/latest.md, bench/results/latest-runs.tsv"
OK=1
