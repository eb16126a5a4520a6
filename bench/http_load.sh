#!/usr/bin/env bash
# Load test of `evenhand serve` on loopback with wrk: POST /v1/scan, one
# item per request (each stores a new decision, group-committed), for 1 and
# 2 server threads. Bounded: DURATION seconds per run (default 10).
#
# Usage: bash bench/http_load.sh [BUILD_DIR] ; env: DURATION, RATE (paced
# runs' target requests/s, default 10000; see bench/http_scan.lua for how
# wrk 4 is made to send at a fixed rate), THREADS ("1 2"), CONNS (wrk
# connections = server --workers, default 64), DB_DIR (where the
# store goes; default /tmp, on the disk: every commit is fsynced).
# Hostile clients (bench/slow_clients.cc, issue 17): SLOW=N keeps N slow
# connections open (from SLOW_ADDRESSES source addresses, default 8) during
# every run and adds /healthz p50/p99 under them; CHUNKED=N runs only the
# memory trial: N connections each sending a BODY_MIB (default 200) MiB
# chunked body, and prints the server's peak RSS (VmHWM).
# Placement: SERVER_CPUS / WRK_CPUS (taskset lists, e.g. 1 and 0) pin the
# server and wrk to cores, so the load generator does not take the server's
# core on a small machine; PACED_ONLY=1 runs only the paced rows.
# Run it under the build lock:  flock /tmp/evenhand-build.lock bash bench/http_load.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
build="${1:-$root/build}"
bin="$build/bin/evenhand"
duration="${DURATION:-10}"
rates="${RATE:-10000}"
threads_list="${THREADS:-1 2}"
command -v wrk >/dev/null || { echo "http_load: wrk is not installed (apt-get install wrk)" >&2; exit 1; }
[ -x "$bin" ] || { echo "http_load: $bin not built" >&2; exit 1; }

work="$(mktemp -d "${DB_DIR:-/tmp}/evenhand-http-load.XXXXXX")"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

port=18181
# PEER=BINARY: every run is repeated right after with that binary (an earlier
# build, e.g. cpp-httplib's thread per connection), rows labelled by binary;
# PEER_ROOT=DIR: the peer's checkout, whose policies/regimes it reads
# (THIS_ROOT likewise for BUILD_DIR's binary; default this checkout).
workers_flag() {  # the flag that sizes the server's request threads, by binary
  local help
  help="$("$1" serve --help 2>/dev/null || true)"  # not piped into grep -q (SIGPIPE under pipefail)
  if grep -q -- '--workers' <<<"$help"; then echo --workers; else echo --connections; fi
}
has_people() {  # keys belong to registered people from issue 14 on; earlier binaries have no `people`
  local help
  help="$("$1" --help 2>/dev/null || true)"  # not piped into grep -q: SIGPIPE would fail the pipeline
  grep -qE '^ +people +' <<<"$help"
}
make_key() {  # BINARY DB: a moderator key, printed
  local person=()
  if has_people "$1"; then
    "$1" people add --db "$2" --id bench --role admin --role moderator --actor bench >/dev/null
    person=(--person bench)
  fi
  "$1" keys create --db "$2" --role moderator "${person[@]}" --actor bench --name bench 2>/dev/null |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])'
}
run() {  # SERVER_THREADS CONNECTIONS RATE(0 = unpaced) [BINARY]
  local t="$1" c="$2" r="$3"
  if [ -z "${4:-}" ] && [ -n "${PEER:-}" ]; then
    run "$t" "$c" "$r" "$bin"
    run "$t" "$c" "$r" "$PEER"
    return
  fi
  local bin="${4:-$bin}"
  local label=""
  [ -n "${PEER:-}" ] && label="$( [ "$bin" = "$PEER" ] && echo "peer " || echo "this " )"
  rm -f "$work"/db.sqlite*
  key="$(make_key "$bin" "$work/db.sqlite")"
  # Each binary reads the regime files of its own tree (./policies/regimes): PEER_ROOT is the peer's
  # checkout (an older binary refuses keys the regime files gained later); the policy is this tree's.
  local dir="${THIS_ROOT:-$root}"
  [ "$bin" = "${PEER:-}" ] && [ -n "${PEER_ROOT:-}" ] && dir="$PEER_ROOT"
  (cd "$dir" && exec ${server_pin[@]+"${server_pin[@]}"} "$bin" serve --db "$work/db.sqlite" --policy "$root/examples/policy.yaml" --no-web \
    --listen "127.0.0.1:$port" --threads "$t" "$(workers_flag "$bin")" "$c" --rate-limit 0 2>"$work/serve.log") &
  server_pid=$!
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  local out slow_pid="" slow_out="$work/slow.txt"
  if [ "$slow" -gt 0 ]; then
    "$build/bin/slow_clients" --port "$port" --connections "$slow" --addresses "$slow_addresses" \
      --seconds $((duration + 5)) --mode slow --probe-ms 10 >"$slow_out" &
    slow_pid=$!
    sleep 3  # every slow connection is open and trickling
  fi
  local wt=$(( c < 2 ? c : 2 ))
  out="$(EVENHAND_KEY="$key" RATE="$r" WRK_THREADS="$wt" ${wrk_pin[@]+"${wrk_pin[@]}"} wrk -t "$wt" -c "$c" -d "${duration}s" --latency \
    -s "$here/http_scan.lua" "http://127.0.0.1:$port/v1/scan")"
  local healthz="-"
  if [ -n "$slow_pid" ]; then
    wait "$slow_pid" || true
    [ -n "${VERBOSE:-}" ] && cat "$slow_out" >&2
    healthz="$(tr ' ' '\n' <"$slow_out" | awk -F= '/^healthz_p50_ms/ {p50=$2} /^healthz_p99_ms/ {p99=$2} /^max_open/ {o=$2}
      END {printf "%s / %s ms (%s open)", p50, p99, o}')"
  fi
  [ -n "${VERBOSE:-}" ] && echo "$out" >&2
  local stored
  stored="$(curl -s "http://127.0.0.1:$port/metrics" | awk '/^evenhand_scan_items_total/ {print $2}')"
  local commits
  commits="$(curl -s "http://127.0.0.1:$port/metrics" | awk '/^evenhand_store_commits_total/ {print $2}')"
  local metrics commit_p99
  metrics="$(curl -s "http://127.0.0.1:$port/metrics")"
  [ -n "${VERBOSE:-}" ] && grep -E 'duration_seconds_bucket\{route="POST /v1/scan"|commit_duration' <<<"$metrics" >&2
  # The smallest bucket bound holding 99 % of the group commits.
  commit_p99="$(awk -F'[{}" ]+' '/^evenhand_store_commit_duration_seconds_bucket/ {b[++n]=$3; c[n]=$NF}
    END {for (i=1;i<=n;i++) if (c[i] >= 0.99*c[n]) {printf "%s", (b[i]=="+Inf" ? b[i] : b[i]*1000 "ms"); exit}}' <<<"$metrics")"
  kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=""
  local rps p50 p99 non2xx
  rps="$(awk '/^Requests\/sec/ {print $2}' <<<"$out")"
  p50="$(awk '$1=="50%" {print $2}' <<<"$out")"
  p99="$(awk '$1=="99%" {print $2}' <<<"$out")"
  non2xx="$(awk '/Non-2xx/ {print $5}' <<<"$out")"
  printf '| %s%s | %s | %s | %s | %s | %s | %s | <= %s | %s | %s | %s |\n' "$label" "$t" "$c" "$([ "$r" = 0 ] && echo "unpaced" || echo "$r")" \
    "$rps" "$p50" "$p99" "${stored:-?} / ${commits:-?}" "$commit_p99" "${non2xx:-0}" "$slow" "$healthz"
  port=$((port + 1))
}

slow="${SLOW:-0}"
server_pin=()
wrk_pin=()
[ -n "${SERVER_CPUS:-}" ] && server_pin=(taskset -c "$SERVER_CPUS")
[ -n "${WRK_CPUS:-}" ] && wrk_pin=(taskset -c "$WRK_CPUS")
slow_addresses="${SLOW_ADDRESSES:-8}"
if [ -n "${CHUNKED:-}" ]; then
  # Memory trial: CHUNKED connections, each a BODY_MIB MiB chunked body, no key.
  rm -f "$work"/db.sqlite*
  "$bin" people add --db "$work/db.sqlite" --id bench --role admin --role moderator --actor bench >/dev/null 2>&1
  "$bin" keys create --db "$work/db.sqlite" --role moderator --person bench --actor bench --name bench >/dev/null 2>&1
  (cd "$root" && exec "$bin" serve --db "$work/db.sqlite" --policy examples/policy.yaml --no-web \
    --listen "127.0.0.1:$port" --rate-limit 0 2>"$work/serve.log") &
  server_pid=$!
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  base="$(awk '/^VmRSS/ {print $2}' "/proc/$server_pid/status")"
  line="$("$build/bin/slow_clients" --port "$port" --connections "$CHUNKED" --addresses 8 --seconds 120 \
    --mode chunked --body-mib "${BODY_MIB:-200}" --probe-ms 10)"
  peak="$(awk '/^VmHWM/ {print $2}' "/proc/$server_pid/status")"
  refused="$(curl -s "http://127.0.0.1:$port/metrics" | grep '^evenhand_http_requests_refused_total' | tr '\n' ' ')"
  echo "http_load: $(date -u +%FT%TZ), $(nproc) cores; $CHUNKED x ${BODY_MIB:-200} MiB chunked bodies"
  echo "$line"
  echo "server RSS: $((base / 1024)) MB at start, peak (VmHWM) $((peak / 1024)) MB"
  echo "$refused"
  exit 0
fi

echo "http_load: $(date -u +%FT%TZ), $(nproc) cores, wrk $(wrk -v 2>&1 | head -1 | awk '{print $2}'), ${duration}s per run"
echo "| server threads | connections | target req/s | req/s | p50 | p99 | items stored / commits | commit p99 | non-2xx | slow connections | /healthz p50 / p99 |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
conns="${CONNS:-64}"
echo "http_load: load $(cut -d' ' -f1-3 /proc/loadavg)${SERVER_CPUS:+, server on cpus $SERVER_CPUS}${WRK_CPUS:+, wrk on cpus $WRK_CPUS}"
for t in $threads_list; do
  [ -z "${PACED_ONLY:-}" ] && run "$t" "$conns" 0          # as fast as it goes
  for r in $rates; do run "$t" "$conns" "$r"; done   # paced
done
# One connection per server thread: no group commit can form.
if [ -z "${PACED_ONLY:-}" ]; then
  for t in $threads_list; do run "$t" "$t" 0; done
fi
