#!/usr/bin/env python3
"""Runs the documentation as written (issue 14, point 8).

Every ```sh block of README.md and docs/API.md runs, in document order, in
one bash session per file (so a variable set in one block is there in the
next), with `set -euo pipefail`, in a fresh temporary directory that holds
only links to the checkout's examples/, scripts/ and web/ and to the build
directory as build/ -- no policies/, so the verbs must find the regime
files beside the binary, as they would outside a checkout.

Every ```http block of docs/API.md is sent, in document order, to an
`evenhand serve` that the runner starts on a free port from the block
marked `<!-- docs-test: server -->` (its --listen port is replaced by 0,
the port the server reports is used). An http block is

    # expect: 201            (optional; default: any 2xx)
    # check: state = accepted  (optional; a field of the JSON answer, dotted path, and its value
                               as JSON (null, true, 3) or as text)
    # save: ORDER = id       (optional; keeps a field of the JSON answer as $ORDER)
    METHOD /path?query
    Header: value

    body

`$NAME` in a block is replaced by the shell variable NAME of the API.md
session, or by a value saved from an earlier answer.

A block that must not run (installs, long benchmarks, a server meant to
stay up) is preceded by `<!-- docs-test: skip REASON -->`; the reason is
required.

Usage: run_docs.py SOURCE_DIR BUILD_DIR
Exit 0 when everything ran; else 1 with the file, line and what failed.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

MARKER = re.compile(r"^\s*<!--\s*docs-test:\s*(\w+)\s*(.*?)\s*-->\s*$")
FENCE = re.compile(r"^(\s*)```\s*([\w-]*)\s*$")


class Block:
    def __init__(self, path, line, lang, text, marker, reason):
        self.path, self.line, self.lang, self.text = path, line, lang, text
        self.marker, self.reason = marker, reason

    def where(self):
        return f"{self.path}:{self.line}"


def blocks(path, name):
    """The fenced blocks of a Markdown file, with the marker before each."""
    out = []
    lines = open(path, encoding="utf-8").read().split("\n")
    i = 0
    marker = reason = None
    while i < len(lines):
        m = MARKER.match(lines[i])
        if m:
            marker, reason = m.group(1), m.group(2)
            i += 1
            continue
        f = FENCE.match(lines[i])
        if f:
            indent, lang = f.group(1), f.group(2)
            start = i + 1
            j = start
            while j < len(lines) and not re.match(r"^\s*```\s*$", lines[j]):
                j += 1
            body = "\n".join(l[len(indent):] if l.startswith(indent) else l for l in lines[start:j])
            out.append(Block(name, start, lang, body, marker, reason))
            marker = reason = None
            i = j + 1
            continue
        if lines[i].strip():
            marker = reason = None  # a marker applies to the block right after it
        i += 1
    return out


def fail(msg):
    print("FAIL " + msg, file=sys.stderr)
    sys.exit(1)


def check_markers(bs):
    for b in bs:
        if b.marker is None:
            continue
        if b.marker not in ("skip", "server"):
            fail(f"{b.where()}: unknown docs-test marker \"{b.marker}\" (skip REASON | server)")
        if b.marker == "skip" and not b.reason:
            fail(f"{b.where()}: docs-test skip needs a reason")


def run_shell(bs, cwd, env, deadline):
    """Runs the sh blocks in one bash session; returns its variables."""
    script = ["set -euo pipefail -a"]  # -a: every variable set is exported, so the env dump has it
    ran = 0
    for b in bs:
        if b.lang not in ("sh", "bash", "shell") or b.marker in ("skip", "server"):
            continue
        script.append(f"echo '@@ {b.where()}' >&2")
        script.append(b.text)
        ran += 1
    script.append("echo '@@ end' >&2")
    script.append("env -0 > .docs-env")
    timeout = max(5, deadline - time.time())
    p = subprocess.run(["bash", "-c", "\n".join(script)], cwd=cwd, env=env, capture_output=True, text=True,
                       timeout=timeout)
    if p.returncode != 0:
        where = [l for l in p.stderr.split("\n") if l.startswith("@@ ")]
        block = where[-1][3:] if where else "?"
        fail(f"{block}: the shell block failed (exit {p.returncode})\n--- stdout (tail)\n"
             + "\n".join(p.stdout.split("\n")[-15:]) + "\n--- stderr (tail)\n" + "\n".join(p.stderr.split("\n")[-15:]))
    vars_ = {}
    for item in open(os.path.join(cwd, ".docs-env"), encoding="utf-8").read().split("\0"):
        if "=" in item:
            k, v = item.split("=", 1)
            vars_[k] = v
    return ran, vars_


def substitute(text, vars_, where):
    def one(m):
        name = m.group(1) or m.group(2)
        if name not in vars_:
            fail(f"{where}: ${name} is not set by an earlier block or answer")
        return vars_[name]
    return re.sub(r"\$\{(\w+)\}|\$([A-Z_][A-Z0-9_]*)", one, text)


def start_server(block, cwd, env, vars_):
    cmd = substitute(block.text.strip(), vars_, block.where())
    cmd = re.sub(r"--listen\s+(\S+):\d+", r"--listen \1:0", cmd)
    if "--listen" not in cmd:
        cmd += " --listen 127.0.0.1:0"
    log = open(os.path.join(cwd, "server.log"), "w+")
    proc = subprocess.Popen(["bash", "-c", "exec " + cmd], cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    deadline = time.time() + 15
    while time.time() < deadline:
        log.seek(0)
        m = re.search(r"listening on (http://[^/\s]+)/", log.read())
        if m:
            return proc, m.group(1)
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    log.seek(0)
    proc.kill()
    fail(f"{block.where()}: the server did not start:\n{log.read()}")


def field(obj, path):
    for part in path.split("."):
        if isinstance(obj, list):
            obj = obj[int(part)]
        else:
            obj = obj[part]
    return obj


def send(block, base, vars_):
    lines = block.text.split("\n")
    expect, saves, checks = None, [], []
    while lines and (lines[0].startswith("#") or not lines[0].strip()):
        c = lines.pop(0).lstrip("#").strip()
        if c.startswith("expect:"):
            expect = int(c.split(":", 1)[1].split()[0])
        elif c.startswith("save:"):
            name, path = (s.strip() for s in c.split(":", 1)[1].split("=", 1))
            saves.append((name, path))
        elif c.startswith("check:"):
            path, value = (s.strip() for s in c.split(":", 1)[1].split("=", 1))
            checks.append((path, substitute(value, vars_, block.where())))
        elif c:
            pass  # a comment for people
    if not lines:
        fail(f"{block.where()}: an http block without a request line")
    m = re.match(r"^(GET|POST|PUT|DELETE|PATCH)\s+(\S+)(\s+HTTP/1\.1)?\s*$", lines.pop(0))
    if not m:
        fail(f"{block.where()}: the first line is not METHOD /path")
    method, target = m.group(1), substitute(m.group(2), vars_, block.where())
    headers = {}
    while lines and lines[0].strip():
        k, v = lines.pop(0).split(":", 1)
        headers[k.strip()] = substitute(v.strip(), vars_, block.where())
    body = substitute("\n".join(lines).strip(), vars_, block.where())
    data = body.encode() if body else None
    if data and "Content-Type" not in headers:
        headers["Content-Type"] = "application/json"
    req = urllib.request.Request(base + target, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            status, text = r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read().decode()
    ok = status == expect if expect is not None else 200 <= status < 300
    if not ok:
        fail(f"{block.where()}: {method} {target} answered {status}, the document says "
             f"{expect if expect is not None else '2xx'}:\n{text[:2000]}")
    answer = None
    if saves or checks:
        try:
            answer = json.loads(text)
        except ValueError:
            fail(f"{block.where()}: the answer is not JSON:\n{text[:2000]}")
    for path, value in checks:
        try:
            got = field(answer, path)
        except (KeyError, IndexError, ValueError, TypeError):
            fail(f"{block.where()}: check: the answer has no \"{path}\":\n{text[:2000]}")
        try:
            wanted = json.loads(value)  # null, true, 3, "text"
        except ValueError:
            wanted = value
        if got != wanted and str(got) != value:
            fail(f"{block.where()}: check: {path} is \"{got}\", the document says \"{value}\":\n{text[:2000]}")
    for name, path in saves:
        try:
            vars_[name] = str(field(answer, path))
        except (KeyError, IndexError, ValueError, TypeError):
            fail(f"{block.where()}: save: the answer has no \"{path}\":\n{text[:2000]}")


def main():
    if len(sys.argv) != 3:
        fail("usage: run_docs.py SOURCE_DIR BUILD_DIR")
    src, build = (os.path.abspath(a) for a in sys.argv[1:])
    started = time.time()
    deadline = started + 55
    binary = os.path.join(build, "bin", "evenhand")
    if not os.access(binary, os.X_OK):
        fail(f"{binary}: not built")
    readme = blocks(os.path.join(src, "README.md"), "README.md")
    api = blocks(os.path.join(src, "docs", "API.md"), "docs/API.md")
    check_markers(readme + api)
    env = {k: v for k, v in os.environ.items() if not k.startswith("EVENHAND")}
    # No evenhand on the PATH but what the documents put there.
    env["PATH"] = ":".join(p for p in env.get("PATH", "/usr/bin:/bin").split(":")
                           if not os.path.exists(os.path.join(p, "evenhand")))
    server = None
    work = tempfile.mkdtemp(prefix="evenhand-docs-")
    try:
        counts = {}
        for name, bs in (("README.md", readme), ("docs/API.md", api)):
            cwd = os.path.join(work, name.replace("/", "_"))
            os.makedirs(cwd)
            for d in ("examples", "scripts", "web"):
                os.symlink(os.path.join(src, d), os.path.join(cwd, d))
            os.symlink(build, os.path.join(cwd, "build"))
            ran, vars_ = run_shell(bs, cwd, env, deadline)
            sent = 0
            servers = [b for b in bs if b.marker == "server"]
            requests = [b for b in bs if b.lang == "http" and b.marker != "skip"]
            if requests and not servers:
                fail(f"{name}: http blocks but no block marked <!-- docs-test: server -->")
            if servers:
                server, base = start_server(servers[0], cwd, vars_, vars_)
                for b in requests:
                    if time.time() > deadline:
                        fail(f"{b.where()}: over the time limit")
                    send(b, base, vars_)
                    sent += 1
                server.send_signal(signal.SIGTERM)
                try:
                    rc = server.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    server.kill()
                    fail(f"{servers[0].where()}: the server did not stop on SIGTERM")
                server = None
                if rc != 0:
                    fail(f"{servers[0].where()}: the server exited {rc}")
            skipped = sum(1 for b in bs if b.marker == "skip")
            counts[name] = (ran, sent, skipped)
        for name, (ran, sent, skipped) in counts.items():
            print(f"{name}: {ran} shell blocks ran, {sent} requests answered as documented, {skipped} blocks skipped")
        print(f"docs ran as written in {time.time() - started:.1f} s")
    finally:
        if server is not None and server.poll() is None:
            server.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
