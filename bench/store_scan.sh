#!/usr/bin/env bash
# Scan into a store: `evenhand scan` of examples/posts.jsonl repeated N
# times with fresh ids (2,000 posts a copy) into a new SQLite store
# (synchronous=FULL, one transaction), for one or more evenhand binaries,
# interleaved, so that their figures come from the same run.
#
# Usage: bash bench/store_scan.sh [COPIES] BIN [BIN ...]   (COPIES default 50 = 100,000 posts;
# ROUNDS, default 3: rounds of every binary in turn; the medians and their ratio to the first BIN at the end)
# Run it under the build lock:  flock /tmp/evenhand-build.lock bash bench/store_scan.sh 50 build/bin/evenhand OLD/evenhand
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
copies="${1:-50}"
shift
[ "$#" -ge 1 ] || { echo "usage: store_scan.sh [COPIES] BIN [BIN ...]" >&2; exit 2; }
work="$(mktemp -d "${DB_DIR:-/tmp}/evenhand-store-scan.XXXXXX")"
trap 'rm -rf "$work"' EXIT
python3 "$root/bench/repeat_posts.py" "$root/examples/posts.jsonl" "$copies" > "$work/posts.jsonl"
posts=$(grep -c '"kind": *"post"' "$work/posts.jsonl" || true)
echo "store_scan: $(date -u +%FT%TZ), $(nproc) cores, $posts posts, load $(cut -d' ' -f1 /proc/loadavg)"
rounds="${ROUNDS:-3}"
: > "$work/times"
for round in $(seq "$rounds"); do
  for bin in "$@"; do
    rm -f "$work"/db.sqlite*
    start=$(date +%s.%N)
    "$bin" scan "$work/posts.jsonl" --policy "$root/examples/policy.yaml" -q -o - --db "$work/db.sqlite" > /dev/null
    end=$(date +%s.%N)
    echo "$bin $start $end" >> "$work/times"
    python3 -c "import sys; s=float(sys.argv[2])-float(sys.argv[1]); print(f'round $round  $bin  {s:.2f} s  {int(sys.argv[3])/s:,.0f} posts/s')" "$start" "$end" "$posts"
  done
done
# The median round of each binary, and each binary's median against the first's.
python3 - "$work/times" "$posts" "$@" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
posts, bins = int(sys.argv[2]), sys.argv[3:]
med = {b: statistics.median(float(e) - float(s) for x, s, e in rows if x == b) for b in bins}
for b in bins:
    print(f"median  {b}  {med[b]:.2f} s  {posts / med[b]:,.0f} posts/s  ratio to {bins[0]}: {med[bins[0]] / med[b]:.3f}")
PY
