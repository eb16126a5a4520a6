#!/usr/bin/env bash
# Drift check of the SpamAssassin spam model (issue 15 point 4): train on the
# development groups only, then meet the later-collected groups (easy-ham-2,
# spam-2) as new traffic, without and with a recalibration from a small
# labelled sample of that traffic. Nothing here is tuned on the later groups:
# the model, its flags and its threshold are scripts/spam-model.sh's (chosen by
# cross-validation on the development training part), the sample size, the
# seed of the draw and the target precision are fixed below before any run.
#
# Usage: scripts/spam-drift.sh [BUILD_DIR] [ALL.jsonl] [OUT_DIR]
#   ALL.jsonl: every group, from `scripts/fetch-spamassassin.sh ALL.jsonl --all`.
#   SAMPLE (100): labels drawn at random from the later groups for `evenhand calibrate`;
#   SEED (1): the draw's seed; TARGET (0.95): the precision calibrate fits the threshold for.
# Steps (figures in OUT_DIR/*.json):
#   1. dev.jsonl / later.jsonl: the development and the later groups;
#   2. scripts/spam-model.sh on dev.jsonl (train part, held-out test part);
#   3. drift (PSI, labels not read) of the held-out dev part and of the later groups;
#   4. the later groups split into the labelled sample and the rest;
#   5. eval of the model as trained (threshold as chosen on dev) on the rest;
#   6. evenhand calibrate on the sample, eval of the recalibrated model on the same rest.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
all="${2:?usage: spam-drift.sh BUILD_DIR ALL.jsonl [OUT_DIR]}"
out="${3:-$build/spam-drift}"
sample_size="${SAMPLE:-100}"
seed="${SEED:-1}"
target="${TARGET:-0.95}"
bin="$build/bin/evenhand"
mkdir -p "$out"
python3 - "$all" "$out" "$sample_size" "$seed" <<'EOF'
import json, random, sys
src, out, n, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
dev, later = [], []
for line in open(src, encoding="utf-8"):
    if line.strip():
        row = json.loads(line)
        (later if row["group"].endswith("-2") else dev).append(line if line.endswith("\n") else line + "\n")
later.sort(key=lambda l: json.loads(l)["id"])
pick = set(random.Random(seed).sample(range(len(later)), n))
for name, rows in (("dev", dev), ("later", later), ("sample", [l for i, l in enumerate(later) if i in pick]),
                   ("rest", [l for i, l in enumerate(later) if i not in pick])):
    with open(f"{out}/{name}.jsonl", "w", encoding="utf-8") as f:
        f.writelines(rows)
    labels = {}
    for l in rows:
        k = json.loads(l)["label"]
        labels[k] = labels.get(k, 0) + 1
    print(f"{name}: {len(rows)} {labels}")
EOF
bash "$root/scripts/spam-model.sh" "$build" "$out/dev.jsonl" "$out/model" | tail -n 2
threshold="${THRESHOLD:-0.65}"
model="$out/model/spam.ftz"
"$bin" eval --model "$model" --data "$out/model/test.jsonl" --unlabeled --json "$out/drift-dev-test.json" | head -n 2
"$bin" eval --model "$model" --data "$out/later.jsonl" --unlabeled --json "$out/drift-later.json"
"$bin" eval --model "$model" --data "$out/rest.jsonl" --threshold "$threshold" --target-precision "$target" \
  --json "$out/eval-rest-as-trained.json" | head -n 4
"$bin" calibrate --model "$model" --labels "$out/sample.jsonl" --target-precision "$target" \
  --current-threshold "$threshold" -o "$out/spam-recalibrated.ftz"
"$bin" eval --model "$out/spam-recalibrated.ftz" --data "$out/rest.jsonl" --target-precision "$target" \
  --json "$out/eval-rest-recalibrated.json" | head -n 4
