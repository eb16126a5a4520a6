#!/usr/bin/env bash
# Builds and runs every test: the normal build, then an AddressSanitizer +
# UndefinedBehaviorSanitizer build of the tests, then a ThreadSanitizer build of
# the tests that run threads. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
bash scripts/build.sh build
(cd build && ctest --output-on-failure -j"$(nproc)")
bash scripts/build.sh build-asan -DEVENHAND_SANITIZE=ON -DEVENHAND_BENCH=OFF
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j"$(nproc)")
bash scripts/tsan.sh build-tsan
