#!/usr/bin/env python3
"""How many labels `evenhand calibrate` needs: repeated random samples of each size from labelled
data, calibrate on the sample, evaluate the recalibrated model on the rest.

Usage: recalibration_labels.py EVENHAND MODEL DATA.jsonl WORKDIR [--sizes 50,100,200,400]
                               [--draws 10] [--target 0.95] [--positive spam]

Use it on data that is not the data you report on (e.g. the held-out development part): it
runs calibrate and eval many times, so on the later groups it would be tuning on them.
Per size: how many draws calibrate accepted (and of those, how many by the "bound" rule) (it refuses fewer than 5 of a label, or a sample where
no threshold reaches the target), and over those the median and range of the threshold, of the
precision and recall on the rest, and how often that precision fell below the target.
"""
import json
import random
import statistics
import subprocess
import sys


def main(argv):
    args = argv[1:]
    opts = {"--sizes": "50,100,200,400", "--draws": "10", "--target": "0.95", "--positive": "spam"}
    for k in list(opts):
        if k in args:
            i = args.index(k)
            opts[k] = args[i + 1]
            del args[i:i + 2]
    if len(args) != 4:
        sys.exit(__doc__)
    binary, model, data, work = args
    subprocess.run(["mkdir", "-p", work], check=True)
    rows = [l if l.endswith("\n") else l + "\n" for l in open(data, encoding="utf-8") if l.strip()]
    target = float(opts["--target"])
    print("size\taccepted (rule bound)\tthreshold median [min, max]\trest precision median [min, max]\t"
          "below target\trest recall median [min, max]")
    for size in [int(s) for s in opts["--sizes"].split(",")]:
        thresholds, precisions, recalls, bound = [], [], [], 0
        for draw in range(int(opts["--draws"])):
            pick = set(random.Random(1000 * size + draw).sample(range(len(rows)), size))
            with open(f"{work}/sample.jsonl", "w", encoding="utf-8") as s, \
                    open(f"{work}/rest.jsonl", "w", encoding="utf-8") as r:
                for i, line in enumerate(rows):
                    (s if i in pick else r).write(line)
            cal = subprocess.run([binary, "calibrate", "--model", model, "--labels", f"{work}/sample.jsonl",
                                  "--target-precision", str(target), "-o", f"{work}/m.ftz", "--format", "json"],
                                 capture_output=True, text=True)
            if cal.returncode != 0:
                continue
            thresholds.append(json.loads(cal.stdout)["threshold"])
            bound += json.loads(cal.stdout)["rule"] == "bound"
            ev = subprocess.run([binary, "eval", "--model", f"{work}/m.ftz", "--data", f"{work}/rest.jsonl",
                                 "--format", "json"], capture_output=True, text=True, check=True)
            label = [x for x in json.loads(ev.stdout)["labels"] if x["label"] == opts["--positive"]][0]
            precisions.append(label["precision"])
            recalls.append(label["recall"])

        def span(v):
            return f"{statistics.median(v):.3f} [{min(v):.3f}, {max(v):.3f}]" if v else "-"
        below = sum(p < target for p in precisions)
        print(f"{size}\t{len(thresholds)}/{opts['--draws']} ({bound})\t{span(thresholds)}\t{span(precisions)}\t"
              f"{below}/{len(precisions)}\t{span(recalls)}")


if __name__ == "__main__":
    main(sys.argv)
