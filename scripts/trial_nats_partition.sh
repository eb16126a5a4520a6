#!/usr/bin/env bash
# Fault trial of issue 18 point 5: a three-node nats-server cluster
# (JetStream, POSTS and DECISIONS with 3 replicas), each node in a network
# namespace of its own, one node cut off while two workers run, then
# restored: nothing lost, nothing decided twice.
#
# The network (removed at exit): a bridge in this namespace holding
# 10.218.N.1/24 (N from this script's pid), and per node a namespace
# eh<PID>-nI with one end of a veth pair (10.218.N.1I/24), the other end on
# the bridge. No route leads anywhere else. PostgreSQL 15 runs on
# 127.0.0.1 (scripts/cluster-lib.sh). ingest and the two workers run here
# and are given all three nodes' URLs.
#
# The run: ingest examples/posts.jsonl COPIES times with fresh ids at RATE
# posts/s while two workers decide them. CUT_AFTER seconds in, the node that
# leads POSTS (the worst one to lose) is cut off: its veth is set down, so
# its packets are dropped, no connection is closed. CUT_FOR seconds later it
# is set up again. With CUTS=2 (the default) the cut is made twice, the
# second time on the node leading POSTS then. Once every post has a
# decision the workers are stopped (SIGTERM) and the trial checks:
#   - every ingested post has exactly one stored decision;
#   - DECISIONS holds one message per post, on each of the three nodes
#     (the restored node caught up), and so does POSTS;
#   - one `decision` audit entry per post; `evenhand audit verify` passes.
# It prints, per cut, the decisions stored while the node was away.
# Exit 0 only when every check holds; 77 when namespaces cannot be made
# here (not root, no `ip netns`), saying what failed.
#
# Usage: bash scripts/trial_nats_partition.sh [BIN]
#   COPIES (default 10 = 20,000 posts), RATE (default 1000 posts/s),
#   CUT_AFTER (default 3 s), CUT_FOR (default 8 s), CUTS (default 2),
#   ACK_WAIT_MS (default 3000)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
source scripts/cluster-lib.sh
bin="$(realpath "${1:-build/bin/evenhand}")"
copies="${COPIES:-10}" rate="${RATE:-1000}" cut_after="${CUT_AFTER:-3}" cut_for="${CUT_FOR:-8}"
cuts="${CUTS:-2}" ack_wait="${ACK_WAIT_MS:-3000}"
command -v nats-server >/dev/null || { echo "trial_nats_partition: nats-server not installed (scripts/install-deps.sh)" >&2; exit 77; }

id=$$
net="10.218.$((id % 200 + 20))"
bridge="ehbr$id"
work="$(mktemp -d /tmp/evenhand-trial-partition-XXXXXX)"
nats_pids=()
ns_made=()
cleanup() {
  set +e
  cluster_stop
  for p in "${nats_pids[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${nats_pids[@]}"; do wait "$p" 2>/dev/null; done
  for ns in "${ns_made[@]}"; do ip netns del "$ns" 2>/dev/null; done
  ip link del "$bridge" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# The network. A failure here is the environment's, said as it is.
netfail() { echo "trial_nats_partition: cannot make the network here: $1" >&2; exit 77; }
out=$(ip link add "$bridge" type bridge 2>&1) || netfail "ip link add $bridge type bridge: $out"
ip addr add "$net.1/24" dev "$bridge"
ip link set "$bridge" up
for i in 1 2 3; do
  ns="eh$id-n$i"
  out=$(ip netns add "$ns" 2>&1) || netfail "ip netns add $ns: $out"
  ns_made+=("$ns")
  out=$(ip link add "eh${id}h$i" type veth peer name eth0 netns "$ns" 2>&1) || netfail "veth pair for $ns: $out"
  ip link set "eh${id}h$i" master "$bridge" up
  ip -n "$ns" addr add "$net.1$i/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" link set lo up
done

# The cluster: node I listens on $net.1I (clients 4222, routes 6222, monitoring 8222).
routes="nats://$net.11:6222,nats://$net.12:6222,nats://$net.13:6222"
for i in 1 2 3; do
  ip netns exec "eh$id-n$i" nats-server -js -sd "$work/n$i" -n "n$i" -a "$net.1$i" -p 4222 -m 8222 \
    --cluster_name evenhand --cluster "nats://$net.1$i:6222" --routes "$routes" >"$work/n$i.log" 2>&1 &
  nats_pids+=($!)
done
nats_url="nats://$net.11:4222,nats://$net.12:4222,nats://$net.13:4222"

# jsz NODE [QUERY]: the node's /jsz document (empty when it does not answer within 2 s).
jsz() { curl -s -m 2 "http://$net.1$1:8222/jsz${2:-}" 2>/dev/null || true; }
# stream_field NODE STREAM FIELD: "leader" or "messages" of STREAM as NODE sees it (empty when unknown).
stream_field() {
  jsz "$1" "?streams=true" | python3 -c '
import json, sys
name, field = sys.argv[1], sys.argv[2]
try: doc = json.load(sys.stdin)
except Exception: sys.exit(0)
for a in doc.get("account_details", []):
    for s in a.get("stream_detail", []):
        if s["name"] == name:
            print(s.get("cluster", {}).get("leader", "") if field == "leader" else s["state"]["messages"])
' "$2" "$3"
}
meta_leader() { jsz "$1" | python3 -c 'import json, sys
try: print(json.load(sys.stdin).get("meta_cluster", {}).get("leader", ""))
except Exception: pass'; }
for _ in $(seq 1 150); do
  [ -n "$(meta_leader 1)" ] && [ -n "$(meta_leader 2)" ] && [ -n "$(meta_leader 3)" ] && break
  sleep 0.2
done
[ -n "$(meta_leader 1)" ] || { echo "trial_nats_partition: the cluster elected no leader (see $work/n*.log)" >&2; tail -5 "$work"/n*.log; exit 1; }

cluster_start_pg "$(mktemp -d /tmp/evenhand-cluster-XXXXXX)"
python3 bench/repeat_posts.py examples/posts.jsonl "$copies" >"$work/posts.jsonl"
posts=$(grep -c '"kind": *"post"' "$work/posts.jsonl" || true)
echo "trial_nats_partition: $(date -u +%FT%TZ), $(nproc) cores, 3 nodes on $net.0/24 (meta leader $(meta_leader 1)), $posts posts at $rate/s, $cuts cut(s) of ${cut_for} s, load $(cut -d' ' -f1 /proc/loadavg)"

worker_pid=(0 0)
for i in 0 1; do
  "$bin" worker --nats "$nats_url" --db "$CLUSTER_DB" --policy examples/policy.yaml --batch 64 --replicas 3 \
    --ack-wait-ms "$ack_wait" >>"$work/worker-$i.log" 2>&1 &
  worker_pid[$i]=$!
done
"$bin" ingest "$work/posts.jsonl" --nats "$nats_url" --replicas 3 -q --rate "$rate" --chunk 200 >"$work/ingest.log" 2>&1 &
ingest_pid=$!

cut_rounds=0
for c in $(seq 1 "$cuts"); do
  sleep "$cut_after"
  leader=""
  for i in 1 2 3; do leader=$(stream_field "$i" POSTS leader); [ -n "$leader" ] && break; done
  node=${leader#n}
  case "$node" in 1 | 2 | 3) ;; *) node=$((c % 3 + 1)); leader="(none known; n$node)" ;; esac
  before=$(cluster_decisions)
  ip link set "eh${id}h$node" down
  t0=$SECONDS
  sleep "$cut_for"
  during=$(cluster_decisions)
  ip link set "eh${id}h$node" up
  echo "cut $c: node n$node (POSTS leader $leader) cut off for $((SECONDS - t0)) s: decisions $before -> $during while it was away"
  cut_rounds=$c
done
ingest_ok=0
wait "$ingest_pid" || ingest_ok=$?
deadline=$((SECONDS + 300))
while [ "$(cluster_decisions)" -lt "$posts" ] && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
sleep $(((ack_wait + 999) / 1000 + 1))  # a batch in flight when the last post was stored is settled
for i in 0 1; do kill -TERM "${worker_pid[$i]}" 2>/dev/null || true; done
for i in 0 1; do wait "${worker_pid[$i]}" 2>/dev/null || true; done
# The restored node catches up (its replicas of both streams reach the count).
deadline=$((SECONDS + 60))
caught_up() {
  for i in 1 2 3; do
    [ "$(stream_field "$i" POSTS messages)" = "$posts" ] && [ "$(stream_field "$i" DECISIONS messages)" = "$posts" ] || return 1
  done
}
until caught_up || [ "$SECONDS" -ge "$deadline" ]; do sleep 0.5; done

fail=0
check() {  # check WHAT GOT WANT
  if [ "$2" = "$3" ]; then echo "  ok: $1: $2"; else echo "  FAILED: $1: $2, want $3"; fail=1; fi
}
check "ingest exit status" "$ingest_ok" 0
check "cuts made" "$cut_rounds" "$cuts"
check "decisions stored" "$(cluster_decisions)" "$posts"
check "items with a decision" "$(cluster_sql 'SELECT count(DISTINCT item) FROM decisions')" "$posts"
check "items with more than one decision" \
  "$(cluster_sql 'SELECT count(*) FROM (SELECT item FROM decisions GROUP BY item HAVING count(*) > 1) x')" 0
check "decision audit entries" "$(cluster_sql "SELECT count(*) FROM audit WHERE action = 'decision'")" "$posts"
for i in 1 2 3; do
  check "POSTS messages on n$i" "$(stream_field "$i" POSTS messages)" "$posts"
  check "DECISIONS messages on n$i" "$(stream_field "$i" DECISIONS messages)" "$posts"
done
if "$bin" audit verify --db "$CLUSTER_DB" >"$work/verify.txt" 2>&1; then
  echo "  ok: audit verify: $(head -1 "$work/verify.txt")"
else
  echo "  FAILED: audit verify:"; cat "$work/verify.txt"; fail=1
fi
redelivered=$(grep -ho '[0-9]* redelivered' "$work"/worker-*.log | awk '{s += $1} END {print s + 0}')
retries=$(grep -c 'trying again' "$work"/worker-*.log "$work/ingest.log" | awk -F: '{s += $2} END {print s + 0}')
echo "trial_nats_partition: $redelivered messages redelivered, $retries retry lines in the logs; $([ $fail = 0 ] && echo PASSED || echo FAILED)"
if [ $fail != 0 ]; then tail -n 20 "$work"/worker-*.log "$work/ingest.log"; fi
exit $fail
