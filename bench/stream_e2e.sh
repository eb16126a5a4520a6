#!/usr/bin/env bash
# End-to-end throughput through the stream (issue 18 point 6): posts from
# `evenhand ingest` through NATS JetStream to W `evenhand worker`s, each
# decision committed in PostgreSQL and published to DECISIONS before its
# post is acknowledged. examples/posts.jsonl repeated COPIES times with
# fresh ids (bench/repeat_posts.py); the workers are started first, then the
# ingest; the time is from the start of the ingest to the last decision
# stored. PostgreSQL with its durable defaults (fsync on, synchronous_commit
# on) and nats-server with its defaults, both started here
# (scripts/cluster-lib.sh) and removed after. One run per worker count.
#
# Usage: flock /tmp/evenhand-build.lock bash bench/stream_e2e.sh [COPIES] [WORKERS...]
#        (COPIES default 25 = 50,000 posts; WORKERS default "1 2": processes of THREADS threads, default 1;
#         BATCH default 256; BIN default build/bin/evenhand)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
source scripts/cluster-lib.sh
copies="${1:-25}"
shift || true
if [ "$#" -gt 0 ]; then counts=("$@"); else counts=(1 2); fi
bin="$(realpath "${BIN:-build/bin/evenhand}")"
work="$(mktemp -d /tmp/evenhand-stream-e2e.XXXXXX)"
trap 'cluster_stop; rm -rf "$work"' EXIT
python3 bench/repeat_posts.py examples/posts.jsonl "$copies" > "$work/posts.jsonl"
posts=$(grep -c '"kind": *"post"' "$work/posts.jsonl" || true)
echo "stream_e2e: $(date -u +%FT%TZ), $(nproc) cores, $posts posts, threads ${THREADS:-1}, batch ${BATCH:-256}, load $(cut -d' ' -f1 /proc/loadavg)"
for w in "${counts[@]}"; do
  cluster_start "$(mktemp -d /tmp/evenhand-cluster-XXXXXX)"
  for i in $(seq 1 "$w"); do
    cluster_spawn "$bin" worker --nats "$CLUSTER_NATS" --db "$CLUSTER_DB" --policy examples/policy.yaml \
      -j "${THREADS:-1}" --batch "${BATCH:-256}" 2>"$work/worker-$w-$i.log"
  done
  sleep 1  # connected and subscribed
  start=$(date +%s.%N)
  "$bin" ingest "$work/posts.jsonl" --nats "$CLUSTER_NATS" -q
  ingested=$(date +%s.%N)
  while [ "$(cluster_decisions)" -lt "$posts" ]; do sleep 0.05; done
  end=$(date +%s.%N)
  python3 -c "import sys; a,b,c,n=map(float,sys.argv[1:5]); print(f'{int(sys.argv[5])} worker(s): ingest {b-a:.2f} s ({n/(b-a):,.0f} posts/s); end to end {c-a:.2f} s, {n/(c-a):,.0f} posts/s decided, stored and published')" \
    "$start" "$ingested" "$end" "$posts" "$w"
  "$bin" audit verify --db "$CLUSTER_DB" | head -1
  cluster_stop
done
