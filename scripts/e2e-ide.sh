#!/usr/bin/env bash
# scripts/e2e-ide.sh — the browser IDE end to end, with the REAL code-server (not part of CI).
#
#   1. builds the real Node 24 and code-server artifacts with scripts/artifacts.sh (once; cached in
#      $ZLH_E2E_DIR/artifacts, the API's artifact directory here);
#   2. starts PostgreSQL + Redis + the API from this checkout on that artifact directory (real
#      artifacts only), logs in as admin, creates a dev container (node 24) with the code-server
#      addon at that version and waits for its deployment;
#   3. checks that code-server has no TCP port, only a Unix socket its own user alone may open; then
#      opens the IDE through the API in headless Chromium and checks that the workbench loads with no
#      error notification, that the explorer lists a file of the workspace, and that the integrated
#      terminal runs a command (its output file appears in the workspace on disk); takes a screenshot;
#   4. stops everything it started, also on Ctrl-C or failure.
# Exits 0 only when every check passed. Needs root (apt-get, the local host's sandbox users).
#
#   scripts/e2e-ide.sh            the IDE over http:// (HTTP/1.1; WebSockets are HTTP/1.1 upgrades)
#   scripts/e2e-ide.sh --https    the IDE over https:// with a throwaway certificate: Chromium speaks
#                                 HTTP/2 to the API, and its WebSockets arrive as extended CONNECT
#   scripts/e2e-ide.sh --host-mode
#                                 the IDE on its own origin, {id}.ide.localhost, with the portal on, as
#                                 ./zlh.sh up runs it (combines with --https)
#
# Environment:
#   ZLH_E2E_DIR              artifact and run directory (default /var/tmp/zlh-e2e; outside /root,
#                            which PostgreSQL's user cannot enter). artifacts/ survives runs (delete
#                            an entry's file, or the directory, to rebuild); run/ (database, containers,
#                            logs, screenshot) is wiped at the next start.
#   ZLH_E2E_KEEP=1           after the checks, keep everything running (and print a fresh IDE URL and the ./zlh login line)
#                            until Ctrl-C, to look around by hand
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
e2e="${ZLH_E2E_DIR:-/var/tmp/zlh-e2e}"
version="4.139.1"                               # code-server: the version scripts/artifacts.sh builds
artifacts="$e2e/artifacts"                      # the API's artifact directory, kept between runs
browser="$e2e/browser"                          # playwright-core
run="$e2e/run"                                  # this run's services, API data, logs, screenshot
admin_password="e2e-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"

scheme="http"   # https with --https
host_mode=""    # 1 with --host-mode: the IDE on {id}.ide.localhost
api_pid=""
api=""          # <scheme>://127.0.0.1:<port>: what the browser and this script talk to
token=""        # admin access token
curl_tls=()     # --cacert <the run's certificate> with --https
failures=0

ok()   { printf '[ ok ] %s\n' "$*"; }
fail() { printf '[fail] %s\n' "$*"; failures=$((failures + 1)); }
info() { printf '       %s\n' "$*"; }
die()  { fail "$*"; exit 1; }
now()  { date +%s; }

# ---------------------------------------------------------------------------------------------------
# Tools

apt_install() {  # apt_install <package>…: only what is missing; apt-get update once per run
  local missing=() p
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return
  [ "$(id -u)" = 0 ] || die "missing Debian packages ${missing[*]}: install them (needs root)"
  info "apt-get install ${missing[*]} …"
  if [ -z "${apt_updated:-}" ]; then apt-get update -qq >/dev/null; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >"$e2e/apt.log" 2>&1 \
    || die "apt-get install ${missing[*]} failed, see $e2e/apt.log"
}

need_tools() {
  [ "$(id -u)" = 0 ] || die "run as root: the local container host gives each container a system user"
  command -v dotnet >/dev/null || die "the .NET 10 SDK is required"
  command -v npm >/dev/null || apt_install npm
  # postgresql and redis for the system, chromium for the browser, jq for the API's JSON answers,
  # bubblewrap and slirp4netns so containers run sandboxed as they do with ./zlh.sh up on a fresh machine.
  apt_install postgresql-15 redis-server chromium jq curl bubblewrap slirp4netns
}

# ---------------------------------------------------------------------------------------------------
# 1. The artifacts

# The real artifacts, built by the one builder (scripts/artifacts.sh: npm, once, under its lock; a built one is
# left as it is). code-server's npm install takes about 5 minutes the first time.
build_artifacts() {
  local start; start="$(now)"
  ZLH_ARTIFACTS_DIR="$artifacts" "$root/scripts/artifacts.sh" build node 24 | sed 's/^/       /' || die "the Node 24 artifact was not built"
  ZLH_ARTIFACTS_DIR="$artifacts" "$root/scripts/artifacts.sh" build code-server "$version" | sed 's/^/       /' \
    || die "the code-server $version artifact was not built"
  timing_build=$(( $(now) - start ))
  ok "artifacts in $artifacts: node 24 and code-server $version"
}

# playwright-core drives Debian's chromium; it downloads no browser of its own.
install_playwright() {
  [ -f "$browser/node_modules/playwright-core/package.json" ] && return
  mkdir -p "$browser"
  echo '{"name":"zlh-e2e-browser","private":true}' >"$browser/package.json"
  (cd "$browser" && npm install --silent --no-audit --no-fund playwright-core >/dev/null) || die "npm install playwright-core failed"
}

# ---------------------------------------------------------------------------------------------------
# 2. The system

free_port() {
  local p
  for _ in $(seq 1 100); do
    p=$((10000 + RANDOM % 22000))   # below the ephemeral range (32768+), which outgoing connections take from
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
  die "no free port"
}

start_system() {
  # A fresh run: a previous run's database and containers would only confuse the checks.
  ZLH_SERVICES_DIR="$run/services" "$root/scripts/services.sh" destroy >/dev/null 2>&1 || true
  remove_run_users   # a previous run's, if it was killed before its clean-up
  rm -rf "$run"; mkdir -p "$run"; chmod 755 "$e2e" "$run"
  local services
  services="$(ZLH_SERVICES_DIR="$run/services" "$root/scripts/services.sh" start --fast)" || die "PostgreSQL/Redis did not start"
  eval "$services"

  info "dotnet build -c Release src/Api (log: $run/build.log) …"
  dotnet build -c Release "$root/src/Api" >"$run/build.log" 2>&1 || { tail -n 20 "$run/build.log"; die "the API does not build"; }
  # The API's own PostgreSQL role and schemas, made with the superuser, as ./zlh.sh up does.
  (cd "$root/src/Api/bin/Release/net10.0" && ZLH_POSTGRES="$ZLH_POSTGRES" ZLH_POSTGRES_ADMIN="$ZLH_POSTGRES_ADMIN" \
    dotnet ZeroLagHub.Api.dll bootstrap >"$run/bootstrap.log" 2>&1) || { cat "$run/bootstrap.log"; die "the database bootstrap failed"; }

  # The API's content root is its working directory (appsettings.json). Its own data directory and an
  # artifact directory built above (real artifacts only: no stand-ins). The admin password is configured, not
  # scraped from the one-time console line. The secrets (database and Redis passwords, the admin password)
  # are exported rather than put on `env`'s command line, which `ps` shows to every user.
  local settings=(ZLH_DATA="$run/data" ZLH_ARTIFACTS__DIRECTORY="$artifacts")
  local http
  http="http://127.0.0.1:$(free_port)"
  if [ "$scheme" = https ]; then
    # Local agents fetch artifacts over plain http, so the API listens on both; the browser uses https.
    make_certificate
    api="https://127.0.0.1:$(free_port)"
    settings+=(ZLH_URLS="$http;$api" ZLH_KESTREL__CERTIFICATES__DEFAULT__PATH="$run/tls.crt"
      ZLH_KESTREL__CERTIFICATES__DEFAULT__KEYPATH="$run/tls.key"
      # Request lines in the log show whether the IDE's WebSockets came as HTTP/2 CONNECT.
      "ZLH_LOGGING__LOGLEVEL__Microsoft.AspNetCore.Hosting.Diagnostics=Information")
  else
    api="$http"
    settings+=(ZLH_URLS="$api")
  fi
  # As ./zlh.sh up: the portal on, the IDE on an origin of its own (Chromium maps *.localhost to 127.0.0.1).
  [ -n "$host_mode" ] && settings+=("ZLH_IDE__HOSTPATTERN={id}.ide.localhost" ZLH_PORTAL__ENABLED=true)
  (cd "$root/src/Api/bin/Release/net10.0" && export ZLH_POSTGRES ZLH_REDIS ZLH_AUTH__ADMINPASSWORD="$admin_password" \
    && exec env "${settings[@]}" dotnet ZeroLagHub.Api.dll >"$run/api.log" 2>&1) &
  api_pid=$!
  for _ in $(seq 1 120); do
    curl -fsS "${curl_tls[@]}" "$api/health" >/dev/null 2>&1 && { ok "API up on $api (log: $run/api.log)"; return; }
    kill -0 "$api_pid" 2>/dev/null || { tail -n 30 "$run/api.log"; die "the API exited during start-up"; }
    sleep 1
  done
  die "the API did not answer /health within 120 s (log: $run/api.log)"
}

# A self-signed certificate for 127.0.0.1; curl trusts it by --cacert, Chromium by ignoring TLS errors.
make_certificate() {
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" \
    -keyout "$run/tls.key" -out "$run/tls.crt" >/dev/null 2>&1 || die "openssl could not make a certificate"
  curl_tls=(--cacert "$run/tls.crt")
}

# call <method> <path> [json body]: prints the body, then the HTTP status on the last line.
call() {
  local args=(-sS "${curl_tls[@]}" -X "$1" "$api$2" -H 'Accept: application/json' -w '\n%{http_code}')
  [ -n "$token" ] && args+=(-H "Authorization: Bearer $token")
  [ $# -ge 3 ] && args+=(-H 'Content-Type: application/json' --data "$3")
  curl "${args[@]}"
}
status_of() { tail -n 1 <<<"$1"; }
body_of() { sed '$d' <<<"$1"; }

log_in() {
  local answer
  answer="$(call POST /api/auth/login "$(jq -nc --arg p "$admin_password" '{username: "admin", password: $p}')")"
  [ "$(status_of "$answer")" = 200 ] || die "login as admin: HTTP $(status_of "$answer"): $(body_of "$answer")"
  token="$(body_of "$answer" | jq -r .accessToken)"
  ok "logged in as admin"
}

create_container() {
  local answer body
  body="$(jq -nc --arg v "$version" '{kind: "dev", name: "e2e-ide", runtime: "node", version: "24", addons: ["code-server@" + $v]}')"
  answer="$(call POST /api/servers "$body")"
  [ "$(status_of "$answer")" = 202 ] || die "POST /api/servers: HTTP $(status_of "$answer"): $(body_of "$answer")"
  container="$(body_of "$answer" | jq -r .containerId)"
  deployment="$(body_of "$answer" | jq -r .deploymentId)"
  ok "created dev container $container (deployment $deployment)"
}

# The deployment history is an async projection: 404 until it has the deployment.
wait_for_deployment() {
  local start answer state; start="$(now)"
  while [ $(( $(now) - start )) -lt 900 ]; do
    answer="$(call GET "/api/deployments/$deployment")"
    if [ "$(status_of "$answer")" = 200 ]; then
      state="$(body_of "$answer" | jq -r .status)"
      case "$state" in
        succeeded)
          timing_deploy=$(( $(now) - start ))
          ok "deployment succeeded in ${timing_deploy} s ($(body_of "$answer" | jq -r '[.stages[] | "\(.name) \(.durationSeconds // 0 | floor) s"] | join(", ")'))"
          return ;;
        failed|cancelled)
          body_of "$answer" | jq -r '.stages[] | select(.status == "failed") | "stage \(.name): \(.error)", (.logTail[] | "    " + .)'
          die "deployment $state at $(body_of "$answer" | jq -r .failedStage): $(body_of "$answer" | jq -r .error)" ;;
      esac
    fi
    sleep 2
  done
  die "deployment $deployment did not finish within 15 minutes"
}

# 409 while the status projection has not yet seen code-server start: retried for a while.
ide_url() {
  local answer
  for _ in $(seq 1 30); do
    answer="$(call POST "/api/dev/$container/ide-token")"
    if [ "$(status_of "$answer")" = 200 ]; then
      # Path mode answers a path on the API; host mode an absolute URL on the IDE's own origin.
      ide="$(body_of "$answer" | jq -r .url)"
      [[ "$ide" == http* ]] || ide="$api$ide"
      ide_base="${ide%%\?*}"
      ok "IDE token issued: $ide_base?token=…"
      return
    fi
    sleep 2
  done
  die "POST /api/dev/$container/ide-token: HTTP $(status_of "$answer"): $(body_of "$answer")"
}

# A file the explorer must list, written straight into the container's workspace on disk (the local
# host's container directory), owned like the workspace so code-server (the container's user) owns it too.
seed_workspace() {
  workspace="$run/data/containers/$container/rootfs/home/dev/workspace"
  [ -d "$workspace" ] || die "no workspace at $workspace"
  seed_file="zlh-e2e-readme.md"
  printf '# written by scripts/e2e-ide.sh\n' >"$workspace/$seed_file"
  chown --reference="$workspace" "$workspace/$seed_file"
  ok "seeded $workspace/$seed_file"
}

# code-server is reachable through the agent only: no TCP port (containers on the local host share its
# loopback), a Unix socket at 0600 in a 0700 directory of the container's user, which that user can open
# (the real code-server answers /healthz over it) and another local user (nobody) cannot.
check_code_server_private() {
  local install="$run/data/containers/$container/rootfs/opt/zlh/services/code-server/"
  local sock="$run/data/containers/$container/run/code-server/code-server.sock"
  local pids=() proc cmdline inodes="" fd target listeners uid gid code
  for proc in /proc/[0-9]*; do
    cmdline="$(tr '\0' ' ' 2>/dev/null <"$proc/cmdline")" || continue
    case "$cmdline" in *"$install"*) pids+=("${proc#/proc/}") ;; esac
  done
  [ ${#pids[@]} -gt 0 ] || { fail "no code-server process found under $install"; return; }
  local all=""
  for proc in "${pids[@]}"; do all+="$(tr '\0' ' ' 2>/dev/null <"/proc/$proc/cmdline")"$'\n'; done
  case "$all" in
    *--bind-addr*) fail "a code-server process was started with --bind-addr: $all" ;;
    *"--socket /run/zlh-agent/code-server/code-server.sock --socket-mode 600"*|*"--socket $sock --socket-mode 600"*)
      ok "code-server runs with --socket … --socket-mode 600, no --bind-addr (${#pids[@]} processes)" ;;
    *) fail "no code-server process has --socket … --socket-mode 600: $all" ;;
  esac
  # Every socket of every code-server process, looked up among the TCP LISTEN rows (state 0A; field 10 the inode).
  for proc in "${pids[@]}"; do
    for fd in /proc/"$proc"/fd/*; do
      target="$(readlink "$fd" 2>/dev/null)" || continue
      case "$target" in socket:\[*\]) target="${target#socket:[}"; inodes+=" ${target%]}" ;; esac
    done
  done
  listeners="$(awk -v inodes="$inodes" 'BEGIN { n = split(inodes, a, " "); for (i = 1; i <= n; i++) mine[a[i]] = 1 }
    FNR > 1 && $4 == "0A" && ($10 in mine) { print $2 }' /proc/net/tcp /proc/net/tcp6 2>/dev/null)"
  if [ -z "$listeners" ]; then ok "no code-server process listens on TCP"; else fail "code-server listens on TCP: $listeners"; fi
  if [ -S "$sock" ] && [ "$(stat -c %a "$sock")" = 600 ] && [ "$(stat -c %a "$(dirname "$sock")")" = 700 ] \
      && [ "$(stat -c %u "$(dirname "$sock")")" != 0 ]; then
    ok "socket $sock: mode 600, in a 700 directory of $(stat -c %U "$(dirname "$sock")")"
  else
    fail "socket $sock is not private: $(stat -c '%A %U' "$sock" "$(dirname "$sock")" 2>&1 | tr '\n' ' ')"
  fi
  # As the container sees it: the agent reaches the socket through its own mount of its run directory
  # (bubblewrap shows it at /run/zlh-agent), never along the host's path, which is too long for a Unix
  # socket and closed to the container's user (the API's data directory is 0700). So both checks mount the
  # socket's directory the same way: what lets one user in and keeps the other out is that directory's
  # and the socket's own modes.
  local output
  uid="$(stat -c %u "$sock")"; gid="$(stat -c %g "$sock")"
  code="$(healthz_as "$(dirname "$sock")" "$uid" "$gid" -s -o /dev/null -w '%{http_code}')" || true
  if [ "$code" = 200 ]; then ok "the container's user reaches code-server's /healthz over the socket"; else fail "code-server's /healthz over the socket as uid $uid: HTTP $code"; fi
  output="$(healthz_as "$(dirname "$sock")" nobody nogroup -sv -o /dev/null 2>&1)" || true
  case "$output" in
    *"Permission denied"*) ok "another local user (nobody) is refused code-server's socket (permission denied)" ;;
    *) fail "another local user (nobody) was not refused code-server's socket for its permissions: $(tail -n 3 <<<"$output")" ;;
  esac
}

# healthz_as <socket dir> <uid> <gid> <curl options…>: GET /healthz on code-server's socket as that user,
# with the socket's directory mounted at /run/code-server.
healthz_as() {
  local dir="$1" uid="$2" gid="$3"; shift 3
  bwrap --dev-bind / / --tmpfs /run --bind "$dir" /run/code-server -- \
    setpriv --reuid="$uid" --regid="$gid" --clear-groups -- \
    curl "$@" --unix-socket /run/code-server/code-server.sock http://localhost/healthz
}

# ---------------------------------------------------------------------------------------------------
# 3. The browser

check_ide() {
  # What the terminal's command writes to marker.txt; the browser check waits for it on disk, which
  # proves the command ran in the workspace, not merely that it was typed.
  marker="zlh-e2e-$RANDOM$RANDOM"
  screenshot="$run/ide.png"
  info "opening the IDE in headless Chromium …"
  local code=0
  NODE_PATH="$browser/node_modules" ZLH_IDE_URL="$ide" ZLH_SEED_FILE="$seed_file" ZLH_MARKER="$marker" \
    ZLH_WORKSPACE="$workspace" ZLH_SCREENSHOT="$screenshot" \
    node "$root/scripts/e2e-ide.cjs" || code=$?
  [ "$code" -eq 0 ] || failures=$((failures + 1))
}

# ---------------------------------------------------------------------------------------------------
# 4. Clean-up: only what this run started. The API stops its agents on a clean shutdown; agents and
# code-servers it could not stop are found by their command line naming this run's directory.

stop_run_processes() {
  local proc cmdline
  for proc in /proc/[0-9]*; do
    cmdline="$(tr '\0' ' ' 2>/dev/null <"$proc/cmdline")" || continue   # gone meanwhile
    case "$cmdline" in *"$run/data/containers/"*) kill "${proc#/proc/}" 2>/dev/null || true ;; esac
  done
}

# The local users the run's containers ran as (their homes are in this run's directory), once nothing of theirs runs.
remove_run_users() {
  local user
  for user in $(getent passwd | awk -F: -v home="$run/data/containers/" 'index($6, home) == 1 { print $1 }'); do
    # userdel refuses while a process of the user's is still exiting after stop_run_processes' TERM.
    for _ in $(seq 1 10); do userdel "$user" 2>/dev/null && break; sleep 1; done
  done
}

cleanup() {
  local code=$?
  set +e
  if [ -n "$api_pid" ] && kill -0 "$api_pid" 2>/dev/null; then
    kill -TERM "$api_pid"
    for _ in $(seq 1 30); do kill -0 "$api_pid" 2>/dev/null || break; sleep 1; done
    kill -KILL "$api_pid" 2>/dev/null
  fi
  [ -d "$run/data" ] && stop_run_processes && remove_run_users
  [ -d "$run/services" ] && ZLH_SERVICES_DIR="$run/services" "$root/scripts/services.sh" stop >/dev/null 2>&1
  exit "$code"
}

# --https: which protocol carried the IDE's WebSockets to the API, from the API's request log.
check_websocket_protocol() {
  [ "$scheme" = https ] || return 0
  if grep -q "Request starting HTTP/2 CONNECT $ide_base" "$run/api.log"; then
    ok "the IDE's WebSockets reached the API as HTTP/2 extended CONNECT"
  elif grep -q "Request starting HTTP/1.1 GET ${ide_base}stable-" "$run/api.log"; then
    fail "the IDE's WebSockets reached the API as HTTP/1.1 upgrades, not HTTP/2 extended CONNECT"
  else
    fail "no IDE WebSocket request in $run/api.log"
  fi
}

main() {
  local arg
  for arg in "$@"; do
    case "$arg" in
      --https) scheme=https ;;
      --host-mode) host_mode=1 ;;
      *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
    esac
  done
  mkdir -p "$e2e"
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  need_tools
  build_artifacts
  install_playwright
  start_system
  log_in
  create_container
  wait_for_deployment
  seed_workspace
  check_code_server_private
  ide_url
  check_ide
  check_websocket_protocol
  echo
  info "screenshot: $screenshot"
  info "timings: artifacts ${timing_build} s (built or found), deployment ${timing_deploy} s, workbench load $(cat "$run/workbench-seconds" 2>/dev/null || echo '?') s"
  info "logs: $run/api.log, $run/data/containers/$container/agent.log"
  local verdict=0
  if [ "$failures" -eq 0 ]; then ok "e2e IDE: every check passed"; else fail "e2e IDE: $failures check(s) failed"; verdict=1; fi
  if [ -n "${ZLH_E2E_KEEP:-}" ]; then
    ide_url >/dev/null
    # The admin password in a file only we can read, for zlh login --password-file (never on a command line).
    (umask 077; printf '%s\n' "$admin_password" >"$run/admin.password")
    info "kept running; Ctrl-C stops it. IDE (single-use link): $ide"
    info "log in: ZLH_API=$api $root/zlh login --user admin --password-file $run/admin.password"
    info "then e.g.: ZLH_API=$api $root/zlh status (container $container)"
    while kill -0 "$api_pid" 2>/dev/null; do sleep 5; done
  fi
  return "$verdict"
}

main "$@"
