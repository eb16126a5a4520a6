#!/usr/bin/env bash
# Classifier benchmark, all in one run on this machine:
#   1. classify_bench: predictions per second per thread on msgs100k.txt
#      (predict only, normalise + predict, normalise only; 1 and all threads).
#   2. `evenhand scan` end to end as a user runs it: msgs100k.txt x REPEAT as
#      JSONL posts ({kind, id, account, ts, text}), the 1,000-term list,
#      decisions written to a file; the wall time of the whole process
#      (start-up: policy, term compilation and model loading included), at
#      -j1 and with the default threads. Without and with one classifier
#      (`classifier.spam >= 0.9`, the first rule, so every post is scored), in
#      interleaved rounds. The classifier's share of the pipeline's time is
#      1 - time_without / time_with.
#   3. The same with the term rule first: lazy scoring then skips the
#      classifier for posts a listed term already decided.
# The spam model is trained with scripts/spam-model.sh's settings on the
# training part of ../shared/testdata/text/spamassassin-dev.jsonl.
# Usage: bench/classify.sh [BUILD_DIR] [REPEAT]   (ROUNDS=3 by default)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
shared="$root/../shared"
build="${1:-$root/build}"
repeat="${2:-3}"
rounds="${ROUNDS:-3}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
bin="$build/bin/evenhand"

bash "$root/scripts/spam-model.sh" "$build" "$shared/testdata/text/spamassassin-dev.jsonl" "$tmp/model" >&2
model="$tmp/model/spam.ftz"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "model: $(stat -c %s "$model") bytes; training: $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["training"])' "$model.meta.json")"
"$build/bin/classify_bench" "$model" "$shared/bench/msgs100k.txt" "$(nproc)" 3

policy() {  # policy() with|without|terms-first -> YAML
  echo "policy: bench"
  echo "version: 1"
  echo "lists:"
  echo "  words:"
  echo "    files: [$shared/bench/words1000.txt]"
  if [ "$1" != without ]; then
    echo "classifiers:"
    echo "  spam: $model"
  fi
  echo "rules:"
  local spam="  - {id: spam, when: classifier.spam >= 0.9, action: label, category: scams_and_fraud, reason: Spam}"
  [ "$1" = with ] && echo "$spam"
  echo "  - {id: listed-term, when: list.words, action: review, category: other_violation_tc, reason: Listed term}"
  [ "$1" = terms-first ] && echo "$spam"
  return 0
}
for p in without with terms-first; do policy "$p" > "$tmp/policy-$p.yaml"; done
python3 - "$shared/bench/msgs100k.txt" "$repeat" "$tmp/posts.jsonl" <<'EOF'
import json, sys, time
src, repeat, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
lines = [l.rstrip("\n") for l in open(src, encoding="utf-8")]
with open(out, "w", encoding="utf-8") as f:
    n = 0
    for _ in range(repeat):
        for text in lines:
            ts = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(1700000000 + n * 7))
            f.write(json.dumps({"kind": "post", "id": f"m{n}", "account": f"a{n % 5000}", "ts": ts, "text": text}) + "\n")
            n += 1
EOF
posts=$(wc -l < "$tmp/posts.jsonl")
echo "scan input: $posts posts as JSONL ($(stat -c %s "$tmp/posts.jsonl") bytes), 1,000 terms, decisions to a file"
scan() {  # scan POLICY THREADS -> "wall_seconds user_seconds"
  local t0 t1
  t0=$(date +%s.%N)
  /usr/bin/time -f "%U" -o "$tmp/user" "$bin" scan "$tmp/posts.jsonl" --policy "$tmp/policy-$1.yaml" -j "$2" -q \
    -o "$tmp/decisions-$1.jsonl"
  t1=$(date +%s.%N)
  echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }') $(tail -1 "$tmp/user")"
}
head -1 "$tmp/posts.jsonl" > "$tmp/one.jsonl"
for p in without with; do  # start-up alone: policy, term compilation, model loading
  t0=$(date +%s.%N)
  "$bin" scan "$tmp/one.jsonl" --policy "$tmp/policy-$p.yaml" -j 1 -q -o "$tmp/one-out.jsonl"
  echo "start-up ($p classifier, one post): $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }') s"
done
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
for j in 1 "$(nproc)"; do
  shares=() lazy_shares=()
  for r in $(seq "$rounds"); do
    read -r w_wall w_user < <(scan without "$j")
    read -r c_wall c_user < <(scan with "$j")
    read -r l_wall l_user < <(scan terms-first "$j")
    share=$(awk -v a="$w_wall" -v b="$c_wall" 'BEGIN { printf "%.3f", 1 - a / b }')
    lazy=$(awk -v a="$w_wall" -v b="$l_wall" 'BEGIN { printf "%.3f", 1 - a / b }')
    shares+=("$share")
    lazy_shares+=("$lazy")
    echo "-j$j round $r: terms only $w_wall s (user $w_user s, $(awk -v n="$posts" -v s="$w_wall" 'BEGIN { printf "%.0f", n / s }') posts/s);" \
      "terms + classifier $c_wall s (user $c_user s, $(awk -v n="$posts" -v s="$c_wall" 'BEGIN { printf "%.0f", n / s }') posts/s): share $share;" \
      "term rule first $l_wall s: share $lazy"
  done
  echo "-j$j: classifier's share of the scan's wall time: median $(median "${shares[@]}") of ${shares[*]};" \
    "with the term rule first: median $(median "${lazy_shares[@]}") (goal < 0.5)"
done
echo "posts labelled spam: $(grep -c '"rule":"spam"' "$tmp/decisions-with.jsonl" || true) of $posts;" \
  "decided by a listed term: $(grep -c '"rule":"listed-term"' "$tmp/decisions-without.jsonl" || true)"
