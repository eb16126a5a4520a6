#!/usr/bin/env python3
"""Chooses the spam model's training hyperparameters and decision threshold
by cross-validation on the TRAINING part only (the held-out test part is
never read here).

Usage: tune_spam.py EVENHAND TRAIN.jsonl WORKDIR [--folds 5] [--grid full|compact|small] [--jobs 1]
                    [--extra-flags "FLAGS"]   (added to every configuration, e.g. "--script-tokens")
                    [--resume]   (keep the rows already in WORKDIR/results.tsv; run the other configurations)

The training part is cut into FOLDS folds by a hash of each id (salted, so
the folds do not line up with the train/test split). For every
configuration in the grid and every fold, `evenhand train` runs on the other
folds (it holds out its own calibration share, as in real use) and
`evenhand predict` scores the fold left out. The out-of-fold calibrated
scores of all folds are pooled; for each threshold 0.05, 0.10, ..., 0.95
that keeps the hard-ham false-positive rate <= 5%, the spam F1 is computed,
and the configuration's best threshold kept. The spread of the per-fold F1
at that threshold gives a standard error.

Choice (the one-standard-error rule, made cost-aware): among word-level
configurations, take the best pooled F1; then, of all whose F1 is within one
standard error of it, the one with the smallest model file (fewer rows to
fetch per word). Character n-gram configurations are reported but not
chosen: they fetch several input rows per word and build the n-grams of
every word not in the vocabulary, about 3x the prediction time (measured
with bench/classify_bench), where the scan's budget for the classifier is
under half of its time. (The first version of this rule compared file
sizes only, which do not show that cost: a char n-gram model is no larger.)
WORKDIR/results.tsv lists every configuration; the chosen flags and
threshold go to WORKDIR/chosen.txt ("FLAGS<TAB>THRESHOLD").
"""
import concurrent.futures
import hashlib
import itertools
import json
import math
import os
import subprocess
import sys


THRESHOLDS = [round(0.05 * i, 2) for i in range(1, 20)]


def fold_of(row_id, folds):
    h = hashlib.sha256(("fold:" + row_id).encode("utf-8")).digest()
    return int.from_bytes(h[:8], "big") % folds


def grid(kind):
    configs = []
    if kind == "compact":  # 16 word-level settings spanning the full grid's axes (min-count, n-grams, epochs and lr,
        # calibration), without class weights or character n-grams: for comparing featurisers quickly
        for mc, wn, (epoch, lr), cal in itertools.product([1, 3], [1, 2], [(25, 0.5), (50, 1.0)], ["isotonic", "platt"]):
            configs.append(dict(min_count=mc, word_ngrams=wn, dim=16, epoch=epoch, lr=lr, bucket=20000 if wn > 1 else 0,
                                minn=0, maxn=0, calibration=cal))
        return configs
    if kind == "small":  # for a quick check of the procedure
        for mc, wn in itertools.product([1, 3], [1, 2]):
            configs.append(dict(min_count=mc, word_ngrams=wn, dim=16, epoch=25, lr=0.5,
                                bucket=20000 if wn > 1 else 0, minn=0, maxn=0))
        return configs
    for mc, wn, epoch, lr, cal, rep in itertools.product([1, 3], [1, 2], [25, 50], [0.5, 1.0], ["isotonic", "platt"],
                                                         [1, 3]):
        configs.append(dict(min_count=mc, word_ngrams=wn, dim=16, epoch=epoch, lr=lr, bucket=20000 if wn > 1 else 0,
                            minn=0, maxn=0, calibration=cal, positive_repeat=rep))
    # Character n-grams (3-5 bytes): several input rows per word, so dearer
    # to predict; two settings to see whether they pay for that.
    for rep in [1, 3]:
        configs.append(dict(min_count=1, word_ngrams=2, dim=16, epoch=50, lr=1.0, bucket=20000, minn=3, maxn=5,
                            calibration="isotonic", positive_repeat=rep))
    return configs


EXTRA_FLAGS = []  # --extra-flags "...": added to every configuration (e.g. --raw-features)


def flags(c):
    f = list(EXTRA_FLAGS)
    f += ["--calibration", c.get("calibration", "isotonic")] if c.get("calibration", "isotonic") != "isotonic" else []
    f += ["--min-count", str(c["min_count"]), "--word-ngrams", str(c["word_ngrams"]), "--dim", str(c["dim"]),
         "--epoch", str(c["epoch"]), "--lr", str(c["lr"])]
    if c["bucket"]:
        f += ["--bucket", str(c["bucket"])]
    if c.get("positive_repeat", 1) > 1:
        f += ["--positive-repeat", str(c["positive_repeat"])]
    if c["maxn"]:
        f += ["--minn", str(c["minn"]), "--maxn", str(c["maxn"])]
    return f


def f1(tp, fp, fn):
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def main(argv):
    args = argv[1:]
    folds, kind, jobs = 5, "full", 1
    if "--jobs" in args:
        i = args.index("--jobs")
        jobs = int(args[i + 1])
        del args[i:i + 2]
    if "--extra-flags" in args:
        i = args.index("--extra-flags")
        EXTRA_FLAGS.extend(args[i + 1].split())
        del args[i:i + 2]
    resume = "--resume" in args
    if resume:
        args.remove("--resume")
    if "--folds" in args:
        i = args.index("--folds")
        folds = int(args[i + 1])
        del args[i:i + 2]
    if "--grid" in args:
        i = args.index("--grid")
        kind = args[i + 1]
        del args[i:i + 2]
    if len(args) != 3:
        sys.exit(__doc__)
    binary, train_path, work = args
    os.makedirs(work, exist_ok=True)
    rows = [line for line in open(train_path, encoding="utf-8") if line.strip()]
    parts = [[] for _ in range(folds)]
    for line in rows:
        parts[fold_of(str(json.loads(line)["id"]), folds)].append(line)
    for k in range(folds):
        with open(f"{work}/fold{k}-val.jsonl", "w", encoding="utf-8") as v:
            v.writelines(parts[k])
        with open(f"{work}/fold{k}-fit.jsonl", "w", encoding="utf-8") as t:
            for j in range(folds):
                if j != k:
                    t.writelines(parts[j])
    truth = []  # per fold, per validation line: (is spam, is hard ham)
    for k in range(folds):
        truth.append([(json.loads(line)["label"] == "spam", json.loads(line).get("group") == "hard-ham-1")
                      for line in parts[k]])
    results = []
    done = {}  # flags -> a row of an earlier, interrupted run (--resume)
    if resume and os.path.exists(f"{work}/results.tsv"):
        for line in open(f"{work}/results.tsv", encoding="utf-8").read().splitlines()[1:]:
            f = line.split("\t")
            done[f[0]] = line
    out = open(f"{work}/results.tsv", "w", encoding="utf-8")
    out.write("flags\tthreshold\tf1\tf1_se\tprecision\trecall\thard_ham_fpr\tmodel_bytes\n")
    for n, c in enumerate(grid(kind), 1):
        if " ".join(flags(c)) in done:
            f = done[" ".join(flags(c))].split("\t")
            results.append(dict(config=c, flags=f[0], threshold=float(f[1]), f1=float(f[2]), se=float(f[3]),
                                precision=float(f[4]), recall=float(f[5]), hh_fpr=float(f[6]), bytes=int(f[7])))
            out.write(done[f[0]] + "\n")
            print(f"[{n}] {f[0]}: kept from the earlier run", file=sys.stderr)
            continue
        def run_fold(k):
            model = f"{work}/m{k}.ftz"
            subprocess.run([binary, "train", "--data", f"{work}/fold{k}-fit.jsonl", "-o", model, "--positive", "spam"]
                           + flags(c), check=True, stdout=subprocess.DEVNULL)
            out = subprocess.run([binary, "predict", "--model", model, "--data", f"{work}/fold{k}-val.jsonl"],
                                 check=True, capture_output=True, text=True).stdout
            scores = [json.loads(line)["score"] for line in out.splitlines()]
            return os.path.getsize(model), scores

        with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
            runs = list(pool.map(run_fold, range(folds)))
        size = max(b for b, _ in runs)
        # (fold, score, is spam, is hard ham) for every out-of-fold example
        rows_k = []
        for k, (_, scores) in enumerate(runs):
            assert len(scores) == len(truth[k])
            rows_k += [(k, sc, spam, hard) for sc, (spam, hard) in zip(scores, truth[k])]
        res = None
        for t in THRESHOLDS:
            tp = sum(1 for _, sc, spam, _ in rows_k if spam and sc >= t)
            fp = sum(1 for _, sc, spam, _ in rows_k if not spam and sc >= t)
            fn = sum(1 for _, sc, spam, _ in rows_k if spam and sc < t)
            hh = [sc for _, sc, spam, hard in rows_k if hard]
            hh_fpr = sum(1 for sc in hh if sc >= t) / len(hh)
            if hh_fpr > 0.05:
                continue
            score = f1(tp, fp, fn)
            if res is None or score > res["f1"]:
                fold_f1 = []
                for k in range(folds):
                    r = [(sc, spam) for kk, sc, spam, _ in rows_k if kk == k]
                    fold_f1.append(f1(sum(1 for sc, sp in r if sp and sc >= t), sum(1 for sc, sp in r if not sp and sc >= t),
                                      sum(1 for sc, sp in r if sp and sc < t)))
                mean = sum(fold_f1) / folds
                se = math.sqrt(sum((x - mean) ** 2 for x in fold_f1) / (folds - 1) / folds)
                res = dict(config=c, flags=" ".join(flags(c)), threshold=t, f1=score, se=se,
                           precision=tp / (tp + fp) if tp + fp else 0.0, recall=tp / (tp + fn) if tp + fn else 0.0,
                           hh_fpr=hh_fpr, bytes=size)
        if res is None:
            print(f"[{n}] {' '.join(flags(c))}: no threshold keeps the hard-ham FPR <= 5%", file=sys.stderr)
            continue
        results.append(res)
        out.write(f"{res['flags']}\t{res['threshold']:.2f}\t{res['f1']:.4f}\t{res['se']:.4f}\t{res['precision']:.4f}\t"
                  f"{res['recall']:.4f}\t{res['hh_fpr']:.4f}\t{size}\n")
        out.flush()
        print(f"[{n}] {res['flags']}: threshold {res['threshold']:.2f}: F1 {res['f1']:.4f} (se {res['se']:.4f}), "
              f"P {res['precision']:.4f} R {res['recall']:.4f}, hard-ham FPR {res['hh_fpr']:.3f}, {size} bytes",
              file=sys.stderr)
    chars = [r for r in results if r["config"]["maxn"]]
    if chars:
        b = max(chars, key=lambda r: r["f1"])
        print(f"best with character n-grams (not chosen: dearer to predict): {b['flags']} at {b['threshold']:.2f}: "
              f"F1 {b['f1']:.4f} (se {b['se']:.4f})")
    words = [r for r in results if not r["config"]["maxn"]]
    best = max(words, key=lambda r: r["f1"])
    near = [r for r in words if r["f1"] >= best["f1"] - best["se"]]
    chosen = min(near, key=lambda r: (r["bytes"], -r["f1"]))
    with open(f"{work}/chosen.txt", "w", encoding="utf-8") as f:
        f.write(f"{chosen['flags']}\t{chosen['threshold']:.2f}\n")
    print(f"best: {best['flags']} at {best['threshold']:.2f}: F1 {best['f1']:.4f} (se {best['se']:.4f}); "
          f"within one se: {len(near)}; chosen (smallest): {chosen['flags']} at {chosen['threshold']:.2f}: "
          f"F1 {chosen['f1']:.4f}, hard-ham FPR {chosen['hh_fpr']:.3f}, {chosen['bytes']} bytes")


if __name__ == "__main__":
    main(sys.argv)
