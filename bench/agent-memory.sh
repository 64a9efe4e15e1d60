#!/usr/bin/env bash
# Idle agent memory, the figure the agent issue sets a target for (< 60 MB): publishes the agent as
# shipped (src/Agent/Properties/PublishProfiles/linux-x64.pubxml), starts it over a throwaway data dir,
# makes 100 authenticated /status calls, then prints its resident memory from /proc (absolute figure).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d /tmp/zlh-agent-mem.XXXXXX)"
port="${PORT:-5197}"
token="memory-check-token-0123456789"
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT

dotnet publish "$root/src/Agent" -p:PublishProfile=linux-x64 -o "$work/agent" >/dev/null
ZLH_AGENT_CONTAINERID="$(cat /proc/sys/kernel/random/uuid)" ZLH_AGENT_TOKEN="$token" ZLH_AGENT_DATADIR="$work/data" \
  ZLH_AGENT_URLS="http://127.0.0.1:$port" "$work/agent/ZeroLagHub.Agent" >"$work/agent.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
for _ in $(seq 1 100); do curl -sf -o /dev/null -H "Authorization: Bearer $token" "http://127.0.0.1:$port/status"; done
sleep 2
grep -E 'VmRSS|RssAnon|RssFile|RssShmem' "/proc/$pid/status" | tr -s ' \t' ' '
rss_kb="$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")"
echo "idle agent RSS after start-up and 100 /status calls: $((rss_kb / 1024)) MB (target < 60 MB)"
