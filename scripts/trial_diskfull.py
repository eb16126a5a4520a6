#!/usr/bin/env python3
"""Disk-full trial: the store on a small tmpfs (needs root to mount it).

1. `evenhand scan --db` of more posts than the disk holds must fail cleanly:
   exit 1 with a clear message, nothing of the run stored, the chain verifies.
2. `evenhand serve` on the same store under load until the disk is full:
   answers are 200 or 503 (never 500, never a dropped connection without an
   answer), every acknowledged scan is stored, the chain verifies.
   Every 503 carries Retry-After and the code store_unavailable; /healthz
   keeps answering 200.
3. kill -9 of that server while the disk is full, and a restart on the still
   full disk: it starts (or exits 1 naming the disk), answers /healthz, and
   scans are 503, never 500; nothing acknowledged is lost.
4. The disk is grown (remount): the server accepts scans again.
5. Every other verb that writes a file, its output on a full tmpfs and its
   standard output on /dev/full (scripts/diskfull_verbs.py).

Usage: python3 scripts/trial_diskfull.py BINARY [--size-mib 3]
Loopback only; bounded (a few thousand requests); unmounts what it mounted.
"""
import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from trial_kill import POLICY, ROOT, counts, free_port, make_key, start_server, verify, write_input  # noqa: E402
import diskfull_verbs  # noqa: E402


def scan_once(port, key, item, text):
    body = json.dumps({"id": item, "text": text, "region": "PK"}).encode()
    req = (f"POST /v1/scan HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer {key}\r\nConnection: close\r\n"
           f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=30)
        s.sendall(req)
        out = b""
        while True:
            d = s.recv(65536)
            if not d:
                break
            out += d
        s.close()
    except OSError:
        return 0, b""
    return (int(out[9:12]) if out.startswith(b"HTTP/1.1 ") else 0), out


def get(port, path):
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=30)
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n".encode())
        out = b""
        while True:
            d = s.recv(65536)
            if not d:
                break
            out += d
        s.close()
    except OSError:
        return 0, b""
    return (int(out[9:12]) if out.startswith(b"HTTP/1.1 ") else 0), out


def unavailable_ok(response):
    """A 503 for a full disk: Retry-After, the code store_unavailable, and SQLite's words."""
    head = response.split(b"\r\n\r\n", 1)[0].lower()
    return b"retry-after:" in head and b"store_unavailable" in response and b"full" in response


def main():
    import random
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--size-mib", type=int, default=3)
    a = ap.parse_args()
    binary = os.path.abspath(a.binary)
    work = tempfile.mkdtemp(prefix="evenhand-diskfull-")
    disk = os.path.join(work, "disk")
    os.makedirs(disk)
    subprocess.check_call(["mount", "-t", "tmpfs", "-o", f"size={a.size_mib}m", "tmpfs", disk])
    failures = []
    server = None
    try:
        db = os.path.join(disk, "db.sqlite")
        key = make_key(binary, db)
        # 1. A scan bigger than the disk.
        inp = os.path.join(work, "big.jsonl")
        write_input(inp, "full", 40000, random.Random(1))
        p = subprocess.run([binary, "scan", inp, "--policy", POLICY, "--db", db, "-q", "-o", os.devnull],
                           cwd=ROOT, capture_output=True, text=True)
        message = p.stderr.strip().splitlines()[-1] if p.stderr.strip() else ""
        total, distinct, orphans, _ = counts(db)
        ok, vmsg = verify(binary, db)
        print(f"scan on a full disk: exit {p.returncode}, \"{message[:160]}\", {distinct} decisions kept, "
              f"chain {'verifies' if ok else 'BROKEN: ' + vmsg}")
        if p.returncode != 1 or distinct != 0 or not ok or "full" not in message.lower():
            failures.append("scan on a full disk did not fail cleanly")
        # 2. serve until the disk is full.
        port = free_port()
        log = open(os.path.join(work, "serve.log"), "w")
        server = start_server(binary, db, port, log)
        acked, statuses = [], {}
        filler = "x" * 4000
        for i in range(6000):
            status, body = scan_once(port, key, f"d{i}", f"free money {i} {filler}")
            statuses[status] = statuses.get(status, 0) + 1
            if status == 200:
                acked.append(f"d{i}")
            if statuses.get(503, 0) >= 20:
                break
            if status == 503 and not unavailable_ok(body):
                failures.append(f"a 503 without Retry-After or store_unavailable: {body[:300]!r}")
                break
        print(f"serve on a filling disk: answers {statuses}, {len(acked)} acknowledged")
        if statuses.get(500) or statuses.get(0):
            failures.append(f"serve answered 500 or nothing on a full disk: {statuses}")
        if not statuses.get(503):
            failures.append("the disk never filled (raise the request count or lower --size-mib)")
        status, _ = get(port, "/healthz")
        if status != 200:
            failures.append(f"/healthz answered {status} on a full disk")
        # 3. kill -9 on the full disk, then a restart on the still full disk.
        server.send_signal(signal.SIGKILL)
        server.wait()
        server = None
        total, distinct, orphans, items = counts(db)
        lost = [i for i in acked if i not in items]
        ok, vmsg = verify(binary, db)
        print(f"after kill -9 on the full disk: {distinct} decisions, {len(lost)} acknowledged lost, "
              f"{orphans} orphans, chain {'verifies' if ok else 'BROKEN: ' + vmsg}")
        if lost or orphans or not ok:
            failures.append("acknowledged scans lost or chain broken after kill -9 on a full disk")
        server = start_server(binary, db, port, log)
        if server is None or server.poll() is not None:
            log.flush()
            tail = open(os.path.join(work, "serve.log")).read().strip().splitlines()[-1:]
            print(f"restart on the full disk: the server exited {server.returncode if server else '?'}: {tail}")
            if not tail or "full" not in tail[0].lower():
                failures.append(f"restart on a full disk failed without naming the disk: {tail}")
            server = None
        else:
            h, _ = get(port, "/healthz")
            statuses = {}
            for i in range(5):
                status, body = scan_once(port, key, f"r{i}", f"free money {i} {filler}")
                statuses[status] = statuses.get(status, 0) + 1
                if status == 200:
                    acked.append(f"r{i}")
                elif status != 503 or not unavailable_ok(body):
                    failures.append(f"restart on a full disk: scan answered {status}: {body[:300]!r}")
            print(f"restart on the full disk: /healthz {h}, scans {statuses}")
            if h != 200:
                failures.append(f"restart on a full disk: /healthz {h}")
        # 4. Grow the disk: the server takes scans again.
        subprocess.check_call(["mount", "-o", f"remount,size={a.size_mib * 8}m", disk])
        if server is None:
            server = start_server(binary, db, port, log)
        status, _ = scan_once(port, key, "after-remount", "free money again")
        print(f"after the disk grew: {status}")
        if status != 200:
            failures.append(f"no recovery after the disk grew: {status}")
        else:
            acked.append("after-remount")
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        server = None
        total, distinct, orphans, items = counts(db)
        lost = [i for i in acked if i not in items]
        ok, vmsg = verify(binary, db)
        print(f"after stop: {distinct} decisions, {len(lost)} acknowledged lost, {orphans} orphans, "
              f"chain {'verifies' if ok else 'BROKEN: ' + vmsg}")
        if lost or orphans or not ok:
            failures.append("acknowledged scans lost or chain broken")
        # 5. The other verbs that write files.
        full = os.path.join(work, "full")
        os.makedirs(full)
        subprocess.check_call(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", full])
        try:
            print("other verbs, outputs on a full disk:")
            failures += diskfull_verbs.run(binary, work, full)
        finally:
            subprocess.call(["umount", full])
    finally:
        if server is not None:
            server.send_signal(signal.SIGKILL)
            server.wait()
        time.sleep(0.2)
        subprocess.call(["umount", disk])
    print("trial_diskfull: " + ("passed" if not failures else "FAILED: " + "; ".join(failures)))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
