#!/usr/bin/env bash
# Context switches of `evenhand serve` per stored scan: the server under wrk
# paced at RATE (default 3000) POST /v1/scan a second for DURATION (10) s,
# 64 connections, then the voluntary and involuntary context switches of all
# its threads (/proc/PID/task/*/status) divided by the scans it stored. A
# count, not a time: it moves little with the machine's load, so it can
# compare two binaries on a busy machine. Each binary runs ROUNDS (2) times,
# alternated.
# Usage: bash bench/http_wakeups.sh BINARY [PEER_BINARY]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
rate="${RATE:-3000}"
duration="${DURATION:-10}"
work="$(mktemp -d /tmp/evenhand-wakeups.XXXXXX)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
port=18381
one() {  # BINARY
  local bin="$1"
  rm -f "$work"/db.sqlite*
  "$bin" people add --db "$work/db.sqlite" --id bench --role admin --role moderator --actor bench >/dev/null
  local key
  key="$("$bin" keys create --db "$work/db.sqlite" --role moderator --person bench --actor bench --name bench 2>/dev/null |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')"
  "$bin" serve --db "$work/db.sqlite" --policy "$root/examples/policy.yaml" --no-web --listen "127.0.0.1:$port" \
    --threads 2 --workers 64 --rate-limit 0 2>"$work/serve.log" &
  server_pid=$!
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  local out
  out="$(EVENHAND_KEY="$key" RATE="$rate" WRK_THREADS=2 wrk -t 2 -c 64 -d "${duration}s" --latency \
    -s "$here/http_scan.lua" "http://127.0.0.1:$port/v1/scan")"
  local stored commits switches
  stored="$(curl -s "http://127.0.0.1:$port/metrics" | awk '/^evenhand_scan_items_total/ {print $2}')"
  commits="$(curl -s "http://127.0.0.1:$port/metrics" | awk '/^evenhand_store_commits_total/ {print $2}')"
  switches="$(cat /proc/"$server_pid"/task/*/status | awk '/ctxt_switches/ {s += $2} END {print s}')"
  kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=""
  printf '%s: %s scans stored, %s commits, %s context switches, %.2f per scan; wrk %s req/s, p50 %s, p99 %s\n' \
    "$bin" "$stored" "$commits" "$switches" \
    "$(echo "$switches / $stored" | bc -l)" "$(awk '/^Requests\/sec/ {print $2}' <<<"$out")" \
    "$(awk '$1=="50%" {print $2}' <<<"$out")" "$(awk '$1=="99%" {print $2}' <<<"$out")"
  port=$((port + 1))
}
echo "http_wakeups: $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg), $rate req/s for ${duration}s"
for _ in $(seq "${ROUNDS:-2}"); do
  one "$1"
  [ -n "${2:-}" ] && one "$2"
done
