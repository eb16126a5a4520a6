#!/usr/bin/env bash
# A small evenhand cluster on this machine (issue 18): a nats-server with
# JetStream, a PostgreSQL 15 cluster, two `evenhand worker`s and one
# `evenhand serve`, all on free ports of 127.0.0.1 and in one temporary
# directory (scripts/cluster-lib.sh). It feeds examples/posts.jsonl through
# the stream (`evenhand ingest`), waits until the workers have decided
# every post into PostgreSQL, checks the audit log, and prints where the
# dashboard is and an admin key for it. Ctrl-C stops everything and removes
# the directory.
#
# Usage: scripts/cluster-demo.sh [BUILD_DIR]      (default: build; relative to the checkout, or absolute)
#   DEMO_EXIT=1 scripts/cluster-demo.sh         stops once the posts are decided (ctest cluster_demo)
# Needs: nats-server, postgresql-15 (scripts/install-deps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/cluster-lib.sh
build="${1:-build}"
evenhand="$(cd "$build" 2>/dev/null && pwd)/bin/evenhand"
[ -x "$evenhand" ] || { echo "cluster-demo: $evenhand not built (bash scripts/build.sh $build)" >&2; exit 1; }
trap cluster_stop EXIT
trap 'exit 130' INT TERM
cluster_start "$(mktemp -d /tmp/evenhand-cluster-XXXXXX)"
dir="$CLUSTER_DIR" db="$CLUSTER_DB" nats="$CLUSTER_NATS"
http_port=$(cluster_free_port)
echo "cluster-demo: PostgreSQL $db, NATS $nats, files in $dir"

# The store, an admin and a key for the dashboard.
"$evenhand" people add --db "$db" --id admin --role admin --actor admin >/dev/null
key=$("$evenhand" keys create --db "$db" --role admin --person admin --actor admin 2>/dev/null |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["key"])')
for w in 1 2; do
  cluster_spawn "$evenhand" worker --nats "$nats" --db "$db" --policy examples/policy.yaml 2>"$dir/worker-$w.log"
done
cluster_spawn "$evenhand" serve --db "$db" --policy examples/policy.yaml --listen "127.0.0.1:$http_port" \
  >"$dir/serve.log" 2>&1

"$evenhand" ingest examples/posts.jsonl --nats "$nats"
posts=$(grep -c '"kind": *"post"' examples/posts.jsonl)
for _ in $(seq 1 600); do
  [ "$(cluster_decisions)" -ge "$posts" ] && break
  sleep 0.1
done
echo "cluster-demo: the workers stored $(cluster_decisions) decisions of $posts posts"
"$evenhand" audit verify --db "$db"
echo
echo "Dashboard:  http://127.0.0.1:$http_port/   (admin key: $key)"
echo "Store:      $db"
echo "Streams:    $nats  (POSTS in, DECISIONS out); logs in $dir"
[ "${DEMO_EXIT:-0}" = "1" ] && exit 0
echo "Ctrl-C stops the cluster."
wait
