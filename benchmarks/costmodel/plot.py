#!/usr/bin/env python3
"""Predicted-vs-measured scatter plot of the learned and roofline models.

Reads the CSV that `strata-cost eval --predictions=OUT.csv` writes (held-out
predictions of cross-validation by source) and draws both models' predicted
seconds against the measured seconds on log axes, with the diagonal.
Needs matplotlib (Debian: python3-matplotlib). Usage:

    build/bin/strata-cost eval data/costmodel/host-cpu-corpus.jsonl \\
        --predictions=/tmp/predictions.csv
    python3 benchmarks/costmodel/plot.py /tmp/predictions.csv \\
        docs/benchmarks/costmodel.png
"""

import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: plot.py PREDICTIONS.csv OUT.png")
    measured, learned, roofline, model = [], [], [], []
    with open(sys.argv[1]) as f:
        for row in csv.DictReader(f):
            measured.append(float(row["measured"]))
            learned.append(float(row["predicted"]))
            roofline.append(float(row["roofline"]))
            model.append(row["source"].startswith("model/"))
    fig, axes = plt.subplots(1, 2, figsize=(11, 5), sharex=True, sharey=True)
    lo = min(measured + learned + roofline) / 2
    hi = max(measured + learned + roofline) * 2
    for ax, pred, title in [(axes[0], learned, "learned (held out by source)"),
                            (axes[1], roofline, "roofline (host-cpu)")]:
        for is_model, color, label in [(False, "tab:blue", "random corpus"),
                                       (True, "tab:orange", "model kernels")]:
            xs = [m for m, k in zip(measured, model) if k == is_model]
            ys = [p for p, k in zip(pred, model) if k == is_model]
            ax.scatter(xs, ys, s=4, alpha=0.4, color=color, label=label)
        ax.plot([lo, hi], [lo, hi], color="black", linewidth=0.8)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlim(lo, hi)
        ax.set_ylim(lo, hi)
        ax.set_xlabel("measured seconds")
        ax.set_title(title)
        ax.legend(loc="upper left")
    axes[0].set_ylabel("predicted seconds")
    fig.tight_layout()
    fig.savefig(sys.argv[2], dpi=110)


if __name__ == "__main__":
    main()
