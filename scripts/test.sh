#!/usr/bin/env bash
# Builds and runs every test: the normal build, then an AddressSanitizer +
# UndefinedBehaviorSanitizer build of the tests, then a ThreadSanitizer build of
# the tests that run threads, then TRIALS (20) kill -9 crash trials and every
# libFuzzer target for FUZZ_SECONDS (30) from its seeds, FUZZ_JOBS (nproc) at
# once. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
# PostgreSQL is installed above: its tests must run, never skip (tests/pg_cluster.h).
export EVENHAND_REQUIRE_POSTGRES=1
export EVENHAND_REQUIRE_NATS=1  # tests/nats_server.h: fail instead of skipping without nats-server
bash scripts/build.sh build
(cd build && ctest --output-on-failure -j"$(nproc)")
# Crash trials, short version (the 1,000-trial run is recorded in docs/RELIABILITY.md).
python3 scripts/trial_kill.py build/bin/evenhand --trials "${TRIALS:-20}"
bash scripts/build.sh build-asan -DEVENHAND_SANITIZE=ON -DEVENHAND_BENCH=OFF
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS="suppressions=$PWD/../scripts/lsan-suppressions.txt" UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j"$(nproc)")
bash scripts/tsan.sh build-tsan
# libFuzzer targets (tests/fuzz), FUZZ_SECONDS each from their seed corpora.
FUZZ_SECONDS="${FUZZ_SECONDS:-30}" FUZZ_JOBS="${FUZZ_JOBS:-$(nproc)}" bash scripts/fuzz.sh
