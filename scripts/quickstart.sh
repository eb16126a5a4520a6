#!/usr/bin/env bash
# One command for a fresh Debian machine: install dependencies, build, and
# scan the examples into an embedded SQLite store with an audit trail.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh build
mkdir -p out
rm -f out/examples.db out/examples.db-wal out/examples.db-shm
./build/bin/evenhand policy check examples/policy.yaml
./build/bin/evenhand scan examples/posts.jsonl --policy examples/policy.yaml \
  --db out/examples.db --output out/decisions.jsonl
./build/bin/evenhand audit verify --db out/examples.db
echo
echo "Decisions: out/decisions.jsonl    Store: out/examples.db"
echo "Expected counts (from the example generator): examples/expected.json"
