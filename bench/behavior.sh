#!/usr/bin/env bash
# Behaviour detection (issue 6): generate seeded data with planted networks,
# detect, and evaluate account-level precision and recall against the
# ground truth; optionally one 10M-post scale run.
#
#   bash bench/behavior.sh                 # seeds 1 2 3, 1M posts, 100 networks each
#   POSTS=10000000 NETWORKS=300 SEEDS=10 bash bench/behavior.sh   # the scale run
#   MODE=adversarial bash bench/behavior.sh   # issue 16's classes (also MODE=variant,
#                                             # the second, independent generator)
#   MODE=evasive GEN_FLAGS=--write-images ... # issue 16's evasive classes with picture files
#   GEN_FLAGS="--days 10" ...                 # more generator flags
#   LOCK=0 nice -n 19 ...                     # accuracy only: do not hold the build lock
#
# Needs build/bin/evenhand and build/bin/evenhand_behavior_gen. Each run
# holds /tmp/evenhand-build.lock so it does not distort other benchmarks.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=build/bin
OUT=${OUT:-out/behavior}
POSTS=${POSTS:-1000000}
NETWORKS=${NETWORKS:-100}
SEEDS=${SEEDS:-"1 2 3"}
MODE=${MODE:-classic}
LOCK=${LOCK:-1}
MIN_P=${MIN_P:-0.95}
MIN_R=${MIN_R:-0.90}
lock() { if [ "$LOCK" = 1 ]; then flock /tmp/evenhand-build.lock "$@"; else "$@"; fi; }
mkdir -p "$OUT"
for seed in $SEEDS; do
  base="$OUT/$MODE-$POSTS-seed$seed"
  data="$base.jsonl"
  "$BIN/evenhand_behavior_gen" --mode "$MODE" --seed "$seed" --posts "$POSTS" --networks "$NETWORKS" \
    --out "$data" --truth "$base.truth.json" ${GEN_FLAGS:-}
  lock /usr/bin/time -f "seed $seed: %e s wall, %U s user, %M KB max resident" \
    "$BIN/evenhand" behavior "$data" --policy policies/behavior.yaml \
      --networks "$base.networks.jsonl" -o "$base.decisions.jsonl" ${BEHAVIOR_FLAGS:-}
  "$BIN/evenhand" evaluate --truth "$base.truth.json" --networks "$base.networks.jsonl" \
    --min-precision "$MIN_P" --min-recall "$MIN_R"
done
