#!/usr/bin/env bash
# Behaviour detection (issue 6): generate seeded data with planted networks,
# detect, and evaluate account-level precision and recall against the
# ground truth; optionally one 10M-post scale run.
#
#   bash bench/behavior.sh                 # seeds 1 2 3, 1M posts, 100 networks each
#   POSTS=10000000 NETWORKS=300 SEEDS=10 bash bench/behavior.sh   # the scale run
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
mkdir -p "$OUT"
for seed in $SEEDS; do
  data="$OUT/seed$seed.jsonl"
  "$BIN/evenhand_behavior_gen" --seed "$seed" --posts "$POSTS" --networks "$NETWORKS" \
    --out "$data" --truth "$OUT/seed$seed.truth.json"
  flock /tmp/evenhand-build.lock /usr/bin/time -f "seed $seed: %e s wall, %M KB max resident" \
    "$BIN/evenhand" behavior "$data" --policy policies/behavior.yaml \
      --networks "$OUT/seed$seed.networks.jsonl" -o "$OUT/seed$seed.decisions.jsonl"
  "$BIN/evenhand" evaluate --truth "$OUT/seed$seed.truth.json" --networks "$OUT/seed$seed.networks.jsonl" \
    --min-precision 0.95 --min-recall 0.90
done
