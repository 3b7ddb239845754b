#!/usr/bin/env python3
"""The nine ONNX light models through Strata, checked two ways.

1. Stored outputs: each model runs on the input its *_output_0.pb was made
   from (np.arange(n).reshape(shape) / n, float32) and must match it.
2. Real numbers: the weight fills (ConstantOfShape, value 0.02) are replaced
   by seeded random initializers (He-uniform with gain 1 for weights of rank
   >= 2, uniform(-0.05, 0.05) for vectors, so activations stay finite), and
   Strata's output is compared with onnxruntime's on the same input
   (rtol 1e-2 on the final output).

onnxruntime comes from PyPI and is used only here, as an oracle; Strata
never links it. Usage (from the repository root, after scripts/setup.sh):

    python3 -m venv build/bench-venv
    build/bench-venv/bin/pip install onnxruntime onnx numpy
    build/bench-venv/bin/python benchmarks/models/run.py \
        --strata-run build/bin/strata-run --markdown docs/models.md

Per model it records: nodes, import time, compile time, CPU latency
(median of --runs after a warm-up; single-threaded), peak activation memory
in program order (strata-run --report), the stored-output check, the max
error against onnxruntime, and onnxruntime's own single-thread latency on the
same machine for scale.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from lightmodels import LIGHT_MODELS, find_models_dir  # noqa: E402


def randomize(model, seed):
    """Replaces float ConstantOfShape fills by seeded random initializers."""
    rng = np.random.default_rng(seed)
    inits = {i.name: i for i in model.graph.initializer}
    # BatchNormalization scales and variances must stay positive.
    positive = set()
    for node in model.graph.node:
        if node.op_type == "BatchNormalization":
            positive.update(node.input[i] for i in (1, 4) if i < len(node.input))
    keep = []
    for node in model.graph.node:
        if node.op_type != "ConstantOfShape":
            keep.append(node)
            continue
        shape = numpy_helper.to_array(inits[node.input[0]]).astype(np.int64)
        if node.output[0] in positive:
            values = rng.uniform(0.5, 1.5, size=tuple(shape))
        else:
            if len(shape) >= 2:
                limit = np.sqrt(3.0 / int(np.prod(shape[1:])))
            else:
                limit = 0.05
            values = rng.uniform(-limit, limit, size=tuple(shape))
        values = values.astype(np.float32)
        model.graph.initializer.append(
            numpy_helper.from_array(values, node.output[0]))
    del model.graph.node[:]
    model.graph.node.extend(keep)
    # Drop the fills' shape initializers, now unused.
    used = {i for n in keep for i in n.input}
    live = [i for i in model.graph.initializer
            if i.name in used or any(o == i.name for o in
                                     (g.name for g in model.graph.output))]
    dropped = {i.name for i in model.graph.initializer} - {i.name for i in live}
    del model.graph.initializer[:]
    model.graph.initializer.extend(live)
    # IR 3 lists initializers among the graph inputs too.
    inputs = [i for i in model.graph.input if i.name not in dropped]
    del model.graph.input[:]
    model.graph.input.extend(inputs)
    return model


def expose_logits(model):
    """Adds the input of a final Softmax as a second graph output, so the
    comparison sees the logits, not only near-uniform probabilities."""
    softmaxes = [n for n in model.graph.node if n.op_type == "Softmax"]
    if not softmaxes:
        return False
    last = softmaxes[-1]
    model.graph.output.append(
        onnx.helper.make_tensor_value_info(last.input[0], onnx.TensorProto.FLOAT,
                                           None))
    return True


def run_strata(strata_run, model, inp, checks, rtol, atol, runs):
    if isinstance(checks, str):
        checks = [checks]
    cmd = [strata_run, model, f"--input={inp}", f"--rtol={rtol}",
           f"--atol={atol}", "--report", "--print-limit=0", "--threads=1"]
    cmd += [f"--check={c}" for c in checks]
    if runs:
        cmd.append(f"--benchmark={runs}")
    start = time.time()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.time() - start
    out = proc.stdout
    info = dict(rc=proc.returncode, wall=wall, stderr=proc.stderr[-2000:])
    found = re.findall(r"check #(\d+): max abs error (\S+), max rel error (\S+) .*: (ok|MISMATCH)", out)
    if found:
        info["ok"] = all(f[3] == "ok" for f in found)
        info["max_abs"] = [float(f[1]) for f in found]
        info["max_rel"] = [float(f[2]) for f in found]
    for key, pat in [("import", r"import time:\s+(\S+ \S+)"),
                     ("compile", r"compile time:\s+(\S+ \S+)"),
                     ("latency", r"latency:\s+median (\S+ \S+)"),
                     ("peak", r"peak memory:\s+(\d+) B")]:
        m = re.search(pat, out)
        if m:
            info[key] = m.group(1)
    return info


def to_seconds(text):
    value, unit = text.split()
    return float(value) * {"us": 1e-6, "ms": 1e-3, "s": 1.0}[unit]


def fmt_seconds(s):
    if s < 1e-3:
        return f"{s * 1e6:.0f} us"
    if s < 1:
        return f"{s * 1e3:.1f} ms"
    return f"{s:.2f} s"


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--strata-run", default=os.path.join(root, "build/bin/strata-run"))
    ap.add_argument("--models", default=",".join(LIGHT_MODELS))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--markdown")
    args = ap.parse_args()

    import onnxruntime as ort

    mdir = find_models_dir(root, "models")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.models.split(","):
            path = os.path.join(mdir, f"light_{name}.onnx")
            stored = os.path.join(mdir, f"light_{name}_output_0.pb")
            model = onnx.load(path)
            nodes = len(model.graph.node)
            compute = sum(n.op_type != "ConstantOfShape" for n in model.graph.node)
            inits = {i.name for i in model.graph.initializer}
            graph_input = [i for i in model.graph.input if i.name not in inits][0]
            shape = [d.dim_value or 1 for d in graph_input.type.tensor_type.shape.dim]
            n = int(np.prod(shape))
            x = (np.arange(n).reshape(shape) / n).astype(np.float32)
            inp = os.path.join(tmp, "input.npy")
            np.save(inp, x)

            print(f"{name}: stored-output run", flush=True)
            a = run_strata(args.strata_run, path, inp, stored, 1e-3, 1e-5, args.runs)

            print(f"{name}: random weights + onnxruntime", flush=True)
            rmodel = randomize(onnx.load(path), args.seed)
            has_logits = expose_logits(rmodel)
            rpath = os.path.join(tmp, f"{name}_random.onnx")
            onnx.save(rmodel, rpath)
            opts = ort.SessionOptions()
            opts.intra_op_num_threads = 1
            opts.inter_op_num_threads = 1
            opts.log_severity_level = 3
            sess = ort.InferenceSession(rpath, opts, providers=["CPUExecutionProvider"])
            feed = {graph_input.name: x}
            refs = sess.run(None, feed)
            ref = refs[-1]  # logits when exposed, else the output
            times = []
            for _ in range(max(1, args.runs)):
                t0 = time.perf_counter()
                sess.run(None, feed)
                times.append(time.perf_counter() - t0)
            ort_latency = float(np.median(times))
            refpaths = []
            for i, r in enumerate(refs):
                refpaths.append(os.path.join(tmp, f"ref{i}.npy"))
                np.save(refpaths[-1], r.astype(np.float32))
            b = run_strata(args.strata_run, rpath, inp, refpaths, 1e-2, 1e-5, 0)
            rows.append(dict(name=name, nodes=nodes, compute=compute, stored=a,
                             random=b, ort=ort_latency,
                             logits=has_logits,
                             ref_range=(float(ref.min()), float(ref.max()))))
            r = rows[-1]
            print(f"  stored: rc {a['rc']} ok={a.get('ok')}  import {a.get('import')} "
                  f"compile {a.get('compile')} latency {a.get('latency')} peak {a.get('peak')}")
            print(f"  random: rc {b['rc']} ok={b.get('ok')} max abs {b.get('max_abs')} "
                  f"max rel {b.get('max_rel')} ref range {r['ref_range']}; "
                  f"onnxruntime {fmt_seconds(ort_latency)}",
                  flush=True)
            if a["rc"] not in (0, 2) or b["rc"] not in (0, 2):
                print(a["stderr"], b["stderr"], file=sys.stderr)

    if args.markdown:
        write_markdown(args.markdown, rows, args)
    failed = [r["name"] for r in rows
              if not r["stored"].get("ok") or not r["random"].get("ok")]
    if failed:
        print("models: mismatches in " + ", ".join(failed), file=sys.stderr)
        return 1
    return 0


def write_markdown(path, rows, args):
    lines = []
    w = lines.append
    w("# ONNX light models")
    w("")
    w("Generated by `benchmarks/models/run.py` (see its docstring for the")
    w("method); numbers are from one run on the development machine (Debian 12,")
    w("2 cores, single-threaded execution). Do not edit by hand.")
    w("")
    w("- *stored*: output on the model's own input vs. its `*_output_0.pb`")
    w("  (rtol 1e-3, atol 1e-5). With constant weights every class scores the")
    w("  same, so this check proves little on its own.")
    w("- *vs onnxruntime*: fills replaced by seeded random weights (seed "
      f"{args.seed}); the final output and, for models ending in Softmax,")
    w("  the logits (exposed as a second output) are compared with")
    w("  onnxruntime 1-thread CPU (pass: rtol 1e-2, atol 1e-5 on both). The")
    w("  table gives the logits' range and the max absolute errors.")
    w("- *import*, *compile* (kernel formation, strata-cpu-pipeline and LLVM at -O2) and")
    w(f"  *latency* (median of {args.runs} runs after a warm-up) come from")
    w("  `strata-run --report --benchmark`; *peak* is the activation peak in")
    w("  program order from the kernel graph.")
    w("")
    w("| model | nodes (compute) | import | compile | latency | onnxruntime latency | peak activations | stored | logits range | max abs error: output / logits | vs onnxruntime |")
    w("|---|---:|---:|---:|---:|---:|---:|:-:|---:|---:|:-:|")
    for r in rows:
        a, b = r["stored"], r["random"]
        peak = f"{int(a['peak']) / 2**20:.2f} MiB" if "peak" in a else "-"
        lat = a.get("latency", "-")
        w(f"| {r['name']} | {r['nodes']} ({r['compute']}) | {a.get('import', '-')} | "
          f"{a.get('compile', '-')} | {lat} | {fmt_seconds(r['ort'])} | {peak} | "
          f"{'ok' if a.get('ok') else 'FAIL'} | "
          f"{r['ref_range'][0]:.3g} .. {r['ref_range'][1]:.3g} | "
          f"{' / '.join(f'{e:.2g}' for e in b.get('max_abs', []))} | "
          f"{'ok' if b.get('ok') else 'FAIL'} |")
    w("")
    w("Strata's CPU code tiles and vectorizes contractions (docs/codegen.md);")
    w("the gap to onnxruntime left is mostly outside them (see")
    w("docs/benchmarks/cpu.md, which also compares two threads).")
    w("")
    with open(path, "w") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
