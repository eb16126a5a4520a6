#!/usr/bin/env python3
"""Generates examples/behavior/campaign.jsonl, deterministically: a small
stream for `evenhand behavior` with two planted networks among organic
accounts, so its outputs (networks, decisions) are never empty by chance.

- organic: 80 accounts post 600 sentences of random words over 7 days, and
  60 of them share 40 popular links, 15 sharers each, at random times
  within 4 hours (viral sharing, not coordination: the chance co-actions
  the networks are judged against);
- flood: 6 accounts post one text within 30 s, on 4 days (a new text a day);
- slow: 5 accounts post edited copies of one text over 40 minutes, on 4 days.

examples/posts.jsonl (scripts/make-examples.py) is a different example: its
accounts pick template sentences at random, so it holds no coordination.
"""
import json
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "examples", "behavior", "campaign.jsonl")
rng = random.Random(20261207)
START = 1793491200  # 2026-11-01T00:00:00Z
WORDS = [a + b for a in ["ka", "lo", "mi", "ru", "sen", "ta", "vo", "pel", "dri", "zu", "ne", "fo"]
         for b in ["bra", "ost", "em", "ush", "kel", "tir", "om", "va", "pru", "in", "dak", "esh"]]


def iso(t):
    import datetime
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def sentence(n):
    return " ".join(rng.choice(WORDS) for _ in range(n))


def main():
    accounts = [f"u{i:03d}" for i in range(80)] + [f"flood{i}" for i in range(6)] + [f"slow{i}" for i in range(5)]
    posts = []
    for _ in range(600):
        posts.append((START + rng.randint(0, 7 * 86400), rng.choice(accounts[:80]), sentence(rng.randint(6, 16))))
    for link in range(40):
        pub = START + rng.randint(0, 6 * 86400)
        for acct in rng.sample(accounts[:60], 15):
            posts.append((pub + rng.randint(60, 4 * 3600), acct, sentence(3) + f" https://news.example/story/{link}"))
    for day in range(4):
        text = "share now " + sentence(12)
        for i in range(6):
            posts.append((START + day * 86400 + 36000 + rng.randint(0, 30), f"flood{i}", text))
    for day in range(4):
        words = sentence(16).split()
        for i in range(5):
            copy = list(words)
            copy[rng.randrange(len(copy))] = rng.choice(WORDS)
            text = " ".join(copy) + ("!" if i % 2 else "")
            posts.append((START + day * 86400 + 50000 + i * 480 + rng.randint(0, 60), f"slow{i}", text))
    posts.sort()
    with open(OUT, "w", encoding="utf-8") as f:
        for a in accounts:
            created = START - rng.randint(20, 900) * 86400
            f.write(json.dumps({"kind": "account", "id": a, "created": iso(created), "country": rng.choice(["BR", "DE", "IN", "PK", "US"])}) + "\n")
        for n, (ts, acct, text) in enumerate(posts):
            f.write(json.dumps({"kind": "post", "id": f"b{n:04d}", "account": acct, "ts": iso(ts), "text": text}) + "\n")


if __name__ == "__main__":
    main()
