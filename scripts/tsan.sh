#!/usr/bin/env bash
# ThreadSanitizer run of the tests that exercise threads: configures a TSan
# build (EVENHAND_SANITIZE=thread, no benchmarks), builds only those test
# targets -- not the whole project -- and runs them with ctest.
# Tests: the classifier hot swap under concurrent predictions (classify_test,
# ClassifySwap.*) and every server test (server_api_test, server_limits_test,
# server_attack_test: the event loop, the worker pools, the store writer and
# group commit); the server tests that start the CLI run this build's binary.
# Usage: scripts/tsan.sh [BUILD_DIR]   (default: build-tsan in the source tree)
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:-build-tsan}"
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
targets=(classify_test server_api_test server_limits_test server_attack_test evenhand)
pattern='^(classify_test\.ClassifySwap\.|server_(api|limits|attack)_test\.)'
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEVENHAND_SANITIZE=thread -DEVENHAND_BENCH=OFF >/dev/null
cmake --build "$dir" -j"$(nproc)" --target "${targets[@]}"
# halt_on_error: the first race fails the run; second_deadlock_stack for lock-order reports.
(cd "$dir" && TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 ${TSAN_OPTIONS:-}" \
  ctest --output-on-failure -R "$pattern" --no-tests=error)
