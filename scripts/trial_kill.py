#!/usr/bin/env python3
"""Crash trials: kill -9 of `evenhand scan --db` and of `evenhand serve` under
load, at random moments, then check what the store kept.

Each trial asserts:
  - every acknowledged write is stored (scan: exit 0 means all its posts;
    serve: every scan answered 200 has its decision);
  - nothing is half-written (scan is one transaction: all of a run's
    decisions or none; serve: no decision without its post);
  - the audit chain verifies (`evenhand audit verify`);
  - a re-run is idempotent (scan again / re-send every id: the store ends
    with exactly one decision per id and the chain still verifies).

Usage: python3 scripts/trial_kill.py BINARY [--kind scan|serve|both] [--trials N]
       [--seed S] [--log FILE]
Loopback only; bounded: N trials, each a few seconds, every process it
starts is stopped. Exit 1 on the first violated promise (with the trial's
seed and store kept in the printed directory).
"""
import argparse
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
POLICY = os.path.join(ROOT, "examples", "policy.yaml")
WORDS = ["free", "money", "hello", "meeting", "click", "win", "prize", "today", "news", "call", "now"]


def make_key(binary, db):
    """A moderator key for a registered person (keys belong to people)."""
    subprocess.run([binary, "people", "add", "--db", db, "--id", "trial", "--role", "admin", "--role", "moderator",
                    "--actor", "trial"], check=True, capture_output=True)
    out = subprocess.check_output([binary, "keys", "create", "--db", db, "--role", "moderator", "--person", "trial",
                                   "--actor", "trial", "--name", "trial"], stderr=subprocess.DEVNULL)
    return json.loads(out)["key"]


def verify(binary, db):
    p = subprocess.run([binary, "audit", "verify", "--db", db], capture_output=True, text=True)
    return p.returncode == 0, (p.stdout + p.stderr).strip()[-300:]


def counts(db):
    c = sqlite3.connect(db, timeout=30)
    try:
        if c.execute("SELECT COUNT(*) FROM sqlite_master WHERE name = 'decisions'").fetchone()[0] == 0:
            return 0, 0, 0, set()  # killed before the schema was created: an empty store
        d = c.execute("SELECT COUNT(*), COUNT(DISTINCT item) FROM decisions").fetchone()
        orphans = c.execute("SELECT COUNT(*) FROM decisions WHERE item NOT IN (SELECT id FROM posts)").fetchone()[0]
        items = {r[0] for r in c.execute("SELECT item FROM decisions")}
    finally:
        c.close()
    return d[0], d[1], orphans, items


def write_input(path, prefix, n, rng):
    with open(path, "w") as f:
        for i in range(n):
            text = " ".join(rng.choice(WORDS) for _ in range(8))
            f.write(json.dumps({"kind": "post", "id": f"{prefix}-{i}", "text": text, "region": "PK"}) + "\n")


def scan_trial(binary, work, trial, rng):
    db = os.path.join(work, "scan.sqlite")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    n = rng.randint(200, 3000)
    inp = os.path.join(work, "in.jsonl")
    write_input(inp, f"s{trial}", n, rng)
    cmd = [binary, "scan", inp, "--policy", POLICY, "--db", db, "-o", os.path.join(work, "out.jsonl"), "-q"]
    p = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(rng.uniform(0, 0.6))
    p.send_signal(signal.SIGKILL)
    rc = p.wait()
    acknowledged = rc == 0
    if not os.path.exists(db):
        stored = 0
    else:
        total, distinct, orphans, _ = counts(db)
        if orphans:
            return f"{orphans} decisions without their post"
        if acknowledged and distinct != n:
            return f"scan exited 0 but {distinct} of {n} decisions are stored"
        if distinct not in (0, n):
            return f"half-written: {distinct} of {n} decisions after kill -9"
        ok, msg = verify(binary, db)
        if not ok:
            return f"audit chain: {msg}"
        stored = distinct
    # Re-run: completes, exactly n decisions, chain verifies; again: nothing new.
    for attempt in range(2):
        r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        if r.returncode != 0:
            return f"re-run {attempt + 1} failed: {r.stderr.strip()[-300:]}"
        total, distinct, orphans, _ = counts(db)
        if total != n or distinct != n or orphans:
            return f"re-run {attempt + 1}: {total} decisions ({distinct} distinct, {orphans} orphans) for {n} posts"
    ok, msg = verify(binary, db)
    if not ok:
        return f"audit chain after re-run: {msg}"
    return None if stored in (0, n) else "unreachable"


class Load:
    """Clients POSTing /v1/scan with unique ids; records the ids answered 200."""

    def __init__(self, port, key, prefix, clients=4):
        self.port, self.key, self.prefix = port, key, prefix
        self.sent, self.acked = [], []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.run, args=(c,)) for c in range(clients)]

    def start(self):
        for t in self.threads:
            t.start()

    def finish(self):
        self.stop.set()
        for t in self.threads:
            t.join()

    def run(self, c):
        i = 0
        s = None
        while not self.stop.is_set():
            item = f"{self.prefix}-{c}-{i}"
            i += 1
            body = json.dumps({"id": item, "text": "free money " + item, "region": "PK"}).encode()
            req = (f"POST /v1/scan HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer {self.key}\r\n"
                   f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body
            with self.lock:
                self.sent.append(item)
            try:
                if s is None:
                    s = socket.create_connection(("127.0.0.1", self.port), timeout=5)
                s.sendall(req)
                buf = b""
                while b"\r\n\r\n" not in buf:
                    d = s.recv(65536)
                    if not d:
                        raise OSError("closed")
                    buf += d
                head, rest = buf.split(b"\r\n\r\n", 1)
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                while len(rest) < length:
                    d = s.recv(65536)
                    if not d:
                        raise OSError("closed")
                    rest += d
                if head.startswith(b"HTTP/1.1 200"):
                    with self.lock:
                        self.acked.append(item)
            except OSError:
                if s is not None:
                    s.close()
                s = None
                time.sleep(0.01)
        if s is not None:
            s.close()


def free_port():
    """A loopback port nothing listens on now (the kernel picks it), so that a
    trial never talks to another process's server on a shared machine."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start_server(binary, db, port, log):
    p = subprocess.Popen([binary, "serve", "--db", db, "--policy", POLICY, "--listen", f"127.0.0.1:{port}",
                          "--no-web", "--rate-limit", "0"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log)
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return p
        except OSError:
            if p.poll() is not None:
                return None
            time.sleep(0.02)
    return p


def serve_trial(binary, db, work, trial, rng, key, port):
    log = open(os.path.join(work, "serve.log"), "a")
    before = counts(db)[1]
    server = start_server(binary, db, port, log)
    if server is None:
        return "serve did not start"
    load = Load(port, key, f"v{trial}")
    load.start()
    time.sleep(rng.uniform(0.05, 1.2))
    server.send_signal(signal.SIGKILL)
    server.wait()
    load.finish()
    total, distinct, orphans, items = counts(db)
    missing = [i for i in load.acked if i not in items]
    if missing:
        return f"{len(missing)} acknowledged scans lost after kill -9 (e.g. {missing[0]})"
    if orphans:
        return f"{orphans} decisions without their post"
    if total != distinct:
        return f"{total - distinct} duplicate decisions"
    ok, msg = verify(binary, db)
    if not ok:
        return f"audit chain: {msg}"
    # Re-send everything that was sent (acknowledged or not): all 200, one decision each.
    server = start_server(binary, db, port, log)
    if server is None:
        return "serve did not restart"
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        f = s.makefile("rb")
        for item in load.sent:
            body = json.dumps({"id": item, "text": "free money " + item, "region": "PK"}).encode()
            s.sendall((f"POST /v1/scan HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer {key}\r\n"
                       f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body)
            status = f.readline()
            length = 0
            while True:
                line = f.readline()
                if line in (b"\r\n", b""):
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            f.read(length)
            if not status.startswith(b"HTTP/1.1 200"):
                return f"re-send of {item}: {status.strip()}"
        s.close()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    total, distinct, orphans, items = counts(db)
    if total != distinct or orphans or any(i not in items for i in load.sent):
        return f"after re-send: {total} decisions, {distinct} distinct, {orphans} orphans"
    if distinct != before + len(set(load.sent)):
        return f"after re-send: {distinct} decisions, expected {before + len(set(load.sent))}"
    ok, msg = verify(binary, db)
    if not ok:
        return f"audit chain after re-send: {msg}"
    trial_stats.append((len(load.sent), len(load.acked)))
    return None


trial_stats = []
SERVE_TRIALS_PER_STORE = 20  # serve trials sharing one store (each adds about 1,500 scans)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--kind", default="both", choices=["scan", "serve", "both"])
    ap.add_argument("--trials", type=int, default=10)
    ap.add_argument("--seed", type=int, default=int(time.time()))
    ap.add_argument("--log")
    a = ap.parse_args()
    binary = os.path.abspath(a.binary)
    rng = random.Random(a.seed)
    work = tempfile.mkdtemp(prefix="evenhand-trial-")
    serve_db, key = None, None
    port = free_port()
    kinds = ["scan", "serve"] if a.kind == "both" else [a.kind]
    start = time.time()
    done = {k: 0 for k in kinds}
    for t in range(a.trials):
        kind = kinds[t % len(kinds)]
        if kind == "serve" and done["serve"] % SERVE_TRIALS_PER_STORE == 0:
            # A fresh store now and then: every trial verifies the whole chain,
            # so one store for all trials would make each slower than the last.
            if serve_db is not None:
                for suffix in ("", "-wal", "-shm"):
                    if os.path.exists(serve_db + suffix):
                        os.remove(serve_db + suffix)
            serve_db = os.path.join(work, f"serve-{t}.sqlite")
            key = make_key(binary, serve_db)
        if kind == "scan":
            err = scan_trial(binary, work, t, rng)
        else:
            err = serve_trial(binary, serve_db, work, t, rng, key, port)
        if err:
            print(f"trial_kill: FAILED trial {t} ({kind}, seed {a.seed}): {err}; store kept in {work}")
            sys.exit(1)
        done[kind] += 1
        if (t + 1) % 50 == 0:
            print(f"trial_kill: {t + 1} trials passed so far ({time.time() - start:.0f} s)", flush=True)
    sent = sum(s for s, _ in trial_stats)
    acked = sum(k for _, k in trial_stats)
    line = (f"trial_kill: {a.trials} trials passed ({', '.join(f'{v} {k}' for k, v in done.items())}), "
            f"seed {a.seed}, {time.time() - start:.0f} s; serve: {acked} acknowledged of {sent} sent, all stored")
    print(line)
    if a.log:
        with open(a.log, "a") as f:
            f.write(line + "\n")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
