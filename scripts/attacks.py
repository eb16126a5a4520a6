#!/usr/bin/env python3
"""The attacks of issue 17 against an `evenhand` binary, on loopback only.

Starts `BINARY serve` on a fresh store (with the dashboard of the source
tree), runs each attack once and prints one line per attack: held or broken,
with what was seen. Used to show that each attack broke the server before
issue 17 (run it with an older binary) and holds now; the permanent tests
are tests/server_attack_test.cc and tests/model_reader_test.cc.

Usage: python3 scripts/attacks.py BINARY [--only NAME,...]
Bounded: each attack runs at most ~20 s; the server is stopped at the end.
"""
import json
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from trial_kill import make_key  # noqa: E402


def raw(port, data, timeout=5.0, until=None):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.sendall(data)
    out = b""
    end = time.time() + timeout
    try:
        while time.time() < end:
            s.settimeout(max(0.05, end - time.time()))
            d = s.recv(65536)
            if not d:
                break
            out += d
            if until and until in out:
                break
    except (socket.timeout, ConnectionResetError):
        pass
    s.close()
    return out


def status(resp):
    return int(resp[9:12]) if resp.startswith(b"HTTP/1.1 ") else 0


def post(key, body, ctype="application/json", path="/v1/scan"):
    head = f"POST {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {key}\r\n"
    if ctype:
        head += f"Content-Type: {ctype}\r\n"
    return (head + f"Content-Length: {len(body)}\r\n\r\n").encode() + body


def main():
    binary = os.path.abspath(sys.argv[1])
    only = None
    if "--only" in sys.argv:
        only = set(sys.argv[sys.argv.index("--only") + 1].split(","))
    work = tempfile.mkdtemp(prefix="evenhand-attacks-")
    db = os.path.join(work, "db.sqlite")
    key = make_key(binary, db)
    port = 18900 + os.getpid() % 500
    log = open(os.path.join(work, "serve.log"), "w")
    server = subprocess.Popen([binary, "serve", "--db", db, "--policy", "examples/policy.yaml", "--listen",
                               f"127.0.0.1:{port}", "--web", os.path.join(ROOT, "web"), "--rate-limit", "0"],
                              cwd=ROOT, stderr=log)
    for _ in range(100):
        try:
            if status(raw(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 1, b"}")) == 200:
                break
        except OSError:
            time.sleep(0.1)
    results = []

    def report(name, held, seen):
        results.append(held)
        print(f"{'held  ' if held else 'BROKEN'} {name}: {seen}", flush=True)

    def decisions(item):
        c = sqlite3.connect(db, timeout=10)
        n = c.execute("SELECT COUNT(*) FROM decisions WHERE item = ?", (item,)).fetchone()[0]
        c.close()
        return n

    def want(name):
        return only is None or name in only

    try:
        if want("slow"):
            # 100 connections send one header byte every 200 ms; /healthz must answer within 1 s.
            stop = threading.Event()
            socks = []
            for _ in range(100):
                try:
                    socks.append(socket.create_connection(("127.0.0.1", port), timeout=2))
                except OSError:
                    pass

            def trickle():
                head = b"POST /v1/scan HTTP/1.1\r\nHost: x\r\nX-Slow: "
                i = 0
                while not stop.is_set():
                    for s in socks:
                        try:
                            s.send(head[i:i + 1] if i < len(head) else b"a")
                        except OSError:
                            pass
                    i += 1
                    time.sleep(0.2)
            t = threading.Thread(target=trickle)
            t.start()
            time.sleep(1)
            t0 = time.time()
            try:
                r = raw(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 3, b"}")
            except OSError as e:
                r = str(e).encode()
            took = time.time() - t0
            stop.set()
            t.join()
            for s in socks:
                s.close()
            report("100 slow clients, /healthz", status(r) == 200 and took < 1, f"status {status(r)} in {took:.2f} s")
        if want("deadline"):
            # One header byte every 500 ms for 15 s: the server must cut it (408 or close) before the end.
            s = socket.create_connection(("127.0.0.1", port), timeout=2)
            head = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100
            t0 = time.time()
            got = b""
            for i in range(30):
                try:
                    s.send(head[i:i + 1])
                    s.settimeout(0.5)
                    d = s.recv(4096)
                    got += d
                    if not d or got:
                        break
                except socket.timeout:
                    continue
                except OSError:
                    break
            s.close()
            report("a request trickling in for 15 s", bool(got) or time.time() - t0 < 14,
                   f"answer {status(got)} after {time.time() - t0:.1f} s")
        if want("chunked"):
            # A 5 MiB post, chunked, with a key, against the default 1 MiB limit.
            body = json.dumps({"id": "chunked-big", "text": "a" * (5 << 20)}).encode()
            data = b"POST /v1/scan HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key.encode() + \
                b"\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            for i in range(0, len(body), 65536):
                c = body[i:i + 65536]
                data += b"%x\r\n" % len(c) + c + b"\r\n"
            data += b"0\r\n\r\n"
            try:
                r = raw(port, data, 15, b"}")
            except OSError as e:
                r = str(e).encode()
            stored = decisions("chunked-big")
            report("5 MiB chunked post over a 1 MiB limit", status(r) == 413 and stored == 0,
                   f"status {status(r)}, stored {stored}")
        if want("nul"):
            r = raw(port, b"GET /index.html%00.js HTTP/1.1\r\nHost: x\r\n\r\n", 3, b"</html>")
            js = b"javascript" in r.split(b"\r\n\r\n")[0].lower()
            report("NUL in a path", status(r) == 400, f"status {status(r)}{', served as JavaScript' if js else ''}")
        if want("type"):
            r = raw(port, post(key, json.dumps({"id": "typed", "text": "x"}).encode(), "text/plain"), 5, b"}")
            report("a text/plain body on /v1/scan", status(r) == 415, f"status {status(r)}, stored {decisions('typed')}")
        if want("missing"):
            t0 = time.time()
            r = raw(port, b"POST /v1/scan HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key.encode() +
                    b"\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"id\":", 20, b"}")
            report("a body announced and never sent", status(r) == 408,
                   f"status {status(r)} after {time.time() - t0:.1f} s")
        if want("busy"):
            c = sqlite3.connect(db, timeout=10, isolation_level=None)
            c.execute("BEGIN IMMEDIATE")
            t0 = time.time()
            r = raw(port, post(key, json.dumps({"id": "busy", "text": "x"}).encode()), 20, b"}")
            c.execute("ROLLBACK")
            c.close()
            report("another process holds the store", status(r) == 503 and b"Retry-After" in r,
                   f"status {status(r)} after {time.time() - t0:.1f} s")
    finally:
        server.terminate()
        server.wait(timeout=30)
    if only is None or "cli" in only:
        big = os.path.join(work, "big.jsonl")
        with open(big, "w") as f:
            f.write("\ufeff" + json.dumps({"kind": "account", "id": "acc1"}) + "\n")
            f.write(json.dumps({"kind": "post", "id": "p1", "account": "acc1", "text": "ok"}) + "\n")
            f.write(json.dumps({"kind": "post", "id": "huge", "account": "acc1", "text": "a" * (64 << 20)}) + "\n")
        out = os.path.join(work, "out.jsonl")
        stale = out + ".tmp-999999999"
        open(stale, "w").write("left by a killed scan\n")
        p = subprocess.run(["/usr/bin/time", "-f", "%M", binary, "scan", big, "--policy", "examples/policy.yaml",
                            "-o", out, "--on-error", "skip", "-q"], cwd=ROOT, capture_output=True, text=True)
        peak_mb = int(p.stderr.strip().splitlines()[-1]) // 1024 if p.stderr.strip() else -1
        lines = open(out).read().splitlines() if os.path.exists(out) else []
        report("a 64 MiB post to scan", "huge" not in "".join(lines) and peak_mb < 200,
               f"exit {p.returncode}, peak {peak_mb} MB, {p.stderr.strip().splitlines()[:1]}")
        first = [l for l in p.stderr.splitlines() if ":1:" in l]
        report("a UTF-8 BOM before the first account", not first, first[0] if first else "line 1 read")
        report("a stale OUT.tmp-PID of a dead scan", not os.path.exists(stale), "removed" if not os.path.exists(stale)
               else "left behind")
    print(f"{sum(results)} held, {len(results) - sum(results)} broken")


if __name__ == "__main__":
    main()
