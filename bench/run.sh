#!/usr/bin/env bash
# Text-scanning benchmark, all measured in one run on this machine:
#   1. raw Vectorscan (the ceiling: caseless literals, no normalisation, in memory)
#   2. `evenhand scan` as a whole process, 1 thread and all cores: JSON-free
#      line input, normalisation on, 1,000-term list with whole-word check,
#      policy on, decisions written to /dev/null
#   3. the JavaScript peer (single RegExp alternation), ../shared/bench/bench_js.js
# Usage: bench/run.sh [BUILD_DIR] [REPEAT]   (REPEAT copies of msgs100k.txt; default 10)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
shared="$root/../shared/bench"
build="${1:-$root/build}"
repeat="${2:-10}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

cat > "$tmp/policy.yaml" <<POLICY
policy: bench
version: 1
lists:
  words:
    files: [$shared/words1000.txt]
rules:
  - id: listed-term
    when: list.words
    action: review
    category: other_violation_tc
    reason: "Contains a listed term"
POLICY
for _ in $(seq "$repeat"); do cat "$shared/msgs100k.txt"; done > "$tmp/msgs.txt"
msgs=$(wc -l < "$tmp/msgs.txt")
mb=$(( $(stat -c %s "$tmp/msgs.txt") / 1000000 ))

# An evenhand before 5aea0ad renamed its temporary output over /dev/null when
# run as root with `-o /dev/null`; check the device is still a device.
[ -c /dev/null ] || echo "warning: /dev/null is not a character device; figures include writing to a file" >&2

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "input: $msgs messages ($mb MB), 1,000 terms"

# Three raw ceilings (messages in memory, no normalisation, no policy, no output):
#   word: the peer's question, \b(term)\b caseless, first match ends the message (like-for-like)
#   any:  caseless literals without word boundaries, first match ends the message
#   all:  caseless literals, every match reported
rate() { sed -E 's/.*"msgs_per_s":([0-9.]+).*/\1/'; }
for mode in word any all; do
  raw=$("$build/bin/raw_vectorscan" "$shared/words1000.txt" "$shared/msgs100k.txt" 5 "$mode")
  echo "raw-vectorscan-$mode: $raw"
  eval "raw_$mode=$(echo "$raw" | rate)"
done

scan() {  # threads -> prints "wall_msgs_per_s scan_msgs_per_s"
  local start end
  start=$(date +%s.%N)
  # Decisions go to stdout and on to /dev/null: `-o /dev/null` would make the
  # CLI write a temporary file beside it and rename that over /dev/null.
  "$build/bin/evenhand" scan "$tmp/msgs.txt" --format lines --policy "$tmp/policy.yaml" -j "$1" -q \
    -o - --summary-json "$tmp/summary.json" > /dev/null
  end=$(date +%s.%N)
  local secs
  secs=$(sed -E 's/.*"seconds":([0-9.]+).*/\1/' "$tmp/summary.json")
  awk -v n="$msgs" -v a="$start" -v b="$end" -v s="$secs" 'BEGIN { printf "%.0f %.0f\n", n / (b - a), n / s }'
}
read -r one_wall one_scan < <(scan 1)
read -r all_wall all_scan < <(scan 0)
echo "evenhand scan -j1: whole process $one_wall msgs/s (scan loop $one_scan msgs/s)"
echo "evenhand scan -j$(nproc): whole process $all_wall msgs/s (scan loop $all_scan msgs/s)"

js_rate=""
if command -v node >/dev/null; then
  js=$(node "$shared/bench_js.js" js-regex-alternation 10)
  echo "js-regex-alternation: $js"
  js_rate=$(echo "$js" | rate)
fi
awk -v a="$one_wall" -v r="$raw_word" 'BEGIN { printf "ratio evenhand -j1 / raw vectorscan word (like-for-like): %.2f (goal >= 0.50)\n", a / r }'
awk -v a="$one_wall" -v r="$raw_any" 'BEGIN { printf "ratio evenhand -j1 / raw vectorscan any (no word check): %.2f\n", a / r }'
[ -n "$js_rate" ] && awk -v a="$one_wall" -v j="$js_rate" 'BEGIN { printf "ratio evenhand -j1 / JS RegExp peer: %.2f (goal >= 2.0)\n", a / j }'
exit 0
