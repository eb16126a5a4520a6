#!/usr/bin/env python3
"""Splits labeled JSONL into a training and a held-out test file, deterministically.

Usage: split_jsonl.py IN.jsonl TRAIN.jsonl TEST.jsonl [--test-share 0.2] [--by group]

Each line goes to TEST when the SHA-256 of its "id" falls in the first
test-share of the hash space, so the split never depends on file order or on
a random seed, and a message is always on the same side. Per value of the
--by field (default "group") the shares are reported, so a group such as
hard-ham-1 is seen to be represented on both sides.
"""
import hashlib
import json
import sys


def main(argv):
    args = argv[1:]
    share, by = 0.2, "group"
    if "--test-share" in args:
        i = args.index("--test-share")
        share = float(args[i + 1])
        del args[i:i + 2]
    if "--by" in args:
        i = args.index("--by")
        by = args[i + 1]
        del args[i:i + 2]
    if len(args) != 3:
        sys.exit(__doc__)
    src, train_path, test_path = args
    counts = {}
    with open(src, encoding="utf-8") as f, open(train_path, "w", encoding="utf-8") as train, \
            open(test_path, "w", encoding="utf-8") as test:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            key = str(row.get("id", n)).encode("utf-8")
            h = int.from_bytes(hashlib.sha256(key).digest()[:8], "big") / 2.0**64
            side = "test" if h < share else "train"
            (test if side == "test" else train).write(line if line.endswith("\n") else line + "\n")
            g = str(row.get(by, ""))
            counts.setdefault(g, {"train": 0, "test": 0})[side] += 1
    for g, c in sorted(counts.items()):
        print(f"{by} {g or '(none)'}: train {c['train']}, test {c['test']}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv)
