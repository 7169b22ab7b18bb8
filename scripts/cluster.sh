#!/usr/bin/env bash
# A local multi-instance FlashSale: three server processes (Storage:Mode=Distributed) on
# 127.0.0.1:5001-5003 behind nginx on 127.0.0.1:8080, against Redis and PostgreSQL.
#
#   scripts/cluster.sh start     build (Release), start services if needed, 3 instances, nginx
#   scripts/cluster.sh stop      stop nginx and the instances (services are left to services.sh)
#   scripts/cluster.sh status
#
# Knobs (environment):
#   FLASHSALE_CLUSTER_REDIS     Redis seed list   (default 127.0.0.1:6390, started by services.sh)
#   FLASHSALE_CLUSTER_POSTGRES  Npgsql connection (default Host=127.0.0.1;Port=25432;Username=postgres;Database=flashsale;
#                               the database must exist: the instances create its tables)
#   FLASHSALE_ADMIN_PASSWORD    admin password    (default: generated once into .services/instances/admin-password)
#   FLASHSALE_CLUSTER_SYNTHETIC_BUYERS  admin-only load-test tokens for the drill (default true: a local topology)
# When neither of the first two is set, scripts/services.sh starts Redis and PostgreSQL.
# Instances do not share a data folder, so the token signing key is generated once into
# .services/instances/signing-key and given to all three as Auth__SigningKey.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Not .services/cluster: that is the Redis Cluster of scripts/services.sh, wiped on its every start (which left
# these instances and nginx running without their pid files, admin password and signing key).
DIR="$ROOT/.services/instances"
PORTS=(5001 5002 5003)
NGINX_PORT=8080
REDIS=${FLASHSALE_CLUSTER_REDIS:-}
POSTGRES=${FLASHSALE_CLUSTER_POSTGRES:-}

log() { printf '[cluster] %s\n' "$*"; }
die() { printf '[cluster] ERROR: %s\n' "$*" >&2; exit 1; }

alive() { [[ -s $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

wait_http() { # url seconds [pid file: give up as soon as that process has exited]
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    # An instance that could not start (a database that does not exist, a setting it refuses) exits within a second
    # or two: until 2026-12-06 its failure was reported only after the whole minute of waiting.
    [[ -n ${3:-} ]] && ! alive "$3" && return 1
    sleep 0.1
  done
  return 1
}

start() {
  mkdir -p "$DIR"
  if [[ -z $REDIS && -z $POSTGRES ]]; then
    bash "$ROOT/scripts/services.sh" start redis
    bash "$ROOT/scripts/services.sh" start postgres
  fi
  REDIS=${REDIS:-127.0.0.1:6390}
  POSTGRES=${POSTGRES:-Host=127.0.0.1;Port=25432;Username=postgres;Database=flashsale}

  [[ -s $DIR/signing-key ]] || (umask 077 && head -c 64 /dev/urandom | base64 -w0 >"$DIR/signing-key")
  [[ -s $DIR/admin-password ]] || (umask 077 && head -c 18 /dev/urandom | base64 -w0 | tr '+/' '-_' >"$DIR/admin-password")
  local admin=${FLASHSALE_ADMIN_PASSWORD:-$(cat "$DIR/admin-password")}

  log "building the server (Release)"
  dotnet build "$ROOT/src/FlashSale" -c Release -v quiet -nologo >"$DIR/build.log" 2>&1 || { tail -20 "$DIR/build.log"; die "build failed"; }
  local dll="$ROOT/src/FlashSale/bin/Release/net10.0/FlashSale.dll"

  local i port
  for i in "${!PORTS[@]}"; do
    port=${PORTS[$i]}
    if alive "$DIR/instance-$port.pid"; then
      log "instance $port: already running"
      continue
    fi
    mkdir -p "$DIR/instance-$port"
    # cd on its own line: with "cd && cmd &" the background job is a subshell, and $! would be its pid,
    # not the server's — stop would then kill the subshell and leave the server running.
    ( cd "$DIR/instance-$port" || exit 1
      Storage__Mode=Distributed Storage__DataPath="$DIR/instance-$port/data" \
      ConnectionStrings__Redis="$REDIS" ConnectionStrings__Postgres="$POSTGRES" \
      Auth__SigningKey="$(cat "$DIR/signing-key")" Admin__Password="$admin" \
      Distributed__ConsumerName="instance-$port" Network__TrustedProxies__0=127.0.0.1/32 \
      Auth__SyntheticBuyers__Enabled="${FLASHSALE_CLUSTER_SYNTHETIC_BUYERS:-true}" \
      nohup dotnet "$dll" --contentRoot "$ROOT/src/FlashSale" --urls "http://127.0.0.1:$port" </dev/null >"$DIR/instance-$port/server.log" 2>&1 &
      echo $! >"$DIR/instance-$port.pid" )
  done
  for port in "${PORTS[@]}"; do
    wait_http "http://127.0.0.1:$port/health/live" 60 "$DIR/instance-$port.pid" || { tail -20 "$DIR/instance-$port/server.log"; die "instance $port did not come up"; }
    log "instance $port: up (log $DIR/instance-$port/server.log)"
  done

  if alive "$DIR/nginx/nginx.pid"; then
    log "nginx: already running"
  else
    [[ -x /usr/sbin/nginx ]] || die "nginx is not installed (scripts/services.sh install)"
    mkdir -p "$DIR/nginx/tmp"
    /usr/sbin/nginx -p "$DIR/nginx" -c "$ROOT/deploy/nginx.conf" </dev/null >"$DIR/nginx/start.log" 2>&1 || { cat "$DIR/nginx/start.log" >&2; die "nginx did not start"; }
    wait_http "http://127.0.0.1:$NGINX_PORT/health/live" 10 || die "nginx did not come up ($DIR/nginx/nginx-error.log)"
  fi
  log "ready: http://127.0.0.1:$NGINX_PORT  (admin / $DIR/admin-password)"
}

stop() {
  if alive "$DIR/nginx/nginx.pid"; then
    kill -QUIT "$(cat "$DIR/nginx/nginx.pid")"
    log "nginx: stopped"
  fi
  local port pid i
  for port in "${PORTS[@]}"; do
    if alive "$DIR/instance-$port.pid"; then
      pid=$(cat "$DIR/instance-$port.pid")
      kill -TERM "$pid"
      for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
      log "instance $port: stopped"
    fi
    rm -f "$DIR/instance-$port.pid"
  done
}

status() {
  local port
  for port in "${PORTS[@]}"; do
    if alive "$DIR/instance-$port.pid"; then log "instance $port: running"; else log "instance $port: stopped"; fi
  done
  if alive "$DIR/nginx/nginx.pid"; then log "nginx: running on $NGINX_PORT"; else log "nginx: stopped"; fi
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
