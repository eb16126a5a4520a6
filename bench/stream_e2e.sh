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
# Also prints where the CPU went during the run: CPU seconds (user +
# system, from /proc) of PostgreSQL (every process of the cluster),
# nats-server, the workers and the ingest, and per post, in microseconds:
# on C cores at most C / (total CPU per post) posts/s are possible.
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
# CPU ticks (user + system) so far of: the PostgreSQL cluster, nats-server, the workers ($workers_pids).
cpu_ticks() {
  python3 - "$CLUSTER_DIR" $workers_pids <<'PY'
import os, sys
def stat(pid):  # (ppid, user + system ticks)
    try:
        f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        return int(f[1]), int(f[11]) + int(f[12])
    except (OSError, IndexError, ValueError):
        return 0, 0
def cmdline(pid):
    try:
        return open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""
pids = [p for p in os.listdir("/proc") if p.isdigit()]
mine = [p for p in pids if sys.argv[1] in cmdline(p)]
postmaster = {p for p in mine if "postgres" in cmdline(p) and "-D" in cmdline(p)}
pg = sum(stat(p)[1] for p in pids if p in postmaster or str(stat(p)[0]) in postmaster)
nats = sum(stat(p)[1] for p in mine if "nats-server" in cmdline(p))
workers = sum(stat(p)[1] for p in sys.argv[2:])
print(pg, nats, workers)
PY
}
for w in "${counts[@]}"; do
  cluster_start "$(mktemp -d /tmp/evenhand-cluster-XXXXXX)"
  for i in $(seq 1 "$w"); do
    cluster_spawn "$bin" worker --nats "$CLUSTER_NATS" --db "$CLUSTER_DB" --policy examples/policy.yaml \
      -j "${THREADS:-1}" --batch "${BATCH:-256}" 2>"$work/worker-$w-$i.log"
  done
  sleep 1  # connected and subscribed
  workers_pids=$(pgrep -f "worker --nats $CLUSTER_NATS" | tr '\n' ' ')
  cpu_before=$(cpu_ticks)
  start=$(date +%s.%N)
  /usr/bin/time -f "%U %S" -o "$work/ingest.time" "$bin" ingest "$work/posts.jsonl" --nats "$CLUSTER_NATS" -q
  ingested=$(date +%s.%N)
  while [ "$(cluster_decisions)" -lt "$posts" ]; do sleep 0.05; done
  end=$(date +%s.%N)
  cpu_after=$(cpu_ticks)
  python3 -c "import sys; a,b,c,n=map(float,sys.argv[1:5]); print(f'{int(sys.argv[5])} worker(s): ingest {b-a:.2f} s ({n/(b-a):,.0f} posts/s); end to end {c-a:.2f} s, {n/(c-a):,.0f} posts/s decided, stored and published')" \
    "$start" "$ingested" "$end" "$posts" "$w"
  python3 -c "
import sys
b = list(map(int, sys.argv[1].split())); a = list(map(int, sys.argv[2].split())); posts = int(sys.argv[3])
ingest = sum(map(float, open(sys.argv[4]).read().split()))
parts = [('postgres', (a[0] - b[0]) / 100), ('nats-server', (a[1] - b[1]) / 100), ('workers', (a[2] - b[2]) / 100), ('ingest', ingest)]
total = sum(s for _, s in parts)
print('  CPU: ' + ', '.join(f'{n} {s:.2f} s ({s / posts * 1e6:.0f} us/post)' for n, s in parts) +
      f'; total {total / posts * 1e6:.0f} us/post: 2 cores allow at most {2 * posts / total:,.0f} posts/s')
" "$cpu_before" "$cpu_after" "$posts" "$work/ingest.time"
  "$bin" audit verify --db "$CLUSTER_DB" | head -1
  cluster_stop
done
