#!/usr/bin/env bash
# Throwaway PostgreSQL 15 and Redis for local runs and tests.
#
#   scripts/services.sh start [--fast]   start both (reuses existing data), print connection strings
#   scripts/services.sh stop             stop both
#   scripts/services.sh destroy          stop both and delete the work directory
#   scripts/services.sh status           say what runs (no secret), exit 1 if something is down
#   scripts/services.sh env              print the connection strings of a running pair
#
# ZLH_SERVICES_DIR picks the work directory (default $ZLH_HOME, else /var/tmp/zlh). It must be outside /root: when this
# runs as root, PostgreSQL runs as the `postgres` user, which cannot enter /root.
# --fast turns fsync off: for throwaway test clusters only, never for data you want to keep.
# `start` and `env` print, ready for `eval` (they hold the passwords; nothing else prints a secret):
#   ZLH_POSTGRES        the API's role zlh_api (no superuser), database postgres: usable once
#                       `dotnet ZeroLagHub.Api.dll bootstrap` made the role and its schemas (./zlh.sh up does)
#   ZLH_POSTGRES_ADMIN  the superuser postgres, for that bootstrap, tests and benchmarks
#   ZLH_REDIS           the API's ACL user zlh_api: only the commands the API sends
#   ZLH_REDIS_ADMIN     Redis' default user, every command: for admin use only
#
# Local containers share this host's network, so neither server trusts a connection for coming from
# 127.0.0.1: the first start generates a PostgreSQL superuser password and a Redis password, kept in
# postgres.password and redis.password, and the API's own two, api-postgres.password and api-redis.password
# (all 0600, owned by whoever ran this), for later runs. PostgreSQL wants
# scram-sha-256 over TCP; its unix socket sits in a 0700 directory and admits only the OS user the cluster
# runs as (peer). Redis gets `requirepass` on its stdin, never on a command line that `ps` shows.
# A data directory from before (trust authentication) gets a password on its next start.
set -euo pipefail
umask 077   # every file and directory made here is its owner's alone unless said otherwise

dir="${ZLH_SERVICES_DIR:-${ZLH_HOME:-/var/tmp/zlh}}"
pgroot="$dir/postgres"   # owned by the postgres user: data, socket and log
pgdata="$pgroot/data"
pgsock="$pgroot/socket"
pglog="$pgroot/postgres.log"
pg_secret="$dir/postgres.password"
redis_secret="$dir/redis.password"
api_pg_secret="$dir/api-postgres.password"
api_redis_secret="$dir/api-redis.password"
redis_pid="$dir/redis.pid"
ports="$dir/ports"

die() { echo "services.sh: $*" >&2; exit 1; }

pg_bin() {
  if command -v pg_ctl >/dev/null 2>&1; then dirname "$(command -v pg_ctl)"; return; fi
  local d
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/pg_ctl" ] && { echo "$d"; return; }; done
  die "PostgreSQL binaries not found (PATH or /usr/lib/postgresql/*/bin); install postgresql-15"
}

# The OS user PostgreSQL runs as: `postgres` when we are root (postgres refuses to run as root), else us.
pg_owner() { if [ "$(id -u)" = 0 ]; then echo postgres; else id -un; fi; }

# Runs a PostgreSQL tool as that user.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Below the kernel's ephemeral range (32768-60999 by default): a port chosen inside it can be taken by any
# outgoing connection's local end before the server binds it, which a busy test run makes likely.
free_port() {
  local p low
  low="$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)"
  [ "$low" -gt 12000 ] 2>/dev/null || low=32768
  for _ in $(seq 1 200); do
    p=$((10000 + RANDOM % (low - 10000)))
    listening "$p" || { echo "$p"; return; }
  done
  die "no free port found"
}

# 48 hex digits (192 bits): nothing to quote in a connection string, a Redis option or SQL.
new_secret() { od -An -tx1 -N24 /dev/urandom | tr -d ' \n'; }

# Writes a fresh secret to <file> unless it holds one already.
ensure_secret() {
  if [ ! -s "$1" ]; then new_secret >"$1.new" && mv "$1.new" "$1"; fi
  chmod 600 "$1"
}

secret() { [ -s "$1" ] || die "$1 is missing: run scripts/services.sh start"; cat "$1"; }

redis_running() { [ -f "$redis_pid" ] && kill -0 "$(cat "$redis_pid")" 2>/dev/null; }
pg_running() { [ -f "$pgdata/postmaster.pid" ] && as_pg "$(pg_bin)/pg_ctl" -D "$pgdata" status >/dev/null 2>&1; }

# The API's role and Redis user; the bootstrap (PostgreSQL) and redis.conf on stdin (Redis) create them.
api_user=zlh_api
# What the API sends through StackExchange.Redis (src/Projections/Multiplexer, LiveStatusCache and its script,
# Auth/Sessions): SET with a time to live goes as SETEX/PSETEX, a delete as UNLINK (DEL before Redis 4), PING is the
# client's heartbeat. Nothing else: no CONFIG, INFO, CLIENT, FLUSHALL, KEYS, DEBUG, ACL, MODULE, SHUTDOWN (the client's
# own handshake commands are turned off in RedisMultiplexer; HELLO and AUTH need no grant).
api_redis_commands="+get +mget +set +setex +psetex +del +unlink +publish +ping +eval +evalsha +subscribe +unsubscribe"

print_env() {
  # shellcheck disable=SC1090
  source "$ports"
  echo "ZLH_POSTGRES='Host=127.0.0.1;Port=$PG_PORT;Username=$api_user;Password=$(secret "$api_pg_secret");Database=postgres'"
  echo "ZLH_POSTGRES_ADMIN='Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Password=$(secret "$pg_secret");Database=postgres'"
  echo "ZLH_REDIS='127.0.0.1:$REDIS_PORT,user=$api_user,password=$(secret "$api_redis_secret")'"
  echo "ZLH_REDIS_ADMIN='127.0.0.1:$REDIS_PORT,password=$(secret "$redis_secret")'"
}

# Who may connect how; rewritten on every start, so a cluster made by an older version is tightened too.
configure_postgres_access() {
  as_pg tee "$pgdata/pg_hba.conf" >/dev/null <<HBA
# Written by scripts/services.sh at every start; edits here are lost.
# Unix socket: only the OS user the cluster runs as, and only as the postgres role.
local   all   postgres                 peer map=owner
# TCP (local containers share this network): password, as SCRAM.
host    all   all       127.0.0.1/32   scram-sha-256
host    all   all       ::1/128        scram-sha-256
HBA
  echo "owner   $(pg_owner)   postgres" | as_pg tee "$pgdata/pg_ident.conf" >/dev/null
  # The socket directory is the cluster user's alone: nobody else can even reach the socket.
  chmod 700 "$pgroot" "$pgsock"
}

init_postgres() {
  local bin="$1" pwfile="$pg_secret"
  mkdir -p "$pgdata" "$pgsock"
  if [ "$(id -u)" = 0 ]; then
    chown -R postgres: "$pgroot"
    # initdb runs as postgres and cannot read our 0600 file: a copy it owns, removed right after.
    pwfile="$pgroot/initdb.password"
    install -m 600 -o postgres -g postgres "$pg_secret" "$pwfile"
  fi
  chmod 700 "$pgdata"
  local status=0
  as_pg "$bin/initdb" -D "$pgdata" -U postgres --pwfile="$pwfile" --auth-local=peer --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || status=$?
  [ "$pwfile" = "$pg_secret" ] || rm -f "$pwfile"
  [ "$status" = 0 ] || die "initdb failed, see $dir/initdb.log"
  {
    echo "listen_addresses = '127.0.0.1'"
    echo "port = $PG_PORT"
    echo "unix_socket_directories = '$pgsock'"
    echo "unix_socket_permissions = 0700"
    echo "password_encryption = scram-sha-256"
    echo "max_connections = 300"
    echo "log_min_messages = warning"
    if [ "$fast" = 1 ]; then
      echo "fsync = off"
      echo "synchronous_commit = off"
      echo "full_page_writes = off"
    fi
  } | as_pg tee -a "$pgdata/postgresql.conf" >/dev/null
}

# A cluster made before passwords (trust for everyone on 127.0.0.1): give the postgres role a password
# in single-user mode (no listener at all meanwhile); start_postgres then replaces pg_hba.conf.
upgrade_trust_cluster() {
  local bin="$1"
  echo "services.sh: $pgdata has no password (made by an older services.sh, trusting every local connection); setting one" >&2
  if pg_running; then as_pg "$bin/pg_ctl" -D "$pgdata" -m fast -w stop >/dev/null; fi
  ensure_secret "$pg_secret.upgrade"
  # The password goes in on stdin, not on a command line.
  printf "ALTER ROLE postgres WITH PASSWORD '%s';\n" "$(cat "$pg_secret.upgrade")" \
    | as_pg "$bin/postgres" --single -D "$pgdata" -c password_encryption=scram-sha-256 postgres >"$dir/upgrade.log" 2>&1 \
    || die "setting the postgres password failed, see $dir/upgrade.log"
  grep -q '^unix_socket_permissions' "$pgdata/postgresql.conf" \
    || echo "unix_socket_permissions = 0700" | as_pg tee -a "$pgdata/postgresql.conf" >/dev/null
  mv "$pg_secret.upgrade" "$pg_secret"
}

start_postgres() {
  local bin; bin="$(pg_bin)"
  ensure_secret "$api_pg_secret"
  if [ ! -f "$pgdata/PG_VERSION" ]; then
    ensure_secret "$pg_secret"
    init_postgres "$bin"
  elif [ ! -s "$pg_secret" ]; then
    upgrade_trust_cluster "$bin"
  fi
  configure_postgres_access
  if pg_running; then
    as_pg "$bin/pg_ctl" -D "$pgdata" reload >/dev/null
    return
  fi
  as_pg "$bin/pg_ctl" -D "$pgdata" -l "$pglog" -w -t 60 start >/dev/null \
    || die "postgres did not start ($(tail -n 2 "$pglog" 2>/dev/null | tr '\n' ' ')), see $pglog"
}

stop_redis() {
  redis_running || return 0
  local pid; pid="$(cat "$redis_pid")"; kill "$pid"
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
}

start_redis() {
  # One started by an older services.sh runs without a password, or without the API's user: replace it.
  if [ ! -s "$redis_secret" ] || [ ! -s "$api_redis_secret" ]; then stop_redis; fi
  ensure_secret "$redis_secret"
  ensure_secret "$api_redis_secret"
  redis_running && return
  command -v redis-server >/dev/null 2>&1 || die "redis-server not found; install it (apt-get install -y redis-server)"
  # `-` reads the configuration from stdin: the password never shows in `ps` or on disk beside its file.
  # What it says before its log file is open (a bad option) goes to that log as well.
  # shellcheck disable=SC2094,SC2086
  printf 'requirepass %s\nuser %s on >%s resetkeys ~* resetchannels &* -@all %s\n' "$(cat "$redis_secret")" \
      "$api_user" "$(cat "$api_redis_secret")" "$(echo $api_redis_commands)" \
    | redis-server - --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no --daemonize yes \
        --pidfile "$redis_pid" --logfile "$dir/redis.log" --dir "$dir" >>"$dir/redis.log" 2>&1
  for _ in $(seq 1 100); do listening "$REDIS_PORT" && return; sleep 0.05; done
  die "redis did not start ($(tail -n 2 "$dir/redis.log" 2>/dev/null | tr '\n' ' ')), see $dir/redis.log"
}

cmd="${1:-}"; fast=0
[ "${2:-}" = "--fast" ] && fast=1
case "$cmd" in
  start)
    case "$dir" in /root|/root/*) die "ZLH_SERVICES_DIR must be outside /root (postgres cannot enter it)";; esac
    # 0711: the postgres user passes through to its own directory; nobody else lists what is here.
    (umask 022; mkdir -p "$dir"); chmod 711 "$dir"
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
    if pg_running; then as_pg "$(pg_bin)/pg_ctl" -D "$pgdata" -m fast -w stop >/dev/null; fi
    stop_redis
    if [ "$cmd" = destroy ]; then rm -rf "$dir"; fi
    ;;
  status)
    ok=0
    if pg_running; then echo "postgres: running ($pgdata)"; else echo "postgres: stopped"; ok=1; fi
    if redis_running; then echo "redis: running (pid $(cat "$redis_pid"))"; else echo "redis: stopped"; ok=1; fi
    # No connection strings here: they hold the passwords (`env` prints them, for whoever may read the files).
    if [ -f "$ports" ]; then
      # shellcheck disable=SC1090
      source "$ports"
      echo "ports: postgres $PG_PORT, redis $REDIS_PORT; connection strings: scripts/services.sh env"
    fi
    exit "$ok"
    ;;
  env)
    [ -f "$ports" ] || die "nothing started in $dir"
    print_env
    ;;
  *)
    sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 2
    ;;
esac
