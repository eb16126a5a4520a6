#!/usr/bin/env bash
# Text-scanning benchmark, all measured in one run on this machine:
#   1. raw Vectorscan (the ceiling: caseless literals, no normalisation, in memory)
#   2. `evenhand scan` as a whole process, 1 thread and all cores: JSON-free
#      line input, normalisation on, 1,000-term list with whole-word check,
#      policy on, decisions written to /dev/null
#   3. the JavaScript peer (single RegExp alternation), ../shared/bench/bench_js.js
# evenhand -j1, the peer and raw Vectorscan `word` mode run side by side in
# each of ROUNDS rounds; the ratios quoted are the medians of the rounds'.
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
# The machine's speed drifts by 10-20 % within a minute, so evenhand -j1 and
# the JS peer are measured in turns, ROUNDS times, and the ratio is the
# median of the rounds' ratios (each round's two figures taken side by side).
rounds="${ROUNDS:-3}"
have_node=false
command -v node >/dev/null && have_node=true
ratios=()
raw_ratios=()
for r in $(seq "$rounds"); do
  read -r one_wall one_scan < <(scan 1)
  echo "round $r: evenhand scan -j1: whole process $one_wall msgs/s (scan loop $one_scan msgs/s)"
  # Raw Vectorscan `word` mode again beside it (2 s), for a per-round ratio.
  round_raw=$("$build/bin/raw_vectorscan" "$shared/words1000.txt" "$shared/msgs100k.txt" 2 word | rate)
  raw_ratios+=("$(awk -v a="$one_wall" -v r="$round_raw" 'BEGIN { printf "%.2f", a / r }')")
  echo "round $r: raw-vectorscan-word $round_raw msgs/s; ratio evenhand -j1 / raw word: ${raw_ratios[-1]}"
  if $have_node; then
    js=$(node "$shared/bench_js.js" js-regex-alternation 10)
    echo "round $r: js-regex-alternation: $js"
    js_rate=$(echo "$js" | rate)
    ratios+=("$(awk -v a="$one_wall" -v j="$js_rate" 'BEGIN { printf "%.2f", a / j }')")
    echo "round $r: ratio evenhand -j1 / JS RegExp peer: ${ratios[-1]}"
  fi
done
read -r all_wall all_scan < <(scan 0)
echo "evenhand scan -j$(nproc): whole process $all_wall msgs/s (scan loop $all_scan msgs/s)"

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "ratio evenhand -j1 / raw vectorscan word (like-for-like): median $(printf '%s\n' "${raw_ratios[@]}" | median) of ${raw_ratios[*]} (goal >= 0.6)"
awk -v a="$one_wall" -v r="$raw_any" 'BEGIN { printf "ratio evenhand -j1 / raw vectorscan any (no word check, last round): %.2f\n", a / r }'
if $have_node; then
  median=$(printf '%s\n' "${ratios[@]}" | median)
  echo "ratio evenhand -j1 / JS RegExp peer: median $median of ${ratios[*]} (goal >= 2.0)"
fi
exit 0
