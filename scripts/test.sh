#!/usr/bin/env bash
# Runs every test project against one throwaway PostgreSQL + Redis pair started for this run,
# then prints "N passed, M failed" summed over all test assemblies. Extra arguments go to `dotnet test`
# (e.g. --filter, --no-build). Exits non-zero if anything failed or did not run.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d /tmp/zlh-tests.XXXXXX)"   # /tmp: the postgres user must be able to enter it
chmod 755 "$work"
export ZLH_SERVICES_DIR="$work/services"
trap '"$root/scripts/services.sh" destroy >/dev/null 2>&1; rm -rf "$work"' EXIT

services="$("$root/scripts/services.sh" start --fast)" || exit 1
eval "$services"
# Test assemblies read these (ZLH_TEST_*); each test class then makes its own database on this server. They carry the
# services' passwords (local containers share this network); the API's local host keeps ZLH_* variables
# out of what its agents inherit.
# The API tests run the API as services.sh's API role and Redis ACL user, not as superusers.
export ZLH_TEST_POSTGRES_ADMIN="$ZLH_POSTGRES_ADMIN" ZLH_TEST_POSTGRES="$ZLH_POSTGRES" \
  ZLH_TEST_REDIS="$ZLH_REDIS" ZLH_TEST_REDIS_ADMIN="$ZLH_REDIS_ADMIN"
unset ZLH_POSTGRES ZLH_POSTGRES_ADMIN ZLH_REDIS ZLH_REDIS_ADMIN

# Every process the tests start lands in a cgroup of this run (membership survives setsid, double forks and
# PID namespaces), so what is left in it afterwards is a leak: listed, ended, and counted as a failure.
cgroup=""
for fs in /sys/fs/cgroup/unified /sys/fs/cgroup /sys/fs/cgroup/pids; do
  if [ -f "$fs/cgroup.procs" ] && mkdir "$fs/zlh-tests-$$" 2>/dev/null; then cgroup="$fs/zlh-tests-$$"; break; fi
done
[ -n "$cgroup" ] || echo "no writable cgroup: processes left by the tests are not checked"
leftovers() { while read -r pid; do
  cmd="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)"
  # Build servers (MSBuild nodes, the compiler server) outlive a build by design; they are not the tests'.
  case "$cmd" in *MSBuild.dll*|*VBCSCompiler*|*rzc.dll*|"") ;; *) echo "$pid $cmd" ;; esac
done <"$cgroup/cgroup.procs"; }

# A hung test host is dumped and killed after 5 minutes instead of stalling the run.
( [ -z "$cgroup" ] || echo "$BASHPID" >"$cgroup/cgroup.procs"
  export MSBUILDDISABLENODEREUSE=1
  exec dotnet test "$root/ZeroLagHub.sln" --logger trx --results-directory "$work/results" --blame-hang-timeout 5m "$@" )
status=$?

left=0
if [ -n "$cgroup" ]; then
  survivors="$(leftovers)"
  if [ -n "$survivors" ]; then
    left="$(wc -l <<<"$survivors")"
    echo "$left process(es) started by the tests are still running (ended now):"
    echo "$survivors"
  fi
  while read -r pid; do kill -9 "$pid" 2>/dev/null; done <"$cgroup/cgroup.procs"
  for _ in $(seq 50); do [ -s "$cgroup/cgroup.procs" ] || break; sleep 0.1; done
  rmdir "$cgroup" 2>/dev/null
fi

passed=0; failed=0
for trx in "$work"/results/*.trx; do
  [ -f "$trx" ] || continue
  counters="$(grep -o '<Counters [^>]*>' "$trx")"
  p="$(sed -nE 's/.* passed="([0-9]+)".*/\1/p' <<<"$counters")"
  f="$(sed -nE 's/.* failed="([0-9]+)".*/\1/p' <<<"$counters")"
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "dotnet test exited with $status although no test failed: a test run aborted (see above); counted as a failure"
  failed=1
fi
if [ "$left" -gt 0 ]; then echo "processes left running by the tests: counted as a failure"; failed=$((failed + 1)); fi
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
