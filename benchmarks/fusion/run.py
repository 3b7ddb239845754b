#!/usr/bin/env python3
"""CPU end-to-end latency with fusion off, roofline-gated and learned-gated.

For each model, strata-run runs it three times back to back (the machine is
shared and noisy: ratios are taken within one model's three runs):

    --fusion=none       one kernel per op
    --fusion=roofline   strata-fuse gated by the roofline model
    --fusion=learned    strata-fuse gated by the default learned model

each on the same seeded random input with --benchmark=N (median of N runs
after warm-up). It records the kernel count, the median latency and the
speedups over none, and checks that the fused outputs equal the unfused
one (--check, rtol 1e-5). Usage (repository root, after scripts/setup.sh):

    python3 benchmarks/fusion/run.py --strata-run build/bin/strata-run \
        --table /tmp/fusion-table.md

and paste the table into docs/benchmarks/fusion.md.

Needs only Python's standard library.
"""

import argparse
import math
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from lightmodels import LIGHT_MODELS, find_models_dir  # noqa: E402

MODES = ["none", "roofline", "learned"]


def run(strata_run, model, mode, runs, ref, out, allow_failure=False):
    cmd = [strata_run, model, "--random-inputs", "--seed=1",
           "--fusion=" + mode, "--benchmark=%d" % runs, "--report",
           "--print-limit=0"]
    if ref:
        cmd += ["--check=" + ref, "--rtol=1e-5", "--atol=1e-6"]
    if out:
        cmd += ["--output=" + out]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0 and allow_failure:
        return None
    if p.returncode != 0:
        sys.exit("fusion: %s failed (%d):\n%s%s" %
                 (" ".join(cmd), p.returncode, p.stdout, p.stderr))
    median = re.search(r"benchmark: \d+ runs, median ([0-9.e+-]+) (\w+)",
                       p.stdout)
    unit = {"s": 1.0, "ms": 1e-3, "us": 1e-6, "ns": 1e-9}[median.group(2)]
    kernels = int(re.search(r"kernel groups: (\d+)", p.stdout).group(1))
    ok = None
    if ref:
        ok = "check #0:" in p.stdout and ": ok" in p.stdout
    return float(median.group(1)) * unit, kernels, ok


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))
    ap = argparse.ArgumentParser()
    ap.add_argument("--strata-run", default=os.path.join(root, "build", "bin",
                                                         "strata-run"))
    ap.add_argument("--models", nargs="*", default=LIGHT_MODELS)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--pytorch-converted", action="store_true",
                    help="run libonnx-testdata's pytorch-converted models "
                         "(skipping those Strata cannot import) instead")
    ap.add_argument("--table", help="also write the markdown table here")
    args = ap.parse_args()
    models_dir = find_models_dir(root, "fusion")

    if args.pytorch_converted:
        base = "/usr/share/libonnx-testdata/data/pytorch-converted"
        models = [(d[len("test_"):], os.path.join(base, d, "model.onnx"))
                  for d in sorted(os.listdir(base))
                  if os.path.exists(os.path.join(base, d, "model.onnx"))]
    else:
        models = [(name, os.path.join(models_dir, "light_%s.onnx" % name))
                  for name in args.models]
    rows, skipped = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for name, model in models:
            ref = os.path.join(tmp, name + ".npy")
            first = run(args.strata_run, model, "none", args.runs, None, ref,
                        allow_failure=args.pytorch_converted)
            if first is None:
                skipped.append(name)
                continue
            result = {"none": first}
            for mode in MODES[1:]:
                result[mode] = run(args.strata_run, model, mode, args.runs,
                                   ref, None)
            rows.append((name, result))
            print("%-14s " % name + "  ".join(
                "%s %.4g ms (%d kernels)" % (m, result[m][0] * 1e3,
                                             result[m][1]) for m in MODES),
                flush=True)
    if skipped:
        print("skipped (not importable or not runnable): " + ", ".join(skipped))

    def geomean(xs):
        return math.exp(sum(math.log(x) for x in xs) / len(xs))

    lines = ["| model | kernels none / roofline / learned | none (ms) | "
             "roofline (ms) | learned (ms) | roofline speedup | learned "
             "speedup | learned vs roofline | outputs equal |",
             "|---|---|---|---|---|---|---|---|---|"]
    sr, sl, lr = [], [], []
    for name, r in rows:
        none, roof, learned = r["none"][0], r["roofline"][0], r["learned"][0]
        sr.append(none / roof)
        sl.append(none / learned)
        lr.append(roof / learned)
        lines.append("| %s | %d / %d / %d | %.4g | %.4g | %.4g | %.2fx | "
                     "%.2fx | %.2fx | %s |" % (
                         name, r["none"][1], r["roofline"][1],
                         r["learned"][1], none * 1e3, roof * 1e3,
                         learned * 1e3, none / roof, none / learned,
                         roof / learned,
                         "yes" if r["roofline"][2] and r["learned"][2]
                         else "NO"))
    lines.append("| **geomean** | | | | | **%.2fx** | **%.2fx** | **%.2fx** | |"
                 % (geomean(sr), geomean(sl), geomean(lr)))
    table = "\n".join(lines)
    print(table)
    if args.table:
        with open(args.table, "w") as f:
            f.write(table + "\n")


if __name__ == "__main__":
    main()
