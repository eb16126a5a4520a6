#!/usr/bin/env python3
"""Splits labelled JSONL by time, per label: the latest share of each label's dated messages
is LATE; the rest is cut by a hash of the id into TRAIN and SAME (a test part of the same period).
Undated messages are left out. For checking whether a model (or a feature) ages: train on TRAIN,
compare its figures on SAME with those on LATE. Per label, so that the label mix of LATE is that
of the whole file and the comparison is not a change of prior.

Usage: split_by_date.py IN.jsonl TRAIN.jsonl SAME.jsonl LATE.jsonl [--late-share 0.3] [--same-share 0.2]
IN needs a "date" field (ISO 8601 UTC, as scripts/spamassassin_to_jsonl.py writes).
"""
import hashlib
import json
import sys


def main(argv):
    args = argv[1:]
    opts = {"--late-share": 0.3, "--same-share": 0.2}
    for k in list(opts):
        if k in args:
            i = args.index(k)
            opts[k] = float(args[i + 1])
            del args[i:i + 2]
    if len(args) != 4:
        sys.exit(__doc__)
    src, train_path, same_path, late_path = args
    by_label = {}
    undated = 0
    for line in open(src, encoding="utf-8"):
        if not line.strip():
            continue
        row = json.loads(line)
        if not row.get("date"):
            undated += 1
            continue
        by_label.setdefault(row["label"], []).append(row)
    parts = {"train": [], "same": [], "late": []}
    for label, rows in sorted(by_label.items()):
        rows.sort(key=lambda r: (r["date"], r["id"]))
        cut = int(len(rows) * (1 - opts["--late-share"]))
        parts["late"] += rows[cut:]
        for r in rows[:cut]:
            h = int.from_bytes(hashlib.sha256(str(r["id"]).encode("utf-8")).digest()[:8], "big") / 2.0**64
            parts["same" if h < opts["--same-share"] else "train"].append(r)
        print(f"{label}: {len(rows)} dated, late from {rows[cut]['date'] if cut < len(rows) else '-'}", file=sys.stderr)
    for name, path in (("train", train_path), ("same", same_path), ("late", late_path)):
        with open(path, "w", encoding="utf-8") as f:
            for r in parts[name]:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        print(f"{name}: {len(parts[name])}", file=sys.stderr)
    if undated:
        print(f"left out {undated} undated", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv)
