#!/usr/bin/env python3
"""How much fusion could buy: an Amdahl bound per model from a corpus.

Reads a `strata-cost collect` dataset (JSON lines) and, for every model
source, sums the isolated times of its split kernels (one per op) by kind.
Fusion merges ops into kernels but still runs every convolution and
matmul; if it removed *all* other kernels' time, the model would run in
its contraction time. total / contraction is therefore an upper bound on
the end-to-end speedup any fusion can give with the current kernel code.

    python3 benchmarks/fusion/bound.py data/costmodel/host-cpu-corpus.jsonl

Needs only Python's standard library.
"""

import argparse
import collections
import json
import math


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset")
    parser.add_argument("--sources", default="model/light_",
                        help="prefix of the sources to report")
    args = parser.parse_args()

    with open(args.dataset) as f:
        header = json.loads(f.readline())
        names = header["features"]
        index = {name: i for i, name in enumerate(names)}
        totals = collections.defaultdict(lambda: collections.Counter())
        for line in f:
            row = json.loads(line)
            if row["variant"] != "split" or \
                    not row["source"].startswith(args.sources):
                continue
            features = row["features"]
            contraction = features[index["num_conv"]] + \
                features[index["num_matmul"]] > 0
            movement = features[index["num_movement"]] > 0
            kind = ("contraction" if contraction
                    else "movement" if movement else "other")
            totals[row["source"]][kind] += row["seconds"]

    print("| model | all kernels (ms) | conv+matmul | movement | other "
          "| bound on fusion speedup |")
    print("|---|---:|---:|---:|---:|---:|")
    bounds = []
    for source in sorted(totals):
        t = totals[source]
        total = sum(t.values())
        bound = total / t["contraction"] if t["contraction"] else math.inf
        bounds.append(bound)
        name = source.split("/", 1)[-1]
        print("| %s | %.2f | %.0f%% | %.0f%% | %.0f%% | %.2fx |" % (
            name, total * 1e3, 100 * t["contraction"] / total,
            100 * t["movement"] / total, 100 * t["other"] / total, bound))
    finite = [b for b in bounds if math.isfinite(b)]
    if finite:
        geomean = math.exp(sum(math.log(b) for b in finite) / len(finite))
        print("\ngeomean bound over %d models: %.2fx" % (len(finite), geomean))


if __name__ == "__main__":
    main()
