#!/usr/bin/python3
"""Scores OCR on a test set made by gen.py: evenhand's OCR against plain `tesseract -l urd+eng`.

  /usr/bin/python3 tools/ocr_testset/eval.py --set DIR --evenhand build/bin/evenhand [--budget-ms 900]
                                             [--core 0] [--styles meme,...] [--json OUT]

Both run on the same images, on one core (taskset -c CORE, OMP_THREAD_LIMIT=1), each as ONE process
over the whole set (tesseract reads a list file), so model loading is paid once by each.

Phrases are found with a policy of one list per listed phrase (phrases.tsv; Roman Urdu lists are
*.roman-ur.txt, as a policy would ship them). evenhand: `evenhand scan` over one post per image with
the rule `ocr.text.length >= 0`, so every image is read and the ocr signals name the lists matched
(exact whole-word matches, and fuzzy ones for long terms) -- exactly what ocr.list.NAME sees; its
speed is this scan's (decode, OCR, matching). tesseract: its text of each image becomes a post's
text, matched by the same policy as list.NAME (exact whole-word matching, what a policy would do
with plain tesseract's output). CER uses `evenhand ocr`'s best lines (a second, untimed run).

Reports per style: character error rate (CER: Levenshtein distance / truth length, after NFKC,
lower-casing, removing bidi marks and collapsing spaces; evenhand's best lines top to bottom,
tesseract's whole output; images with no text are left out), phrases found / phrases held, false
phrase hits (a listed phrase found in an image that does not hold it) and images per second.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
BIDI = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200c\u200d\ufeff"))


def norm(s):
    s = unicodedata.normalize("NFKC", s).translate(BIDI).lower()
    return re.sub(r"\s+", " ", s).strip()


def lev(a, b):
    if len(a) < len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def load_phrases():
    out = []
    with open(os.path.join(HERE, "phrases.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            pid, script, text = line.rstrip("\n").split("\t")
            out.append((pid, script, text))
    return out


def one_core(core):
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    return env, (["taskset", "-c", str(core)] if core >= 0 else [])


def run_tesseract(images, core, lang):
    env, pin = one_core(core)
    with tempfile.TemporaryDirectory() as tmp:
        lst = os.path.join(tmp, "list.txt")
        with open(lst, "w") as f:
            f.write("\n".join(images) + "\n")
        t0 = time.monotonic()
        subprocess.run(pin + ["tesseract", lst, os.path.join(tmp, "out"), "-l", lang], env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        secs = time.monotonic() - t0
        pages = open(os.path.join(tmp, "out.txt"), encoding="utf-8").read().split("\f")
    pages = pages[:len(images)]
    if len(pages) != len(images):
        raise SystemExit(f"tesseract gave {len(pages)} pages for {len(images)} images")
    return {img: {"text": p, "best": p} for img, p in zip(images, pages)}, secs


def run_evenhand(images, core, binary, budget, extra):
    env, pin = one_core(core)
    t0 = time.monotonic()
    r = subprocess.run(pin + [binary, "ocr", "--budget-ms", str(budget)] + extra + images, env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False, text=True)
    secs = time.monotonic() - t0
    if r.returncode != 0:
        sys.stderr.write(r.stderr)
        raise SystemExit("evenhand ocr failed")
    out = {}
    for line in r.stdout.splitlines():
        d = json.loads(line)
        d["best"] = d["text"]
        d["text"] = "\n".join(l["text"] for l in d["lines"])
        out[d["file"]] = d
    return out, secs


def write_policy(tmp, phrases, when):
    lists = []
    for pid, script, text in phrases:
        name = f"{pid}.roman-ur.txt" if script == "ru" else f"{pid}.txt"
        with open(os.path.join(tmp, name), "w", encoding="utf-8") as f:
            f.write(text + "\n")
        lists.append(f"  {pid}:\n    files: [{name}]\n")
    with open(os.path.join(tmp, "policy.yaml"), "w", encoding="utf-8") as f:
        f.write("policy: ocr_phrases\nversion: 1\nlists:\n" + "".join(lists) +
                f"rules:\n  - id: any\n    when: {when}\n    action: label\n"
                "    category: scams_and_fraud\n    reason: listed phrase\n")


def scan_images(binary, images, phrases, core, budget, extra):
    """evenhand scan over one post per image, a policy reading ocr.* (one list per phrase); one core.
    Returns ({image: set(phrase ids)}, seconds, {image: [timeout signals]})."""
    env, pin = one_core(core)
    with tempfile.TemporaryDirectory() as tmp:
        write_policy(tmp, phrases, "ocr.text.length >= 0")
        with open(os.path.join(tmp, "posts.jsonl"), "w", encoding="utf-8") as f:
            for i, img in enumerate(images):
                f.write(json.dumps({"kind": "post", "id": f"p{i}", "text": "",
                                    "media": [{"path": os.path.abspath(img)}]}) + "\n")
        t0 = time.monotonic()
        r = subprocess.run(pin + [binary, "scan", os.path.join(tmp, "posts.jsonl"), "-p", os.path.join(tmp, "policy.yaml"),
                                  "-o", os.path.join(tmp, "out.jsonl"), "-q", "-j", "1", "--ocr-budget-ms", str(budget)]
                           + extra, env=env, capture_output=True, text=True)
        secs = time.monotonic() - t0
        if r.returncode != 0:
            sys.stderr.write(r.stderr)
            raise SystemExit("evenhand scan failed")
        found, timeouts = {}, {}
        for line in open(os.path.join(tmp, "out.jsonl"), encoding="utf-8"):
            d = json.loads(line)
            img = images[int(d["item"][1:])]
            sig = [s for s in d.get("signals", []) if s.get("detector") == "ocr"]
            found[img] = {s["name"] for s in sig if s["name"] not in ("error", "timeout")}
            timeouts[img] = [s["evidence"] for s in sig if s["name"] in ("error", "timeout")]
        return found, secs, timeouts


def found_phrases(binary, texts, phrases):
    """Runs evenhand scan with one list per phrase over {key: text}; returns {key: set(phrase ids)}."""
    with tempfile.TemporaryDirectory() as tmp:
        write_policy(tmp, phrases, "text.length > 0")
        keys = list(texts)
        with open(os.path.join(tmp, "posts.jsonl"), "w", encoding="utf-8") as f:
            for i, k in enumerate(keys):
                f.write(json.dumps({"kind": "post", "id": f"p{i}", "text": texts[k]}, ensure_ascii=False) + "\n")
        r = subprocess.run([binary, "scan", os.path.join(tmp, "posts.jsonl"), "-p", os.path.join(tmp, "policy.yaml"),
                            "-o", os.path.join(tmp, "out.jsonl"), "-q", "-j", "1"], capture_output=True, text=True)
        if r.returncode != 0:
            sys.stderr.write(r.stderr)
            raise SystemExit("evenhand scan failed")
        out = {}
        for line in open(os.path.join(tmp, "out.jsonl"), encoding="utf-8"):
            d = json.loads(line)
            k = keys[int(d["item"][1:])]
            out[k] = {s["name"] for s in d.get("signals", []) if s.get("detector") == "terms"}
        return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", required=True)
    ap.add_argument("--evenhand", required=True)
    ap.add_argument("--budget-ms", type=int, default=900)
    ap.add_argument("--core", type=int, default=0, help="pin both to this core (-1: no pinning)")
    ap.add_argument("--lang", default="urd+eng")
    ap.add_argument("--styles", default="")
    ap.add_argument("--no-tesseract", action="store_true")
    ap.add_argument("--no-evenhand", action="store_true")
    ap.add_argument("--extra", default="", help="more evenhand ocr flags, space-separated")
    ap.add_argument("--scan-extra", default="", help="more evenhand scan flags, space-separated")
    ap.add_argument("--json", default="")
    ap.add_argument("--show", default="", help="print the texts of images whose name contains this")
    args = ap.parse_args()
    truth = [json.loads(l) for l in open(os.path.join(args.set, "truth.jsonl"), encoding="utf-8")]
    if args.styles:
        keep = set(args.styles.split(","))
        truth = [t for t in truth if t["style"] in keep]
    images = [os.path.join(args.set, t["image"]) for t in truth]
    phrases = load_phrases()
    script_of = {p[0]: p[1] for p in phrases}
    systems = {}
    found_by = {}
    if not args.no_evenhand:
        # Phrases and speed: `evenhand scan` with ocr.* (what a policy sees); CER: `evenhand ocr`'s best lines.
        found_by["evenhand"], secs, timeouts = scan_images(args.evenhand, images, phrases, args.core, args.budget_ms,
                                                           args.scan_extra.split() if args.scan_extra else [])
        res, _ = run_evenhand(images, args.core, args.evenhand, args.budget_ms, args.extra.split() if args.extra else [])
        systems["evenhand"] = (res, secs)
    if not args.no_tesseract:
        systems["tesseract"] = run_tesseract(images, args.core, args.lang)
    report = {}
    for name, (res, secs) in systems.items():
        found = found_by.get(name) or found_phrases(args.evenhand, {img: res[img]["text"] for img in images}, phrases)
        rows = {}
        per_image = []
        for t, img in zip(truth, images):
            per_image.append({"image": t["image"], "held": t["phrases"], "found": sorted(found.get(img, set())),
                              "text": res[img]["text"], "truth": [l["text"] for l in t["lines"]]})
            for key in (t["style"], "all", "script:" + (script_of[t["phrases"][0]] if t["phrases"] else "none")):
                r = rows.setdefault(key, {"images": 0, "held": 0, "found": 0, "false": 0, "err": 0, "len": 0,
                                          "timed_out": 0, "ms": []})
                r["images"] += 1
                held = set(t["phrases"])
                got = found.get(img, set())
                r["held"] += len(held)
                r["found"] += len(held & got)
                r["false"] += len(got - held)
                lines = sorted(t["lines"], key=lambda l: l["bbox"][1])
                ref = norm("\n".join(l["text"] for l in lines))
                if ref:
                    hyp = norm(res[img]["best"])
                    r["err"] += lev(hyp, ref)
                    r["len"] += len(ref)
                if res[img].get("timed_out"):
                    r["timed_out"] += 1
                if "ms" in res[img]:
                    r["ms"].append(res[img]["ms"])
            if args.show and args.show in img:
                print(f"--- {name} {img} truth={[l['text'] for l in t['lines']]} found={sorted(found.get(img, []))}")
                print("   ", repr(res[img]["text"]))
        report[name] = {"seconds": secs, "images_per_s": len(images) / secs, "rows": rows, "images": per_image}
    order = sorted({k for s in report.values() for k in s["rows"]}, key=lambda k: (k == "all", k.startswith("script:"), k))
    print(f"{'set':<16}" + "".join(f"| {n:>9} CER  found  false " for n in report))
    for k in order:
        line = f"{k:<16}"
        for n in report:
            r = report[n]["rows"][k]
            cer = r["err"] / r["len"] if r["len"] else float("nan")
            line += f"| {cer:13.3f} {r['found']:3d}/{r['held']:<3d} {r['false']:4d}  "
        print(line)
    for n in report:
        r = report[n]["rows"]["all"]
        extra = ""
        if r["ms"]:
            ms = sorted(r["ms"])
            extra = f", per image median {ms[len(ms) // 2]:.0f} ms, max {ms[-1]:.0f} ms, timed out {r['timed_out']}"
        print(f"{n}: {report[n]['images_per_s']:.2f} images/s on one core ({report[n]['seconds']:.1f} s for "
              f"{r['images']} images{extra})")
    if args.json:
        for n in report:
            for r in report[n]["rows"].values():
                r.pop("ms", None)
        with open(args.json, "w") as f:
            json.dump(report, f, indent=1)


if __name__ == "__main__":
    main()
