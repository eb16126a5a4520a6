#!/usr/bin/env bash
# Classifier benchmark, all in one run on this machine:
#   1. classify_bench: predictions per second per thread on msgs100k.txt
#      (predict only, normalise + predict, normalise only; 1 and all threads)
#   2. `evenhand scan -j1` on msgs100k.txt x REPEAT with the 1,000-term list,
#      without and with one classifier (`classifier.spam >= 0.9`), in
#      interleaved rounds; the classifier's share of the pipeline's time is
#      1 - rate_with / rate_without (its share of the time per message with it).
# The spam model is trained on ../shared/testdata/text/spamassassin-dev.jsonl.
# Usage: bench/classify.sh [BUILD_DIR] [REPEAT]   (ROUNDS=3 by default)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
shared="$root/../shared"
build="${1:-$root/build}"
repeat="${2:-5}"
rounds="${ROUNDS:-3}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
bin="$build/bin/evenhand"

"$bin" train --data "$shared/testdata/text/spamassassin-dev.jsonl" -o "$tmp/spam.ftz" --positive spam ${TRAIN_FLAGS:-} >&2
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
"$build/bin/classify_bench" "$tmp/spam.ftz" "$shared/bench/msgs100k.txt" "$(nproc)" 3

for with in no yes; do
  {
    echo "policy: bench"
    echo "version: 1"
    echo "lists:"
    echo "  words:"
    echo "    files: [$shared/bench/words1000.txt]"
    if [ "$with" = yes ]; then
      echo "classifiers:"
      echo "  spam: $tmp/spam.ftz"
    fi
    echo "rules:"
    if [ "$with" = yes ]; then
      echo "  - {id: spam, when: classifier.spam >= 0.9, action: label, category: scams_and_fraud, reason: Spam}"
    fi
    echo "  - {id: listed-term, when: list.words, action: review, category: other_violation_tc, reason: Listed term}"
  } > "$tmp/policy-$with.yaml"
done
for _ in $(seq "$repeat"); do cat "$shared/bench/msgs100k.txt"; done > "$tmp/msgs.txt"
msgs=$(wc -l < "$tmp/msgs.txt")
echo "scan input: $msgs messages, 1,000 terms; -j1; decisions to /dev/null"
scan() {  # with -> scan-loop msgs/s
  "$bin" scan "$tmp/msgs.txt" --format lines --policy "$tmp/policy-$1.yaml" -j 1 -q -o - \
    --summary-json "$tmp/summary.json" > "$tmp/out-$1.jsonl"
  awk -v n="$msgs" -v s="$(sed -E 's/.*"seconds":([0-9.]+).*/\1/' "$tmp/summary.json")" 'BEGIN { printf "%.0f\n", n / s }'
}
shares=()
for r in $(seq "$rounds"); do
  without=$(scan no)
  with=$(scan yes)
  share=$(awk -v a="$without" -v b="$with" 'BEGIN { printf "%.3f", 1 - b / a }')
  shares+=("$share")
  echo "round $r: terms only $without msgs/s; terms + classifier $with msgs/s; classifier's share of the time: $share"
done
labelled=$(grep -c '"rule":"spam"' "$tmp/out-yes.jsonl" || true)
echo "posts labelled spam by the classifier in the last run: $labelled of $msgs"
median=$(printf '%s\n' "${shares[@]}" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
echo "classifier's share of the pipeline's time: median $median of ${shares[*]} (goal < 0.5)"
