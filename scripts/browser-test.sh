#!/usr/bin/env bash
# Browser tests of the dashboard (tests/browser/): playwright-core drives
# Debian's Chromium headless against a real `evenhand serve` from BUILD_DIR.
# Usage: scripts/browser-test.sh [BUILD_DIR]   (default: build)
# Screenshots of every page go to $ARTIFACTS (default BUILD_DIR/browser-artifacts).
# Installs the pinned playwright-core (package-lock.json) with `npm ci` the first
# time. Exits non-zero on any failure.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-build}"
case "$build" in /*) ;; *) build="$root/$build" ;; esac

bin="$build/bin/evenhand"
[ -x "$bin" ] || { echo "browser-test: no $bin; build the evenhand target first" >&2; exit 1; }
command -v node >/dev/null || { echo "browser-test: node not found (scripts/install-deps.sh installs it)" >&2; exit 1; }
chromium="${CHROMIUM:-$(command -v chromium || true)}"
[ -n "$chromium" ] && [ -x "$chromium" ] || { echo "browser-test: chromium not found (scripts/install-deps.sh installs it)" >&2; exit 1; }

cd "$root/tests/browser"
if [ ! -d node_modules/playwright-core ]; then
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi

export EVENHAND_BIN="$bin" EVENHAND_SOURCE="$root" CHROMIUM="$chromium"
export ARTIFACTS="${ARTIFACTS:-$build/browser-artifacts}"
mkdir -p "$ARTIFACTS"
# The whole run takes a minute or two; the timeout only stops a hang.
timeout 400 node --test dashboard.test.mjs audit.test.mjs item.test.mjs
echo "browser-test: screenshots in $ARTIFACTS"
