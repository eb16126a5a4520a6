#!/usr/bin/env bash
# Ingest-to-decision latency at a fixed rate (issue 18 point 6: "p99 < 250 ms
# at 10,000 posts/s"): `evenhand ingest --rate RATE` publishes
# examples/posts.jsonl repeated COPIES times (fresh ids) to NATS JetStream
# while W `evenhand worker`s decide them into PostgreSQL (both started here,
# scripts/cluster-lib.sh). Each worker measures, per post, the time from the
# stream storing it to its decision committed and published and the post
# acknowledged (worker_metrics.h decision_latency_seconds); their /metrics
# histograms are summed at the end. Percentiles are bucket bounds
# ("p99 <= 0.25 s": 99 % of the posts took at most that long).
#
# Usage: flock /tmp/evenhand-build.lock bash bench/stream_latency.sh [RATE] [COPIES] [WORKERS]
#        (RATE default 10000 posts/s; COPIES default 50 = 100,000 posts; WORKERS default 2;
#         THREADS per worker default 1; BATCH default 256; BIN default build/bin/evenhand)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
source scripts/cluster-lib.sh
rate="${1:-10000}" copies="${2:-50}" workers="${3:-2}"
bin="$(realpath "${BIN:-build/bin/evenhand}")"
work="$(mktemp -d /tmp/evenhand-stream-latency.XXXXXX)"
trap 'cluster_stop; rm -rf "$work"' EXIT
python3 bench/repeat_posts.py examples/posts.jsonl "$copies" > "$work/posts.jsonl"
posts=$(grep -c '"kind": *"post"' "$work/posts.jsonl" || true)
cluster_start "$(mktemp -d /tmp/evenhand-cluster-XXXXXX)"
echo "stream_latency: $(date -u +%FT%TZ), $(nproc) cores, $posts posts at $rate/s, $workers worker(s) x ${THREADS:-1} thread(s), batch ${BATCH:-256}, load $(cut -d' ' -f1 /proc/loadavg)"
ports=()
for i in $(seq 1 "$workers"); do
  port=$(cluster_free_port)
  ports+=("$port")
  cluster_spawn "$bin" worker --nats "$CLUSTER_NATS" --db "$CLUSTER_DB" --policy examples/policy.yaml \
    -j "${THREADS:-1}" --batch "${BATCH:-256}" --metrics-listen "127.0.0.1:$port" 2>"$work/worker-$i.log"
done
sleep 1  # connected and subscribed
start=$(date +%s.%N)
"$bin" ingest "$work/posts.jsonl" --nats "$CLUSTER_NATS" -q --rate "$rate" --chunk 500
ingested=$(date +%s.%N)
while [ "$(cluster_decisions)" -lt "$posts" ]; do sleep 0.05; done
end=$(date +%s.%N)
sleep 0.5  # the last batches' acknowledgements are counted
python3 - "$start" "$ingested" "$end" "$posts" "${ports[@]}" <<'PY'
import re, sys, urllib.request
start, ingested, end, posts = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
buckets = {}
for port in sys.argv[5:]:
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    for le, n in re.findall(r'evenhand_worker_decision_latency_seconds_bucket\{le="([^"]+)"\} (\d+)', text):
        buckets[le] = buckets.get(le, 0) + int(n)
bounds = sorted(buckets, key=lambda le: float("inf") if le == "+Inf" else float(le))
total = buckets["+Inf"]
def at_most(q):
    for le in bounds:
        if buckets[le] >= q * total:
            return le
print(f"ingest {ingested - start:.2f} s ({posts / (ingested - start):,.0f} posts/s offered); all decided after "
      f"{end - start:.2f} s ({posts / (end - start):,.0f} posts/s)")
print(f"latency over {total:,} posts: p50 <= {at_most(0.5)} s, p90 <= {at_most(0.9)} s, p99 <= {at_most(0.99)} s, "
      f"p99.9 <= {at_most(0.999)} s")
PY
"$bin" audit verify --db "$CLUSTER_DB" | head -1
