#!/usr/bin/env python3
"""Writes examples/posts.jsonl (or FILE) COPIES times to stdout with fresh ids
("c<copy>-<id>", accounts too), so every copy is new to a store or a stream.

Usage: python3 bench/repeat_posts.py FILE COPIES > posts.jsonl
"""
import json
import sys

lines = open(sys.argv[1]).read().splitlines()
for c in range(int(sys.argv[2])):
    for line in lines:
        j = json.loads(line)
        j["id"] = f"c{c}-{j['id']}"
        if j.get("kind") == "post" and "account" in j:
            j["account"] = f"c{c}-{j['account']}"
        print(json.dumps(j, ensure_ascii=False))
