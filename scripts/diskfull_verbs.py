#!/usr/bin/env python3
"""Disk-full trial of the verbs that write files (step 5 of trial_diskfull.py).

Every verb that writes an output other than `scan` -- bank import and export,
behavior (decisions, networks, signals, clusters, --sort), train, predict,
datareq disclose, sor export, report transparency and report all -- is run
with its output on a full tmpfs (its inputs and store on a disk with room).
Each must exit 1 with a message naming the output and the OS error ("No
space left on device"), leave nothing on the full disk (no output, no
temporary), and change nothing in its store (`datareq disclose` keeps the
request approved, not disclosed). Then standard output is sent to /dev/full:
exit 1 again, never 0 with the output lost.

run(binary, work, full) -> list of failures; `full` is an empty directory on
a tmpfs this module fills (and empties again at the end).
Usage alone: python3 scripts/diskfull_verbs.py BINARY  (root: mounts a tmpfs)
"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from trial_kill import POLICY, ROOT  # noqa: E402

PERIOD = ["--from", "2026-11-01T00:00:00Z", "--to", "2026-12-01T00:00:00Z"]
BEHAVIOR = ["behavior", "examples/behavior/campaign.jsonl", "--policy", "policies/behavior.yaml"]  # planted networks: output to write


def cli(binary, args, stdout=subprocess.DEVNULL):
    p = subprocess.run([binary] + args, cwd=ROOT, stdout=stdout, stderr=subprocess.PIPE, text=True)
    return p.returncode, p.stderr.strip()


def fixtures(binary, work):
    """A bank, a model, and a store with decisions and an approved data request."""
    bank = os.path.join(work, "files.ehb")
    model = os.path.join(work, "m.ftz")
    db = os.path.join(work, "verbs.db")
    steps = [
        ["bank", "import", "--name", "known_files", "examples/known-video/banks/known_files.md5", "-o", bank],
        ["train", "--data", "examples/classify/spamassassin-sample.jsonl", "--epoch", "1", "-o", model],
        ["scan", "examples/posts.jsonl", "--policy", POLICY, "-q", "-o", os.devnull, "--db", db],
        ["people", "add", "--db", db, "--id", "admin", "--role", "admin", "--actor", "admin"],
    ]
    steps += [["people", "add", "--db", db, "--id", p, "--role", "moderator", "--actor", "admin"]
              for p in ("intake", "analyst-1", "legal-2")]
    steps += [["authority", "add", "--db", db, "--actor", "admin", "--id", "pta", "--name", "PTA",
               "--jurisdiction", "PK", "--kind", "regulator"]]
    for s in steps:
        rc, err = cli(binary, s)
        if rc != 0:
            raise RuntimeError(f"fixture {' '.join(s[:2])} failed: {err}")
    p = subprocess.run([binary, "datareq", "submit", "--db", db, "--actor", "intake", "--now", "2026-11-21T12:00:00Z",
                        "examples/cases/datareqs.jsonl"], cwd=ROOT, capture_output=True, text=True)
    request = json.loads(p.stdout.splitlines()[1])["id"]  # PTA: accepted, cross-border
    at = ["--db", db, "--now", "2026-11-21T13:00:00Z"]
    for s in (["prepare"] + at + ["--actor", "analyst-1", request],
              ["legal-review"] + at + ["--actor", "legal-2", "--note", "trial", request],
              ["approve"] + at + ["--actor", "legal-2", request]):
        rc, err = cli(binary, ["datareq"] + s)
        if rc != 0:
            raise RuntimeError(f"fixture datareq {s[0]} failed: {err}")
    return bank, model, db, request


def state_of(binary, db, request):
    p = subprocess.run([binary, "datareq", "show", "--db", db, request], cwd=ROOT, capture_output=True, text=True)
    return json.loads(p.stdout)["state"] if p.returncode == 0 else "?"


def fill(full):
    """Fills the tmpfs: afterwards no write finds room."""
    with open(os.path.join(full, "fill"), "wb") as f:
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError:
            pass


def run(binary, work, full):
    failures = []
    bank, model, db, request = fixtures(binary, work)
    fill(full)
    out = lambda name: os.path.join(full, name)  # noqa: E731
    verbs = [
        (["bank", "import", "--name", "k", "examples/known-video/banks/known_files.md5", "-o", out("k.ehb")], "k.ehb"),
        (["bank", "export", bank, "-o", out("k.txt")], "k.txt"),
        (BEHAVIOR + ["-o", out("b.jsonl")], "b.jsonl"),
        (BEHAVIOR + ["--networks", out("n.jsonl")], "n.jsonl"),
        (BEHAVIOR + ["--signals", out("s.jsonl")], "s.jsonl"),
        (BEHAVIOR + ["--clusters", out("c.jsonl")], "c.jsonl"),
        (["behavior", "examples/posts.jsonl", "--sort", out("sorted.jsonl")], "sorted.jsonl"),
        (["train", "--data", "examples/classify/spamassassin-sample.jsonl", "--epoch", "1", "-o", out("m.ftz")], None),
        (["predict", "--model", model, "--data", "examples/classify/spamassassin-sample.jsonl", "-o", out("p.jsonl")],
         "p.jsonl"),
        (["datareq", "disclose", "--db", db, "--now", "2026-11-21T13:00:00Z", "--actor", "legal-2", "-o",
          out("package.json"), request], "package.json"),
        (["sor", "export", "--db", db, "--format", "dsa-json", "-o", out("sor.jsonl")], "sor.jsonl"),
        (["sor", "export", "--db", db, "--format", "dsa-csv", "-o", out("sor.csv")], "sor.csv"),
        (["report", "transparency", "--db", db] + PERIOD + ["--json", out("t.json")], "t.json"),
        (["report", "transparency", "--db", db] + PERIOD + ["--html", out("t.html")], "t.html"),
        (["report", "transparency", "--db", db] + PERIOD + ["--csv", out("csv")], None),
        (["report", "all", "--db", db] + PERIOD + ["--out", out("reports")], None),
    ]
    decisions_before = cli(binary, ["audit", "verify", "--db", db])
    for args, name in verbs:
        rc, err = cli(binary, args)
        left = sorted(os.path.relpath(os.path.join(d, f), full)
                      for d, _, files in os.walk(full) for f in files if f != "fill")
        ok = rc == 1 and ("No space left on device" in err or "write error" in err) and not left
        if name is not None and os.path.join(full, name) not in err:
            ok = False
        print(f"  {' '.join(args[:2]):22} exit {rc}, left {left or 'nothing'}: {err.splitlines()[-1][:150] if err else ''}")
        if not ok:
            failures.append(f"{' '.join(args[:3])}: exit {rc}, left {left}, {err[:200]!r}")
        for d, dirs, files in os.walk(full, topdown=False):  # directories a report made, empty
            for sub in dirs:
                os.rmdir(os.path.join(d, sub))
    state = state_of(binary, db, request)
    print(f"  data request after the failed disclose: {state}")
    if state != "approved":
        failures.append(f"a disclose that could not write its package left the request {state}")
    if cli(binary, ["audit", "verify", "--db", db])[0] != 0 or decisions_before[0] != 0:
        failures.append("the store's chain does not verify after the failed verbs")
    # Standard output on a full device.
    with open("/dev/full", "w") as devfull:
        for args in (["bank", "export", bank], BEHAVIOR + ["-o", "-"],
                     ["predict", "--model", model, "--data", "examples/classify/spamassassin-sample.jsonl"],
                     ["sor", "export", "--db", db, "--format", "dsa-json"],
                     ["report", "transparency", "--db", db] + PERIOD, ["regime", "list"]):
            rc, err = cli(binary, args, stdout=devfull)
            print(f"  {' '.join(args[:2]):22} > /dev/full: exit {rc}: {err.splitlines()[-1][:150] if err else ''}")
            if rc != 1:
                failures.append(f"{' '.join(args[:2])} > /dev/full: exit {rc}")
    os.remove(os.path.join(full, "fill"))
    return failures


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: diskfull_verbs.py BINARY")
    binary = os.path.abspath(sys.argv[1])
    work = tempfile.mkdtemp(prefix="evenhand-diskfull-verbs-")
    full = os.path.join(work, "full")
    os.makedirs(full)
    subprocess.check_call(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", full])
    try:
        failures = run(binary, work, full)
    finally:
        subprocess.call(["umount", full])
    print("diskfull_verbs: " + ("passed" if not failures else "FAILED: " + "; ".join(failures)))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
