#!/usr/bin/env bash
# Fault trial of issue 18 point 5: `kill -9` a stream worker mid-stream KILLS
# times at random moments, then check that nothing was lost or done twice.
#
# Starts PostgreSQL 15 and nats-server (scripts/cluster-lib.sh, removed
# after), ingests examples/posts.jsonl COPIES times with fresh ids
# (bench/repeat_posts.py) at RATE posts/s (so the stream lasts through the
# kills) while two workers decide them, and KILLS times: waits a
# random 0.2-1.5 s, kills one of the two (chosen at random) with SIGKILL and
# starts it again at once. Once every post has a decision the workers are
# stopped (SIGTERM) and the trial checks:
#   - every ingested post has exactly one stored decision (none missing,
#     none twice);
#   - DECISIONS holds one message per post (no duplicate message id went
#     through);
#   - one `decision` audit entry per post, and `evenhand audit verify`
#     passes (chain and tree).
# Prints one line per kill and a summary; exit 0 only when every check holds.
#
# Usage: bash scripts/trial_stream_kill.sh [BIN]
#   KILLS (default 20), COPIES (default 10 = 20,000 posts), SEED (default: the clock),
#   RATE (default 800 posts/s), ACK_WAIT_MS (default 2000: how soon a killed worker's batch is
#   delivered again)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
source scripts/cluster-lib.sh
bin="$(realpath "${1:-build/bin/evenhand}")"
kills="${KILLS:-20}" copies="${COPIES:-10}" seed="${SEED:-$(date +%s)}" ack_wait="${ACK_WAIT_MS:-2000}"
rate="${RATE:-800}"
RANDOM=$seed
work="$(mktemp -d /tmp/evenhand-trial-stream-XXXXXX)"
trap 'cluster_stop; rm -rf "$work"' EXIT
cluster_start "$(mktemp -d /tmp/evenhand-cluster-XXXXXX)"
python3 bench/repeat_posts.py examples/posts.jsonl "$copies" >"$work/posts.jsonl"
posts=$(grep -c '"kind": *"post"' "$work/posts.jsonl" || true)
echo "trial_stream_kill: $(date -u +%FT%TZ), $(nproc) cores, $posts posts at $rate/s, $kills kills, seed $seed, load $(cut -d' ' -f1 /proc/loadavg)"
"$bin" ingest "$work/posts.jsonl" --nats "$CLUSTER_NATS" -q --rate "$rate" --chunk 200 &
ingest_pid=$!

worker_pid=(0 0)
start_worker() {  # start_worker I: (re)starts worker I in the background, its output appended to worker-I.log
  "$bin" worker --nats "$CLUSTER_NATS" --db "$CLUSTER_DB" --policy examples/policy.yaml --batch 64 \
    --ack-wait-ms "$ack_wait" >>"$work/worker-$1.log" 2>&1 &
  worker_pid[$1]=$!
}
start_worker 0
start_worker 1
for k in $(seq 1 "$kills"); do
  sleep "$(printf '%d.%03d' $((RANDOM % 2)) $((RANDOM % 1000)))"
  sleep 0.2
  i=$((RANDOM % 2))
  kill -9 "${worker_pid[$i]}" 2>/dev/null || true
  wait "${worker_pid[$i]}" 2>/dev/null || true
  echo "kill $k: worker $i (pid ${worker_pid[$i]}) at $(cluster_decisions) of $posts decisions stored"
  start_worker "$i"
done
wait "$ingest_pid"
deadline=$((SECONDS + 300))
while [ "$(cluster_decisions)" -lt "$posts" ] && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
sleep $(((ack_wait + 999) / 1000 + 1))  # a batch in flight when the last post was stored is settled
for i in 0 1; do kill -TERM "${worker_pid[$i]}" 2>/dev/null || true; done
for i in 0 1; do wait "${worker_pid[$i]}" 2>/dev/null || true; done

fail=0
check() {  # check WHAT GOT WANT
  if [ "$2" = "$3" ]; then echo "  ok: $1: $2"; else echo "  FAILED: $1: $2, want $3"; fail=1; fi
}
check "decisions stored" "$(cluster_decisions)" "$posts"
check "items with a decision" "$(cluster_sql 'SELECT count(DISTINCT item) FROM decisions')" "$posts"
check "items with more than one decision" \
  "$(cluster_sql 'SELECT count(*) FROM (SELECT item FROM decisions GROUP BY item HAVING count(*) > 1) x')" 0
check "decision audit entries" "$(cluster_sql "SELECT count(*) FROM audit WHERE action = 'decision'")" "$posts"
check "DECISIONS messages" "$(cluster_stream_messages DECISIONS)" "$posts"
if "$bin" audit verify --db "$CLUSTER_DB" >"$work/verify.txt" 2>&1; then
  echo "  ok: audit verify: $(head -1 "$work/verify.txt")"
else
  echo "  FAILED: audit verify:"; cat "$work/verify.txt"; fail=1
fi
redelivered=$(grep -ho '[0-9]* redelivered' "$work"/worker-*.log | awk '{s += $1} END {print s + 0}')
echo "trial_stream_kill: $kills kills, $redelivered messages redelivered to the workers that ended cleanly; $([ $fail = 0 ] && echo PASSED || echo FAILED)"
if [ $fail != 0 ]; then tail -n 20 "$work"/worker-*.log; fi
exit $fail
