#!/usr/bin/env bash
# A small evenhand cluster on this machine (issue 18): a nats-server with
# JetStream, a PostgreSQL 15 cluster, two `evenhand worker`s and one
# `evenhand serve`, all on free ports of 127.0.0.1 and in one temporary
# directory. It feeds examples/posts.jsonl through the stream (`evenhand
# ingest`), waits until the workers have decided every post into
# PostgreSQL, checks the audit log, and prints where the dashboard is and an
# admin key for it. Ctrl-C stops everything and removes the directory.
#
# Usage: scripts/cluster-demo.sh [BUILD_DIR]      (default: build; relative to the checkout, or absolute)
#   DEMO_EXIT=1 scripts/cluster-demo.sh         stops once the posts are decided (for tests)
# Needs: nats-server, postgresql-15 (scripts/install-deps.sh). As root, the
# PostgreSQL cluster runs as the `postgres` user (PostgreSQL refuses root).
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
evenhand="$(cd "$build" 2>/dev/null && pwd)/bin/evenhand"
pgbin=/usr/lib/postgresql/15/bin
[ -x "$evenhand" ] || { echo "cluster-demo: $evenhand not built (bash scripts/build.sh $build)" >&2; exit 1; }
command -v nats-server >/dev/null || { echo "cluster-demo: nats-server not installed (scripts/install-deps.sh)" >&2; exit 1; }
[ -x "$pgbin/initdb" ] || { echo "cluster-demo: PostgreSQL 15 not installed (scripts/install-deps.sh)" >&2; exit 1; }

dir="$(mktemp -d /tmp/evenhand-cluster-XXXXXX)"
pids=()
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  as_pg "$pgbin/pg_ctl" -D "$dir/pg" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
[ "$(id -u)" -eq 0 ] && chown postgres "$dir"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
pg_port=$(free_port); nats_port=$(free_port); http_port=$(free_port)

echo "cluster-demo: PostgreSQL on 127.0.0.1:$pg_port, NATS on 127.0.0.1:$nats_port, files in $dir"
as_pg "$pgbin/initdb" -D "$dir/pg" -U postgres --auth=trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1
as_pg "$pgbin/pg_ctl" -D "$dir/pg" -l "$dir/postgres.log" -w \
  -o "-p $pg_port -k $dir -c listen_addresses=127.0.0.1" start >/dev/null
as_pg "$pgbin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -qc "CREATE DATABASE evenhand" postgres
db="postgres://postgres@127.0.0.1:$pg_port/evenhand"
nats="nats://127.0.0.1:$nats_port"
nats-server -js -sd "$dir/nats" -a 127.0.0.1 -p "$nats_port" >"$dir/nats.log" 2>&1 &
pids+=($!)

# The store, an admin and a key for the dashboard.
"$evenhand" people add --db "$db" --id admin --role admin --actor admin >/dev/null
key=$("$evenhand" keys create --db "$db" --role admin --person admin --actor admin 2>/dev/null |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["key"])')

for w in 1 2; do
  "$evenhand" worker --nats "$nats" --db "$db" --policy examples/policy.yaml >"$dir/worker-$w.log" 2>&1 &
  pids+=($!)
done
"$evenhand" serve --db "$db" --policy examples/policy.yaml --listen "127.0.0.1:$http_port" >"$dir/serve.log" 2>&1 &
pids+=($!)

"$evenhand" ingest examples/posts.jsonl --nats "$nats"
posts=$(grep -c '"kind": *"post"' examples/posts.jsonl)
count() { as_pg "$pgbin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -tAc "SELECT count(*) FROM decisions" evenhand; }
for _ in $(seq 1 600); do
  [ "$(count)" -ge "$posts" ] && break
  sleep 0.1
done
echo "cluster-demo: the workers stored $(count) decisions of $posts posts"
"$evenhand" audit verify --db "$db"
echo
echo "Dashboard:  http://127.0.0.1:$http_port/   (admin key: $key)"
echo "Store:      $db"
echo "Streams:    $nats  (POSTS in, DECISIONS out); logs in $dir"
[ "${DEMO_EXIT:-0}" = "1" ] && exit 0
echo "Ctrl-C stops the cluster."
wait
