#!/usr/bin/env bash
# Scan into SQLite and into PostgreSQL (issue 18): `evenhand scan` of
# examples/posts.jsonl repeated N times with fresh ids (2,000 posts a copy)
# into a new SQLite file (synchronous=FULL) and a new PostgreSQL database
# (fsync on, synchronous_commit on: PostgreSQL's defaults), each one
# transaction, interleaved over three rounds so both figures come from the
# same run; PostgreSQL twice, through each of its bulk paths: COPY (the
# default) and multi-row INSERTs (EVENHAND_PG_BULK=values), the path before
# COPY. Starts its own PostgreSQL 15 cluster in a temporary directory on
# a free port (as the `postgres` user when run as root) and removes it after.
#
# Usage: flock /tmp/evenhand-build.lock bash bench/store_scan_pg.sh [COPIES] [BIN]
#        (COPIES default 50 = 100,000 posts; BIN default build/bin/evenhand)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
copies="${1:-50}"
bin="$(realpath "${2:-$root/build/bin/evenhand}")"
pgbin=/usr/lib/postgresql/15/bin
work="$(mktemp -d /tmp/evenhand-store-scan-pg.XXXXXX)"
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" -eq 0 ] && chown postgres "$work"
cleanup() { as_pg "$pgbin/pg_ctl" -D "$work/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
as_pg "$pgbin/initdb" -D "$work/data" -U postgres --auth=trust -E UTF8 --no-locale >/dev/null
as_pg "$pgbin/pg_ctl" -D "$work/data" -l "$work/server.log" -w \
  -o "-p $port -k $work -c listen_addresses=127.0.0.1" start >/dev/null
python3 "$root/bench/repeat_posts.py" "$root/examples/posts.jsonl" "$copies" > "$work/posts.jsonl"
posts=$(grep -c '"kind": *"post"' "$work/posts.jsonl" || true)
echo "store_scan_pg: $(date -u +%FT%TZ), $(nproc) cores, $posts posts, load $(cut -d' ' -f1 /proc/loadavg)"
for round in 1 2 3; do
  rm -f "$work"/db.sqlite*
  PGOPTIONS="-c client_min_messages=warning" as_pg "$pgbin/psql" -h 127.0.0.1 -p "$port" -U postgres -q \
    -c "DROP DATABASE IF EXISTS r" -c "CREATE DATABASE r" -c "DROP DATABASE IF EXISTS rv" -c "CREATE DATABASE rv" \
    postgres >/dev/null
  for target in sqlite:"$work/db.sqlite" copy:"postgres://postgres@127.0.0.1:$port/r" \
                values:"postgres://postgres@127.0.0.1:$port/rv"; do
    name="${target%%:*}" db="${target#*:}"
    start=$(date +%s.%N)
    EVENHAND_PG_BULK="$name" "$bin" scan "$work/posts.jsonl" --policy "$root/examples/policy.yaml" -q -o - --db "$db" \
      > /dev/null
    end=$(date +%s.%N)
    python3 -c "import sys; s=float(sys.argv[2])-float(sys.argv[1]); print(f'round $round  {sys.argv[4]:10}  {s:.2f} s  {int(sys.argv[3])/s:,.0f} posts/s')" \
      "$start" "$end" "$posts" "$([ "$name" = sqlite ] && echo sqlite || echo "postgres-$name")"
  done
done
"$bin" audit verify --db "postgres://postgres@127.0.0.1:$port/r" | head -2
"$bin" audit verify --db "postgres://postgres@127.0.0.1:$port/rv" | head -2
