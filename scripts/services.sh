#!/usr/bin/env bash
# Local services for FlashSale tests and drills, on 127.0.0.1 only, without Docker.
#
#   scripts/services.sh install                          apt-get what is missing (redis, chromium, nginx, wrk)
#   scripts/services.sh start  [redis|cluster|postgres|all]   (default: all)
#   scripts/services.sh stop   [redis|cluster|postgres|all]   (default: all)
#   scripts/services.sh status [redis|cluster|postgres]  no argument: print all; one service: exit 0 iff it runs
#   scripts/services.sh env                              print `export` lines for the test settings
#
# State lives under .services/ in the repo root (git-ignored):
#   .services/redis/             single Redis on 6390 (AOF kept between starts)
#   .services/cluster/700{1,2,3} Redis Cluster, 3 masters, fresh and empty on every start
#   .services/pg/                PostgreSQL 15 data dir, port 25432, database `flashsale`
# PostgreSQL refuses to run as root and runs as the `postgres` user, which must be able to traverse
# every parent directory of its data dir. When the repo lives where `postgres` cannot go (under
# /root, a 700 home, ...) the data dir is /tmp/flashsale-services-<sha256(repo path):12>/pg instead;
# `status` prints where it is.
#
# Every start is idempotent (already running: says so and goes on) and waits until the service
# answers; every stop goes by pid file, never by process name.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SVC="$ROOT/.services"

REDIS_PORT=6390
CLUSTER_PORTS=(7001 7002 7003)
# Below Linux's ephemeral range (32768-60999): a port up there can be taken by any outgoing
# connection's local end, and PostgreSQL then fails to start ("Address already in use").
PG_PORT=25432
PG_BIN=/usr/lib/postgresql/15/bin
CHROMIUM=/usr/bin/chromium
START_TIMEOUT=${FLASHSALE_SERVICES_TIMEOUT:-60}   # seconds to wait for a service to answer

# A 2xx purchase decided in Redis must survive a Redis crash: every write is fsynced to the AOF
# before the reply, and Redis must refuse writes rather than evict keys when memory runs out.
# Plus small hashes kept compact only up to 128 fields: a sale's buyers hash (one field per buyer) is
# read and written by every purchase, and a compact hash is searched field by field (this build's
# default, 512, made a purchase scan up to 512 buyers). deploy/redis.conf says the same.
REDIS_DURABILITY=(--appendonly yes --appendfsync always --maxmemory-policy noeviction --save "" --hash-max-listpack-entries 128)

log() { printf '[services] %s\n' "$*"; }
die() { printf '[services] ERROR: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- helpers

proc_alive() { # pid [expected command substring] -> 0 if it is a live (not zombie) process
  local pid=$1 want=${2:-} state
  kill -0 "$pid" 2>/dev/null || return 1
  # A daemon that exited stays a zombie until PID 1 reaps it; that is not "running".
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 1
  [[ $state != Z && -n $state ]] || return 1
  # Guard against a stale pid file whose pid now belongs to some other program.
  [[ -z $want ]] || tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$want"
}

pidfile_pid() { head -n1 "$1" 2>/dev/null | tr -dc '0-9'; }

pid_alive() { # pidfile [expected command substring] -> 0 if the pid in it is live
  local f=$1 pid
  [[ -s $f ]] || return 1
  pid=$(pidfile_pid "$f")
  [[ -n $pid ]] && proc_alive "$pid" "${2:-}"
}

port_busy() { # port -> 0 if something listens on 127.0.0.1:port
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

kill_pidfile() { # pidfile name expected-command -> TERM the pid, wait up to 15 s, then KILL
  local f=$1 name=$2 want=$3 pid i
  if ! pid_alive "$f" "$want"; then
    rm -f "$f"
    return 0
  fi
  pid=$(pidfile_pid "$f")
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 300; i++)); do
    proc_alive "$pid" || break
    sleep 0.05
  done
  if proc_alive "$pid"; then
    log "$name (pid $pid) did not stop in 15 s, sending KILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.2
  fi
  rm -f "$f"
}

redis_ping() { redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null | grep -q PONG; }

wait_redis() { # port name logfile
  local port=$1 name=$2 logf=$3 i
  for ((i = 0; i < START_TIMEOUT * 10; i++)); do
    redis_ping "$port" && return 0
    sleep 0.1
  done
  tail -n 20 "$logf" >&2 2>/dev/null || true
  die "$name did not answer PING on 127.0.0.1:$port within ${START_TIMEOUT}s (log: $logf)"
}

need_redis() {
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null ||
    die "redis-server/redis-cli not installed: run scripts/services.sh install"
}

start_redis_node() { # port dir name [extra args...]
  local port=$1 dir=$2 name=$3
  shift 3
  if port_busy "$port"; then
    die "$name: port $port is already in use by another process (not ours: no live pid file in $dir). Another checkout's services? Use them from there (scripts/cluster.sh: FLASHSALE_CLUSTER_REDIS / FLASHSALE_CLUSTER_POSTGRES), or stop them"
  fi
  mkdir -p "$dir"
  redis-server --port "$port" --bind 127.0.0.1 --protected-mode yes --dir "$dir" \
    --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" \
    "${REDIS_DURABILITY[@]}" "$@" ||
    die "$name: redis-server failed to start (log: $dir/redis.log)"
  wait_redis "$port" "$name" "$dir/redis.log"
}

# ---------------------------------------------------------------- single redis

redis_running() { pid_alive "$SVC/redis/redis.pid" redis-server; }

start_redis() {
  need_redis
  if redis_running; then
    log "redis: already running on 127.0.0.1:$REDIS_PORT (pid $(cat "$SVC/redis/redis.pid"))"
    wait_redis "$REDIS_PORT" redis "$SVC/redis/redis.log"
    return 0
  fi
  rm -f "$SVC/redis/redis.pid"
  start_redis_node "$REDIS_PORT" "$SVC/redis" redis
  log "redis: started on 127.0.0.1:$REDIS_PORT (pid $(cat "$SVC/redis/redis.pid"))"
}

stop_redis() {
  if redis_running; then
    kill_pidfile "$SVC/redis/redis.pid" redis redis-server
    log "redis: stopped"
  else
    rm -f "$SVC/redis/redis.pid"
    log "redis: not running"
  fi
}

# ---------------------------------------------------------------- redis cluster

cluster_nodes_running() { # -> number of live cluster nodes
  local n=0 p
  for p in "${CLUSTER_PORTS[@]}"; do
    pid_alive "$SVC/cluster/$p/redis.pid" redis-server && n=$((n + 1))
  done
  echo "$n"
}

cluster_ok() { # every node says cluster_state:ok and sees all slots
  local p info
  for p in "${CLUSTER_PORTS[@]}"; do
    info=$(redis-cli -h 127.0.0.1 -p "$p" cluster info 2>/dev/null | tr -d '\r') || return 1
    grep -q '^cluster_state:ok$' <<<"$info" || return 1
    grep -q '^cluster_slots_ok:16384$' <<<"$info" || return 1
    grep -q "^cluster_known_nodes:${#CLUSTER_PORTS[@]}\$" <<<"$info" || return 1
  done
}

cluster_running() { [[ $(cluster_nodes_running) -eq ${#CLUSTER_PORTS[@]} ]] && cluster_ok; }

start_cluster() {
  need_redis
  local p i running addrs=()
  running=$(cluster_nodes_running)
  if [[ $running -eq ${#CLUSTER_PORTS[@]} ]] && cluster_ok; then
    log "cluster: already running on 127.0.0.1:${CLUSTER_PORTS[*]}"
    return 0
  fi
  if [[ $running -gt 0 ]]; then
    log "cluster: $running of ${#CLUSTER_PORTS[@]} nodes up or cluster not ok; restarting it fresh"
    stop_cluster >/dev/null
  fi
  for p in "${CLUSTER_PORTS[@]}"; do # client port and cluster bus port (+10000) must be free
    port_busy "$p" && die "cluster: port $p is already in use by another process"
    port_busy $((p + 10000)) && die "cluster: bus port $((p + 10000)) is already in use by another process"
  done
  rm -rf "$SVC/cluster"
  for p in "${CLUSTER_PORTS[@]}"; do
    start_redis_node "$p" "$SVC/cluster/$p" "cluster node $p" \
      --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 5000
    addrs+=("127.0.0.1:$p")
  done
  redis-cli --cluster create "${addrs[@]}" --cluster-replicas 0 --cluster-yes \
    >"$SVC/cluster/create.log" 2>&1 || {
    cat "$SVC/cluster/create.log" >&2
    die "cluster: redis-cli --cluster create failed (log: $SVC/cluster/create.log)"
  }
  for ((i = 0; i < START_TIMEOUT * 10; i++)); do
    cluster_ok && break
    sleep 0.1
  done
  if ! cluster_ok; then
    for p in "${CLUSTER_PORTS[@]}"; do
      echo "--- 127.0.0.1:$p cluster info" >&2
      redis-cli -h 127.0.0.1 -p "$p" cluster info >&2 2>&1 || true
    done
    die "cluster: not cluster_state:ok on all nodes within ${START_TIMEOUT}s"
  fi
  log "cluster: started, 3 masters on 127.0.0.1:${CLUSTER_PORTS[*]}, cluster_state:ok"
}

stop_cluster() {
  local p any=0
  for p in "${CLUSTER_PORTS[@]}"; do
    if pid_alive "$SVC/cluster/$p/redis.pid" redis-server; then
      kill_pidfile "$SVC/cluster/$p/redis.pid" "cluster node $p" redis-server
      any=1
    else
      rm -f "$SVC/cluster/$p/redis.pid"
    fi
  done
  if ((any)); then log "cluster: stopped"; else log "cluster: not running"; fi
}

# ---------------------------------------------------------------- postgres

pg_base() { # directory holding the pg data dir, reachable by the postgres user
  if id postgres >/dev/null 2>&1 && runuser -u postgres -- test -x "$ROOT" 2>/dev/null; then
    echo "$SVC"
  else
    echo "/tmp/flashsale-services-$(printf %s "$ROOT" | sha256sum | cut -c1-12)"
  fi
}
PG_BASE="$(pg_base)"
PGDATA_DIR="$PG_BASE/pg"

pg_socket_dir() { # unix sockets go in the data dir unless the path is too long for sun_path
  if (( ${#PGDATA_DIR} + 20 < 100 )); then echo "$PGDATA_DIR"; else echo ""; fi
}

as_pg() { (cd /tmp && runuser -u postgres -- "$@"); }

pg_running() { pid_alive "$PGDATA_DIR/postmaster.pid" postgres; }

pg_ready() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres 2>/dev/null; }

wait_pg() {
  local i
  for ((i = 0; i < START_TIMEOUT * 10; i++)); do
    pg_ready && return 0
    sleep 0.1
  done
  tail -n 20 "$PGDATA_DIR/server.log" >&2 2>/dev/null || true
  die "postgres did not become ready on 127.0.0.1:$PG_PORT within ${START_TIMEOUT}s (log: $PGDATA_DIR/server.log)"
}

pg_init() {
  [[ -x $PG_BIN/initdb ]] || die "PostgreSQL 15 not found in $PG_BIN (apt-get install postgresql-15, or scripts/services.sh install)"
  id postgres >/dev/null 2>&1 || die "no 'postgres' system user (it comes with the postgresql-15 package)"
  mkdir -p "$PG_BASE"
  chmod 755 "$PG_BASE"
  if [[ -f $PGDATA_DIR/PG_VERSION ]]; then return 0; fi
  rm -rf "$PGDATA_DIR"
  install -d -o postgres -g postgres -m 700 "$PGDATA_DIR"
  as_pg "$PG_BIN/initdb" -D "$PGDATA_DIR" -U postgres --auth=trust -E UTF8 --no-locale >"$PG_BASE/initdb.log" 2>&1 || {
    cat "$PG_BASE/initdb.log" >&2
    die "postgres: initdb failed"
  }
  local sock
  sock=$(pg_socket_dir)
  cat >>"$PGDATA_DIR/postgresql.conf" <<EOF

# ---- FlashSale local test settings (scripts/services.sh)
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$sock'
fsync = on
synchronous_commit = on
full_page_writes = on
max_connections = 200
EOF
  chown postgres:postgres "$PGDATA_DIR/postgresql.conf"
  log "postgres: initialised $PGDATA_DIR"
}

start_postgres() {
  pg_init
  if pg_running; then
    log "postgres: already running on 127.0.0.1:$PG_PORT (data $PGDATA_DIR)"
    wait_pg
  else
    if port_busy "$PG_PORT"; then
      die "postgres: port $PG_PORT is already in use by another process (not ours: no live postmaster.pid in $PGDATA_DIR)"
    fi
    as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -l "$PGDATA_DIR/server.log" -w -t "$START_TIMEOUT" \
      -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -c fsync=on" start >/dev/null || {
      tail -n 20 "$PGDATA_DIR/server.log" >&2 2>/dev/null || true
      die "postgres: pg_ctl start failed (log: $PGDATA_DIR/server.log)"
    }
    wait_pg
    log "postgres: started on 127.0.0.1:$PG_PORT (data $PGDATA_DIR)"
  fi
  local psql=("$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -tA)
  if [[ $("${psql[@]}" -c "select 1 from pg_database where datname = 'flashsale'") != 1 ]]; then
    "${psql[@]}" -c 'create database flashsale' || die "postgres: could not create database flashsale"
    log "postgres: created database flashsale"
  fi
}

stop_postgres() {
  if pg_running; then
    as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -m fast -w -t 60 stop >/dev/null ||
      die "postgres: pg_ctl stop failed (log: $PGDATA_DIR/server.log)"
    log "postgres: stopped"
  else
    log "postgres: not running"
  fi
}

# ---------------------------------------------------------------- install

do_install() {
  local need=()
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null || need+=(redis-server)
  [[ -x $CHROMIUM ]] || need+=(chromium)
  [[ -x /usr/sbin/nginx ]] || need+=(nginx)
  command -v wrk >/dev/null || need+=(wrk)
  [[ -x $PG_BIN/postgres ]] || need+=(postgresql-15)
  if ((${#need[@]} == 0)); then
    log "install: everything present (redis-server, chromium, nginx, wrk, postgresql-15)"
    return 0
  fi
  ((EUID == 0)) || die "install: need root to apt-get install ${need[*]}"
  log "install: apt-get install ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Packages must not start their services (no systemd here; we start ours on our own ports).
  local policy=/usr/sbin/policy-rc.d made_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && made_policy=1
  fi
  local rc=0
  { apt-get update -qq && apt-get install -y -qq "${need[@]}"; } \
    >"${TMPDIR:-/tmp}/flashsale-apt.log" 2>&1 || rc=$?
  ((made_policy)) && rm -f "$policy"
  if ((rc != 0)); then
    tail -n 30 "${TMPDIR:-/tmp}/flashsale-apt.log" >&2
    die "install: apt-get failed (rc $rc, log ${TMPDIR:-/tmp}/flashsale-apt.log)"
  fi
  log "install: done"
}

# ---------------------------------------------------------------- status / env

do_status() {
  local what=${1:-}
  case $what in
    redis) redis_running; return ;;
    cluster) cluster_running; return ;;
    postgres) pg_running; return ;;
    "") ;;
    *) die "unknown service '$what' (redis|cluster|postgres)" ;;
  esac
  if redis_running; then
    log "redis:    running on 127.0.0.1:$REDIS_PORT (pid $(cat "$SVC/redis/redis.pid"))"
  else
    log "redis:    stopped"
  fi
  local n
  n=$(cluster_nodes_running)
  if [[ $n -eq ${#CLUSTER_PORTS[@]} ]] && cluster_ok; then
    log "cluster:  running on 127.0.0.1:${CLUSTER_PORTS[*]}, cluster_state:ok"
  elif [[ $n -gt 0 ]]; then
    log "cluster:  DEGRADED ($n of ${#CLUSTER_PORTS[@]} nodes up, or cluster not ok)"
  else
    log "cluster:  stopped"
  fi
  if pg_running; then
    log "postgres: running on 127.0.0.1:$PG_PORT (data $PGDATA_DIR)"
  else
    log "postgres: stopped (data $PGDATA_DIR)"
  fi
}

do_env() {
  cat <<EOF
export FLASHSALE_TEST_REDIS=127.0.0.1:$REDIS_PORT
export FLASHSALE_TEST_REDIS_CLUSTER=127.0.0.1:${CLUSTER_PORTS[0]},127.0.0.1:${CLUSTER_PORTS[1]},127.0.0.1:${CLUSTER_PORTS[2]}
export FLASHSALE_TEST_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=flashsale"
export FLASHSALE_TEST_CHROMIUM=$CHROMIUM
EOF
}

# ---------------------------------------------------------------- main

services_of() { # arg -> list of services
  case ${1:-all} in
    all) echo redis cluster postgres ;;
    redis | cluster | postgres) echo "$1" ;;
    *) die "unknown service '$1' (redis|cluster|postgres|all)" ;;
  esac
}

usage() {
  sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit 2
}

cmd=${1:-}
shift || true
case $cmd in
  install) do_install ;;
  start)
    list=$(services_of "${1:-all}") || exit 1
    mkdir -p "$SVC"
    for s in $list; do "start_$s"; done
    ;;
  stop)
    list=$(services_of "${1:-all}") || exit 1
    for s in $list; do "stop_$s"; done
    ;;
  status) do_status "${1:-}" ;;
  env) do_env ;;
  *) usage ;;
esac
