#!/usr/bin/env bash
# The SpamAssassin spam model: split the development corpus into a training
# part and a held-out test part (by a hash of each id: the test part is never
# seen by training, calibration or tuning), train, and evaluate on the test
# part with the hard-ham group's false-positive rate reported on its own.
#
# Usage: scripts/spam-model.sh [BUILD_DIR] [DATA.jsonl] [OUT_DIR]
#   DATA defaults to ../shared/testdata/text/spamassassin-dev.jsonl (or make one
#   with scripts/fetch-spamassassin.sh). Training flags: TRAIN_FLAGS (default
#   "--epoch 50 --lr 1.0", chosen on a validation split of the training part).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
data="${2:-$root/../shared/testdata/text/spamassassin-dev.jsonl}"
out="${3:-$build/spam-model}"
bin="$build/bin/evenhand"
mkdir -p "$out"
python3 "$root/scripts/split_jsonl.py" "$data" "$out/train.jsonl" "$out/test.jsonl" --test-share 0.2 --by group
# shellcheck disable=SC2086
"$bin" train --data "$out/train.jsonl" -o "$out/spam.ftz" --positive spam ${TRAIN_FLAGS:---epoch 50 --lr 1.0}
"$bin" eval --model "$out/spam.ftz" --data "$out/test.jsonl" --group-field group --target-precision 0.99 \
  --json "$out/eval.json" --pr-csv "$out/pr.csv" --pr-svg "$out/pr.svg"
echo "report: $out/eval.json, $out/pr.csv, $out/pr.svg"
