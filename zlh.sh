#!/usr/bin/env bash
# ./zlh.sh up     run ZeroLagHub locally: PostgreSQL and Redis under $ZLH_SERVICES_DIR (default /var/tmp/zlh)
#                 unless ZLH_POSTGRES / ZLH_REDIS point elsewhere (with ZLH_POSTGRES_ADMIN, a superuser, the API's
#                 role and schemas are bootstrapped there too), then the API on http://127.0.0.1:5080.
#                 Ctrl-C stops everything; the next run reuses the data. Both servers want the passwords that
#                 scripts/services.sh generated at the first run (in $ZLH_SERVICES_DIR, mode 0600): local
#                 containers share this host's network and must not get into them.
# ./zlh.sh down   stop the local PostgreSQL and Redis (if a previous run was killed).
set -euo pipefail
root="$(cd "$(dirname "$0")" && pwd)"
export ZLH_SERVICES_DIR="${ZLH_SERVICES_DIR:-/var/tmp/zlh}"

need() {  # need <command> <debian package>
  command -v "$1" >/dev/null 2>&1 && return
  [ "$1" = pg_ctl ] && ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 && return
  if [ "$(id -u)" = 0 ]; then
    echo "installing $2 ..."
    (apt-get update -qq && apt-get install -y -qq "$2") >/dev/null
  else
    echo "zlh: $1 is missing; install it (sudo apt-get install $2) or set ZLH_POSTGRES and ZLH_REDIS" >&2
    exit 1
  fi
}

case "${1:-up}" in
  up)
    if [ -z "${ZLH_POSTGRES:-}" ] || [ -z "${ZLH_REDIS:-}" ]; then
      need pg_ctl postgresql-15
      need redis-server redis-server
      # Stops what a half-done start left running (e.g. PostgreSQL when Redis then failed), and at Ctrl-C.
      trap '"$root/scripts/services.sh" stop' EXIT
      # Not `eval "$(services.sh start)"`: eval succeeds on empty input, which hid a failed start (its
      # cause was on stderr above) until the API said "No PostgreSQL configured".
      services="$("$root/scripts/services.sh" start)" \
        || { echo "zlh: starting PostgreSQL and Redis failed (the cause is above); nothing else was started" >&2; exit 1; }
      eval "$services"
      if [ -z "${ZLH_POSTGRES:-}" ] || [ -z "${ZLH_REDIS:-}" ]; then
        echo "zlh: scripts/services.sh start printed no connection strings; run it alone to see why" >&2; exit 1
      fi
      echo "zlh: PostgreSQL and Redis running under $ZLH_SERVICES_DIR"
    fi
    # As root, local containers run sandboxed in bubblewrap, each in a network namespace of its own with
    # slirp4netns for outbound traffic (without them the API says what is missing and starts no container).
    if [ "$(id -u)" = 0 ]; then need bwrap bubblewrap; need slirp4netns slirp4netns; fi
    # The API's own PostgreSQL role and schemas, made with the superuser (idempotent, so at every start);
    # then the superuser's and Redis admin's passwords stay out of the API's environment.
    if [ -n "${ZLH_POSTGRES_ADMIN:-}" ]; then
      ZLH_POSTGRES="$ZLH_POSTGRES" ZLH_POSTGRES_ADMIN="$ZLH_POSTGRES_ADMIN" \
        dotnet run -c Release --project "$root/src/Api" -- bootstrap
    fi
    unset ZLH_POSTGRES_ADMIN ZLH_REDIS_ADMIN
    export ZLH_POSTGRES ZLH_REDIS
    dotnet run -c Release --project "$root/src/Api"
    ;;
  down)
    "$root/scripts/services.sh" stop
    ;;
  *)
    sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 2
    ;;
esac
