#!/usr/bin/env bash
# The audit chain with many writers on PostgreSQL (issue 18 point 4):
# build/bin/audit_writers_bench for each WRITERS x GROUP below, each on a new
# database of one PostgreSQL 15 cluster (fsync on, synchronous_commit on:
# its defaults) started here (scripts/cluster-lib.sh) and removed after.
#
# Usage: flock /tmp/evenhand-build.lock bash bench/audit_writers_pg.sh [SECONDS] [WRITERS...]
#        (SECONDS default 5; WRITERS default "1 2 4 8"; AUDIT_GROUPS default "1 16 256")
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
source scripts/cluster-lib.sh
seconds="${1:-5}"
shift || true
if [ "$#" -gt 0 ]; then writers=("$@"); else writers=(1 2 4 8); fi
read -r -a groups <<<"${AUDIT_GROUPS:-1 16 256}"
bench="$(realpath "${BENCH:-build/bin/audit_writers_bench}")"
trap 'cluster_stop' EXIT
cluster_start_pg "$(mktemp -d /tmp/evenhand-audit-writers-XXXXXX)"
echo "audit_writers_pg: $(date -u +%FT%TZ), $(nproc) cores, ${seconds} s per run, load $(cut -d' ' -f1 /proc/loadavg)"
n=0
for g in "${groups[@]}"; do
  for w in "${writers[@]}"; do
    n=$((n + 1))
    cluster_as_pg "$CLUSTER_PGBIN/psql" -h 127.0.0.1 -p "$CLUSTER_PG_PORT" -U postgres -qc "CREATE DATABASE run$n" postgres
    "$bench" "postgres://postgres@127.0.0.1:$CLUSTER_PG_PORT/run$n" "$w" "$g" "$seconds"
  done
done
