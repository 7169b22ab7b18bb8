# Shared by the bench scripts (sourced, not run). Expects ROOT, BUILD_DIR, WORK (or make_workdir), TOKENS,
# ADMIN_PASSWORD and the functions log and die from the script that sources it.

# A fresh $WORK (/tmp/flashsale-<name>.XXXXXX), removed on exit after the server ($SERVER_PID) and a helper process
# ($HELPER_PID, e.g. the live-feed viewers) are stopped.
make_workdir() { # name
  WORK=$(mktemp -d "/tmp/flashsale-$1.XXXXXX")
  SERVER_PID=""
  HELPER_PID=""
  trap cleanup_workdir EXIT
}

cleanup_workdir() {
  [[ -n $HELPER_PID ]] && { kill "$HELPER_PID" 2>/dev/null || true; }
  [[ -n $SERVER_PID ]] && { kill -TERM "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; }
  rm -rf "$WORK"
}

# Release builds of the server and the ceiling app into $BUILD_DIR, unless BENCH_SKIP_BUILD=1.
# Published to a private folder: a concurrent build of the checkout cannot swap the binaries mid-run.
build_servers() {
  if [[ ${BENCH_SKIP_BUILD:-0} != 1 ]]; then
    log "building Release into $BUILD_DIR ..."
    dotnet publish "$ROOT/src/FlashSale/FlashSale.csproj" -c Release -o "$BUILD_DIR/flashsale" -v q -nologo >"$WORK/build.log" 2>&1 ||
      { tail -n 30 "$WORK/build.log" >&2; die "build of src/FlashSale failed"; }
    dotnet publish "$ROOT/bench/FlashSale.Ceiling/FlashSale.Ceiling.csproj" -c Release -o "$BUILD_DIR/ceiling" -v q -nologo >>"$WORK/build.log" 2>&1 ||
      { tail -n 30 "$WORK/build.log" >&2; die "build of bench/FlashSale.Ceiling failed"; }
  fi
  [[ -f $BUILD_DIR/flashsale/FlashSale.dll && -f $BUILD_DIR/ceiling/FlashSale.Ceiling.dll ]] || die "no build in $BUILD_DIR"
}

wait_ready() { # pid port name -> 0 once /health/ready answers 200, 1 if the process died or 60 s passed
  local pid=$1 port=$2 name=$3 i
  for ((i = 0; i < 600; i++)); do
    kill -0 "$pid" 2>/dev/null || { log "$name exited during start"; return 1; }
    [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health/ready") == 200 ]] && return 0
    sleep 0.1
  done
  log "$name did not become ready in 60 s"
  return 1
}

flashsale_env() { # data-dir
  # The rate limiter stays in the path (its cost is part of every purchase) but its limits are lifted:
  # wrk is one address and 500 buyers, which the production rules would rightly refuse. Lifted out of
  # reach (a million per second): one address sends well over a million requests a minute once the
  # successful and sold-out scenarios share a server (a million per minute once turned part of a run into 429s).
  # The per-address connection cap (Limits:MaxConnectionsPerClient, 256) is off: every wrk or viewer connection is 127.0.0.1.
  # A signing key of the run's own: a distributed server in Production refuses to start without one (docs/operations.md).
  BENCH_SIGNING_KEY=${BENCH_SIGNING_KEY:-$(head -c 48 /dev/urandom | base64 -w0)}
  echo "Storage__DataPath=$1" "Storage__SeedDemoData=false" "Admin__Password=$ADMIN_PASSWORD" "Limits__MaxConnectionsPerClient=0" \
    "Auth__SigningKey=$BENCH_SIGNING_KEY" "Auth__SyntheticBuyers__Enabled=true" "Auth__TokenLifetime=02:00:00" \
    "RateLimiting__Rules__per-ip__PermitLimit=1000000" "RateLimiting__Rules__per-ip__Window=00:00:01" \
    "RateLimiting__Rules__purchase-per-user__PermitLimit=1000000" "RateLimiting__Rules__purchase-per-user__Window=00:00:01"
}

admin_token() { # port
  curl -sf -X POST "http://127.0.0.1:$1/api/v1/auth/token" -H 'Content-Type: application/json' \
    -d "{\"username\":\"admin\",\"password\":\"$ADMIN_PASSWORD\"}" | jq -r .accessToken
}

mint_tokens() { # port admin-token file
  curl -sf -X POST "http://127.0.0.1:$1/api/v1/admin/tokens" -H 'Content-Type: application/json' \
    -H "Authorization: Bearer $2" -d "{\"count\":$TOKENS}" | jq -r '.tokens[].accessToken' >"$3"
  [[ $(wc -l <"$3") -eq $TOKENS ]]
}

create_sale() { # port admin-token stock per-user-limit -> sale id on stdout
  local from to
  from=$(date -u -d '-1 minute' +%Y-%m-%dT%H:%M:%SZ)
  to=$(date -u -d '+1 day' +%Y-%m-%dT%H:%M:%SZ)
  curl -sf -X POST "http://127.0.0.1:$1/api/v1/admin/sales" -H 'Content-Type: application/json' \
    -H "Authorization: Bearer $2" \
    -d "{\"sku\":\"bench-$(date +%s%N)\",\"productName\":\"Benchmark unit\",\"price\":19.99,\"totalStock\":$3,\"perUserLimit\":$4,\"startsAt\":\"$from\",\"endsAt\":\"$to\"}" |
    jq -r .id
}

# Redis and PostgreSQL from scripts/services.sh (left running afterwards), pinned to CPU 0 with the server as
# bench/run.sh pins them, and a fresh database $1. Sets PSQL (psql on the postgres database), REDIS_PID, and
# DISTRIBUTED_ENV (the server settings for distributed mode on them).
start_pinned_stores() { # database
  local db=$1 svc
  for svc in redis postgres; do
    "$ROOT/scripts/services.sh" start "$svc" >>"$WORK/services.log" 2>&1 || die "services: $(tail -n 2 "$WORK/services.log")"
  done
  REDIS_PID=$(head -n1 "$ROOT/.services/redis/redis.pid")
  taskset -a -p -c 0 "$REDIS_PID" >/dev/null 2>&1 || true
  # New PostgreSQL backends are forked by the postmaster and inherit its CPU.
  taskset -a -p -c 0 "$(head -n1 "$ROOT/.services/pg/postmaster.pid")" >/dev/null 2>&1 || true
  PSQL=(/usr/lib/postgresql/15/bin/psql -X -q -h 127.0.0.1 -p 25432 -U postgres -d postgres -tA)
  "${PSQL[@]}" -c "drop database if exists $db with (force)" -c "create database $db" >/dev/null
  DISTRIBUTED_ENV=(Storage__Mode=Distributed ConnectionStrings__Redis=127.0.0.1:6390
    "ConnectionStrings__Postgres=Host=127.0.0.1;Port=25432;Username=postgres;Database=$db")
}

# The live-feed client (bench/FlashSale.LiveBench) into $BUILD_DIR/livebench, unless BENCH_SKIP_BUILD=1.
build_livebench() {
  if [[ ${BENCH_SKIP_BUILD:-0} != 1 ]]; then
    dotnet publish "$ROOT/bench/FlashSale.LiveBench/FlashSale.LiveBench.csproj" -c Release -o "$BUILD_DIR/livebench" -v q -nologo >"$WORK/build.log" 2>&1 ||
      { tail -n 30 "$WORK/build.log" >&2; die "build of bench/FlashSale.LiveBench failed"; }
  fi
}

# An embedded FlashSale on CPU 0 at $PORT for the live-feed and read benchmarks, with room for $1 connections (the
# Limits:MaxConcurrentConnections cap is 10,000 by default) and SERVER_ENV's settings; sets SERVER_PID. Every viewer
# comes from 127.0.0.1, so the per-address stream cap (Live:MaxStreamsPerClient, 100) is lifted.
start_feed_server() { # connections
  # shellcheck disable=SC2046,SC2086 # flashsale_env and SERVER_ENV are separate NAME=value words
  env ASPNETCORE_ENVIRONMENT=Production DOTNET_TC_CallCountingDelayMs=0 Logging__LogLevel__Default=Warning \
    ASPNETCORE_URLS="http://127.0.0.1:$PORT" $(flashsale_env "$WORK/data") "Limits__MaxConcurrentConnections=$1" Live__MaxStreamsPerClient=0 ${SERVER_ENV:-} \
    taskset -c 0 dotnet "$BUILD_DIR/flashsale/FlashSale.dll" --contentRoot "$BUILD_DIR/flashsale" >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  wait_ready "$SERVER_PID" "$PORT" server || die "server did not start: $(tail -n 5 "$WORK/server.log")"
}
