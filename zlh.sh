#!/usr/bin/env bash
# ./zlh.sh up      run ZeroLagHub locally, saying what it does: [1/5] build the API, its agent and the CLI;
#                  [2/5] PostgreSQL and Redis under $ZLH_HOME (default /var/tmp/zlh) unless ZLH_POSTGRES / ZLH_REDIS
#                  point elsewhere; [3/5] the API's own database role and schemas (with ZLH_POSTGRES_ADMIN, a
#                  superuser); [4/5] the API on $ZLH_URLS (default http://127.0.0.1:5080), which migrates its schemas
#                  as it starts; [5/5] a banner: the URL, where the admin password is, the ./zlh command to run next.
#                  Ctrl-C stops everything; the next run reuses the data. Both servers want the passwords that
#                  scripts/services.sh generated at the first run (mode 0600): local containers share this host's
#                  network and must not get into them.
# ./zlh.sh banner  print the banner again (the admin password itself only ever at the run that created it).
# ./zlh.sh down    stop the local PostgreSQL and Redis (if a previous run was killed).
# Settings (README "Configuration"): ZLH_HOME holds all local state; ZLH_SERVICES_DIR, ZLH_DATA and ZLH_URLS
# (or just ZLH_PORT) override their part of it.
set -euo pipefail
root="$(cd "$(dirname "$0")" && pwd)"
export ZLH_HOME="${ZLH_HOME:-/var/tmp/zlh}"
# PostgreSQL and Redis stay at the top of the home, where they were before ZLH_HOME existed, so old data is reused.
export ZLH_SERVICES_DIR="${ZLH_SERVICES_DIR:-$ZLH_HOME}"
export ZLH_DATA="${ZLH_DATA:-$ZLH_HOME/api}"
export ZLH_URLS="${ZLH_URLS:-http://127.0.0.1:${ZLH_PORT:-5080}}"
export ZLH_AUTH__ADMINPASSWORDFILE="${ZLH_AUTH__ADMINPASSWORDFILE:-$ZLH_HOME/admin.password}"
# The portal at / (README "The portal"), with the IDE on its own origin, {id}.ide.localhost (browsers send
# *.localhost to loopback): code-server must not run on the portal's origin. ZLH_PORTAL__ENABLED=false turns it off.
export ZLH_PORTAL__ENABLED="${ZLH_PORTAL__ENABLED:-true}"
if [ "$ZLH_PORTAL__ENABLED" = true ]; then export ZLH_IDE__HOSTPATTERN="${ZLH_IDE__HOSTPATTERN:-{id\}.ide.localhost}"; fi
logs="$ZLH_HOME/logs"
api_dir="$root/src/Api/bin/Release/net10.0"
default_url="http://127.0.0.1:5080"

step() { echo "zlh: [$1/5] $2"; }

need() {  # need <command> <debian package>
  command -v "$1" >/dev/null 2>&1 && return
  [ "$1" = pg_ctl ] && ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 && return
  if [ "$(id -u)" = 0 ]; then
    echo "zlh: installing $2 ..."
    (apt-get update -qq && apt-get install -y -qq "$2") >/dev/null
  else
    echo "zlh: $1 is missing; install it (sudo apt-get install $2) or set ZLH_POSTGRES and ZLH_REDIS" >&2
    exit 1
  fi
}

# The address to call: the first of ZLH_URLS, with a wildcard host (0.0.0.0, [::], *, +) asked on loopback.
api_url() {
  local url="${ZLH_URLS%%;*}"
  echo "$url" | sed -E 's#^(https?://)(0\.0\.0\.0|\[::\]|\*|\+)#\1127.0.0.1#'
}

# banner [up|new]: "up" at the end of ./zlh.sh up; "new" too, when this run created the admin password: it is shown, once.
banner() {
  local url password_file="$ZLH_AUTH__ADMINPASSWORDFILE"
  url="$(api_url)"
  echo
  if [ -n "${1:-}" ]; then echo "  ZeroLagHub is running on $url (Ctrl-C stops it; log: $logs/api.log)"
  else echo "  ZeroLagHub: $url (log: $logs/api.log)"; fi
  if [ "${1:-}" = new ] && [ -r "$password_file" ]; then
    echo "  admin password: $(head -n 1 "$password_file")  (shown this once; kept in $password_file, mode 0600)"
  elif [ -f "$password_file" ]; then
    echo "  admin password: in $password_file (mode 0600)"
  else
    echo "  admin password: no $password_file; the admin account was made before it existed (or with Auth:AdminPassword)"
  fi
  if [ "${ZLH_PORTAL__ENABLED:-}" = true ]; then echo "  portal: $url/ in a browser (sign in as admin with that password)"; fi
  echo "  next, in another terminal (./zlh is the command line; docs/cli.md):"
  [ "$url" = "$default_url" ] || echo "    export ZLH_API=$url"
  echo "    ./zlh login --user admin --password-file $password_file"
  if [ "${ZLH_ARTIFACTS__STANDINS:-}" != true ]; then
    # Real runtimes only: a create naming one not built yet is refused with the command that builds it.
    echo "    ./zlh admin artifacts build node 24 && ./zlh admin artifacts build code-server 4.139.1   (once, a few minutes)"
  fi
  echo "    ./zlh create dev --name my-box --runtime node --version 24 --wait"
  echo
}

case "${1:-up}" in
  up)
    mkdir -p "$ZLH_HOME" "$logs"
    step 1 "building the API, its agent and the CLI (dotnet build -c Release; the first build takes a few minutes)"
    for project in src/Api src/Cli; do
      dotnet build "$root/$project" -c Release -nologo -v:minimal \
        || { echo "zlh: $project does not build (the errors are above); nothing was started" >&2; exit 1; }
    done

    local_services=
    api_pid=
    # At Ctrl-C, an error or the API's end: the API first (it is still using the servers), then the local servers,
    # including what a half-done start left running (e.g. PostgreSQL when Redis then failed).
    stop_all() {
      if [ -n "$api_pid" ] && kill -0 "$api_pid" 2>/dev/null; then kill -TERM "$api_pid"; wait "$api_pid" || true; fi
      if [ -n "$local_services" ]; then "$root/scripts/services.sh" stop; fi
    }
    trap stop_all EXIT
    # A background job ignores SIGINT, so Ctrl-C reaches this shell only: it stops the API through stop_all.
    trap 'exit 130' INT TERM

    if [ -z "${ZLH_POSTGRES:-}" ] || [ -z "${ZLH_REDIS:-}" ]; then
      step 2 "starting PostgreSQL and Redis under $ZLH_SERVICES_DIR"
      need pg_ctl postgresql-15
      need redis-server redis-server
      local_services=1
      # Not `eval "$(services.sh start)"`: eval succeeds on empty input, which hid a failed start (its
      # cause was on stderr above) until the API said "No PostgreSQL configured".
      services="$("$root/scripts/services.sh" start)" \
        || { echo "zlh: starting PostgreSQL and Redis failed (the cause is above); nothing else was started" >&2; exit 1; }
      eval "$services"
      if [ -z "${ZLH_POSTGRES:-}" ] || [ -z "${ZLH_REDIS:-}" ]; then
        echo "zlh: scripts/services.sh start printed no connection strings; run it alone to see why" >&2; exit 1
      fi
    else
      step 2 "PostgreSQL and Redis: yours (ZLH_POSTGRES, ZLH_REDIS)"
    fi
    # As root, local containers run sandboxed in bubblewrap, each in a network namespace of its own with
    # slirp4netns for outbound traffic (without them the API says what is missing and starts no container).
    if [ "$(id -u)" = 0 ]; then need bwrap bubblewrap; need slirp4netns slirp4netns; fi
    need curl curl

    # The API's own PostgreSQL role and schemas, made with the superuser (idempotent, so at every start);
    # then the superuser's and Redis admin's passwords stay out of the API's environment.
    if [ -n "${ZLH_POSTGRES_ADMIN:-}" ]; then
      step 3 "the API's database role and schemas (bootstrap)"
      (cd "$api_dir" && ZLH_POSTGRES="$ZLH_POSTGRES" ZLH_POSTGRES_ADMIN="$ZLH_POSTGRES_ADMIN" dotnet ZeroLagHub.Api.dll bootstrap) \
        || { echo "zlh: the database bootstrap failed (above)" >&2; exit 1; }
    else
      step 3 "the API's database role and schemas: skipped (no ZLH_POSTGRES_ADMIN; see README \"Least privilege\")"
    fi
    unset ZLH_POSTGRES_ADMIN ZLH_REDIS_ADMIN
    export ZLH_POSTGRES ZLH_REDIS

    url="$(api_url)"
    step 4 "starting the API on $url; it migrates its schemas first (log: $logs/api.log)"
    password_was_there=; [ -f "$ZLH_AUTH__ADMINPASSWORDFILE" ] && password_was_there=1
    # The content root is the working directory (appsettings.json). Its output goes to the terminal and the log;
    # it carries no secret: a generated admin password goes to its 0600 file, not to stdout.
    (cd "$api_dir" && exec dotnet ZeroLagHub.Api.dll) > >(tee -a "$logs/api.log") 2>&1 &
    api_pid=$!
    waited=0
    until curl -fsS -o /dev/null "$url/health" 2>/dev/null; do
      if ! kill -0 "$api_pid" 2>/dev/null; then
        wait "$api_pid" && status=0 || status=$?
        api_pid=
        echo "zlh: the API stopped during start-up (exit $status); the reason is above and in $logs/api.log" >&2; exit 1
      fi
      waited=$((waited + 1))
      [ $((waited % 15)) = 0 ] && echo "zlh: still waiting for $url/health ($waited s)"
      sleep 1
    done
    step 5 "ready"
    if [ -z "$password_was_there" ] && [ -f "$ZLH_AUTH__ADMINPASSWORDFILE" ]; then banner new; else banner up; fi
    wait "$api_pid" && status=0 || status=$?
    api_pid=
    exit "$status"
    ;;
  banner)
    banner
    ;;
  down)
    "$root/scripts/services.sh" stop
    ;;
  *)
    sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 2
    ;;
esac
