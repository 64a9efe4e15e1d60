#!/usr/bin/env bash
# Throwaway PostgreSQL 15 and Redis for local runs and tests.
#
#   scripts/services.sh start [--fast]   start both (reuses existing data), print connection strings
#   scripts/services.sh stop             stop both
#   scripts/services.sh destroy          stop both and delete the work directory
#   scripts/services.sh status           say what runs, exit 1 if something is down
#   scripts/services.sh env              print the connection strings of a running pair
#
# ZLH_SERVICES_DIR picks the work directory (default /var/tmp/zlh). It must be outside /root: when this
# runs as root, PostgreSQL runs as the `postgres` user, which cannot enter /root.
# --fast turns fsync off: for throwaway test clusters only, never for data you want to keep.
# Output lines are `ZLH_POSTGRES='…'` and `ZLH_REDIS='…'`, ready for `eval`.
set -euo pipefail

dir="${ZLH_SERVICES_DIR:-/var/tmp/zlh}"
pgroot="$dir/postgres"   # owned by the postgres user: data, socket and log
pgdata="$pgroot/data"
pgsock="$pgroot/socket"
pglog="$pgroot/postgres.log"
redis_pid="$dir/redis.pid"
ports="$dir/ports"

die() { echo "services.sh: $*" >&2; exit 1; }

pg_bin() {
  if command -v pg_ctl >/dev/null 2>&1; then dirname "$(command -v pg_ctl)"; return; fi
  local d
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/pg_ctl" ] && { echo "$d"; return; }; done
  die "PostgreSQL binaries not found (PATH or /usr/lib/postgresql/*/bin); install postgresql-15"
}

# Runs a PostgreSQL tool as the postgres user when we are root (postgres refuses to run as root).
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 40000))
    listening "$p" || { echo "$p"; return; }
  done
  die "no free port found"
}

redis_running() { [ -f "$redis_pid" ] && kill -0 "$(cat "$redis_pid")" 2>/dev/null; }
pg_running() { [ -f "$pgdata/postmaster.pid" ] && as_pg "$(pg_bin)/pg_ctl" -D "$pgdata" status >/dev/null 2>&1; }

print_env() {
  # shellcheck disable=SC1090
  source "$ports"
  echo "ZLH_POSTGRES='Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres'"
  echo "ZLH_REDIS='127.0.0.1:$REDIS_PORT'"
}

start_postgres() {
  local bin; bin="$(pg_bin)"
  if [ ! -f "$pgdata/PG_VERSION" ]; then
    mkdir -p "$pgdata" "$pgsock"
    [ "$(id -u)" = 0 ] && chown -R postgres: "$pgroot"
    chmod 700 "$pgdata"
    as_pg "$bin/initdb" -D "$pgdata" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || die "initdb failed, see $dir/initdb.log"
    {
      echo "listen_addresses = '127.0.0.1'"
      echo "port = $PG_PORT"
      echo "unix_socket_directories = '$pgsock'"
      echo "max_connections = 300"
      echo "log_min_messages = warning"
      if [ "$fast" = 1 ]; then
        echo "fsync = off"
        echo "synchronous_commit = off"
        echo "full_page_writes = off"
      fi
    } | as_pg tee -a "$pgdata/postgresql.conf" >/dev/null
  fi
  pg_running && return
  as_pg "$bin/pg_ctl" -D "$pgdata" -l "$pglog" -w -t 60 start >/dev/null \
    || die "postgres did not start, see $pglog"
}

start_redis() {
  redis_running && return
  command -v redis-server >/dev/null 2>&1 || die "redis-server not found; install it (apt-get install -y redis-server)"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no --daemonize yes \
    --pidfile "$redis_pid" --logfile "$dir/redis.log" --dir "$dir" >/dev/null
  for _ in $(seq 1 100); do listening "$REDIS_PORT" && return; sleep 0.05; done
  die "redis did not start, see $dir/redis.log"
}

cmd="${1:-}"; fast=0
[ "${2:-}" = "--fast" ] && fast=1
case "$cmd" in
  start)
    case "$dir" in /root|/root/*) die "ZLH_SERVICES_DIR must be outside /root (postgres cannot enter it)";; esac
    mkdir -p "$dir"; chmod 755 "$dir"
    if [ ! -f "$ports" ]; then
      printf 'PG_PORT=%s\nREDIS_PORT=%s\n' "$(free_port)" "$(free_port)" >"$ports"
    fi
    # shellcheck disable=SC1090
    source "$ports"
    start_postgres
    start_redis
    print_env
    ;;
  stop|destroy)
    [ -d "$dir" ] || exit 0
    pg_running && as_pg "$(pg_bin)/pg_ctl" -D "$pgdata" -m fast -w stop >/dev/null
    if redis_running; then
      pid="$(cat "$redis_pid")"; kill "$pid"
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    fi
    if [ "$cmd" = destroy ]; then rm -rf "$dir"; fi
    ;;
  status)
    ok=0
    if pg_running; then echo "postgres: running ($pgdata)"; else echo "postgres: stopped"; ok=1; fi
    if redis_running; then echo "redis: running (pid $(cat "$redis_pid"))"; else echo "redis: stopped"; ok=1; fi
    [ -f "$ports" ] && print_env
    exit "$ok"
    ;;
  env)
    [ -f "$ports" ] || die "nothing started in $dir"
    print_env
    ;;
  *)
    sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 2
    ;;
esac
