#!/usr/bin/env python3
"""Memory-tier mapping benchmark: off-chip traffic and simulated time.

For the `npu-sram` target with a 256 KiB, 1 MiB and 4 MiB scratchpad in
front of DRAM, maps each graph with
  (a) everything in DRAM            (strata-map-memory algorithm=dram)
  (b) greedy without copies         (algorithm=greedy copies=false)
  (c) greedy with prefetch / evict  (algorithm=greedy)
  (d) the exact tensor-level mapper (algorithm=ilp, CBC)
  (e) tile-level greedy: cascades of kernels run stripe by stripe, values
      inside a cascade only as rolling row buffers (strata-tile-report)
and, planning the kernel order (and recomputation) with the tiers
(strata-map-memory planner=, JointPlanning.h):
  (s) sequential: min-peak order, then greedy tiers
  (S) sequential exact: exact min-peak order, then the exact tier mapper
  (h) joint heuristic: local search over order, recomputation and tiers
  (x) joint exact: time-indexed MILP (HiGHS, else CBC), from (h)
and simulates the result (strata-simulate): non-compulsory off-chip bytes
(spills, reloads, repeated reads), the part of them no mapping avoids
without splitting tensors (results larger than the scratchpad), simulated
time and the mapper's own time.

Graphs: the nine ONNX light models (../shared/models/onnx-light, imported
and formed into kernels by strata-form-kernels, the kernels Strata
compiles; their weights are splat fills that Strata folds into the
kernels, so weights move no bytes here) and seeded random
layered DAGs (n = 100, 250, 500, 1000; outputs of 1-100 KiB, compute
1-10 us per node) through `strata-plan map`.

Usage: python3 benchmarks/tiers/run.py [--build build]
       [--markdown docs/benchmarks/tiers.md]
Needs python3-matplotlib for the plot.
"""

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "benchmarks", "memory"))
from run import layered, LIGHT  # noqa: E402  (seeded DAG generator)

SIZES = [("256KiB", 256 << 10), ("1MiB", 1 << 20), ("4MiB", 4 << 20)]
JOINT = [("s", "planner=sequential", "sequential"),
         ("S", "planner=sequential algorithm=ilp", "sequential exact"),
         ("h", "planner=joint", "joint heuristic"),
         ("x", "planner=joint algorithm=ilp", "joint exact")]
JOINT_REMARK = re.compile(
    r"strata-map-memory '[^']*' \(((?:sequential|joint) \([^)]*\))\): (\d+) kernel runs, "
    r"(\d+) recomputations, non-compulsory (\d+) B \+ [0-9.]+ us recomputed, "
    r"cost ([0-9]+) B(?:; (\w+), bound (-?[0-9]+) B, gap [0-9.]+%)?")
VARIANTS = [("a", "algorithm=dram", "everything in DRAM"),
            ("b", "copies=false", "greedy, no copies"),
            ("c", "", "greedy"),
            ("d", "algorithm=ilp", "ILP (CBC)"),
            ("e", "tile", "tile-level greedy")]


def run_pipeline(args, mlir, pipeline, timed_pass):
    """Runs strata-opt; returns the report's last JSON line with the time
    `timed_pass` took (solve_seconds) and strata-opt's stderr."""
    out = subprocess.run([os.path.join(args.build, "bin", "strata-opt"), mlir, "-p", pipeline,
                          "-o", "/dev/null", "-mlir-timing", "-mlir-timing-display=list",
                          "-mlir-disable-threading"],
                         capture_output=True, text=True, check=True)
    row = json.loads(out.stdout.strip().splitlines()[-1])
    m = re.search(r"([0-9.]+) \(\s*[0-9.]+%\)\s+" + timed_pass, out.stderr)
    row["solve_seconds"] = float(m.group(1)) if m else float("nan")
    return row, out.stderr


def map_model(args, mlir, size, options):
    target = f"npu-sram:sram={size}"
    if options == "tile":
        return run_pipeline(
            args, mlir, f"builtin.module(strata-tile-report{{target={target} format=json}})",
            "StrataTileReport")[0]
    if "planner" in options and "ilp" in options:
        options += f" time-limit={args.joint_time_limit}"
    elif "ilp" in options:
        options += f" time-limit={args.ilp_time_limit}"
    pipeline = (f"builtin.module(func.func(strata-map-memory{{target={target} {options}}}),"
                f"strata-simulate{{target={target} format=json}})")
    row, stderr = run_pipeline(args, mlir, pipeline, "StrataMapMemory")
    if "planner" in options:
        m = JOINT_REMARK.search(stderr)
        row["method"], row["runs"], row["recomputations"] = m.group(1), int(m.group(2)), int(m.group(3))
        row["cost"] = int(m.group(5))
        if m.group(6):
            row["status"], row["bound"] = m.group(6), int(m.group(7))
        elif "algorithm=ilp" in options and "joint" in options:
            row["status"] = "too large"
        return row
    m = re.search(r"\(ilp, cbc\): (optimal|feasible), non-compulsory [0-9]+ B, "
                  r"bound (-?[0-9]+) B", stderr)
    if m:
        row["status"], row["bound"] = m.group(1), int(m.group(2))
    elif "ilp" in options:
        m = re.search(r"kept the greedy plan: ([^\n]*)", stderr)
        row["status"], row["note"] = "greedy", m.group(1) if m else ""
    return row


def map_graph(args, path, size, options):
    if options == "tile":
        return None  # node-link graphs carry no rows: nothing to stream
    cmd = [os.path.join(args.build, "bin", "strata-plan"), "map", f"--graph={path}",
           f"--target=npu-sram:sram={size}", "--format=json"]
    if "dram" in options:
        cmd.append("--algorithm=dram")
    if "copies=false" in options:
        cmd.append("--copies=false")
    if "planner" in options:
        cmd.append("--planner=" + options.split("planner=")[1].split()[0])
        if "ilp" in options:
            cmd += ["--algorithm=ilp", f"--time-limit={args.joint_time_limit}"]
    elif "ilp" in options:
        cmd += ["--algorithm=ilp", f"--time-limit={args.ilp_time_limit}"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    row = json.loads(out.stdout)
    if "planner" in options:
        j = row["joint"]
        row.update(method=j["method"], runs=j["kernels"], recomputations=j["recomputations"],
                   cost=round(j["cost"]))
        if "bound" in j:
            row["status"], row["bound"] = j["status"], round(j["bound"])
        elif "algorithm=ilp" in options and "joint" in options:
            row["status"] = "too large"
    return row


def mib(b):
    return f"{b / (1 << 20):.1f}"


def cut(before, after):
    return 100.0 * (before - after) / before if before else 0.0


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--markdown", default=os.path.join(ROOT, "docs/benchmarks/tiers.md"))
    ap.add_argument("--ilp-time-limit", type=float, default=30)
    ap.add_argument("--joint-time-limit", type=float, default=60)
    args = ap.parse_args()
    models_dir = next((d for d in [os.path.join(ROOT, "..", "shared", "models", "onnx-light"),
                                   "/work/shared/models/onnx-light"] if os.path.isdir(d)), None)
    rows = []  # (graph, size label, variant) -> result
    with tempfile.TemporaryDirectory() as tmp:
        graphs = []
        imported = []  # one kernel per op, straight from the importer
        if models_dir:
            for m in LIGHT:
                raw = os.path.join(tmp, m + ".mlir")
                formed = os.path.join(tmp, m + ".k.mlir")
                grouped = os.path.join(tmp, m + ".g.mlir")
                subprocess.run([os.path.join(args.build, "bin", "strata-translate"), "--import-onnx",
                                os.path.join(models_dir, f"light_{m}.onnx"), "-o", raw], check=True)
                subprocess.run([os.path.join(args.build, "bin", "strata-opt"), raw, "-p",
                                "builtin.module(strata-form-kernels)", "-o", formed], check=True)
                subprocess.run([os.path.join(args.build, "bin", "strata-opt"), raw, "-p",
                                "builtin.module(func.func(strata-group-ops))", "-o", grouped],
                               check=True)
                graphs.append((m, "model", formed))
                imported.append((m, grouped))
        for n in [100, 250, 500, 1000]:
            g = layered(n, n)
            rng = random.Random(n + 7)
            for node in g["nodes"]:
                node["duration"] = 1e-6 * rng.uniform(1, 10)
            path = os.path.join(tmp, f"layered-{n}.json")
            with open(path, "w") as f:
                json.dump(g, f)
            graphs.append((f"layered-{n}", "graph", path))
        for name, kind, path in graphs:
            for label, size in SIZES:
                for key, options, _ in VARIANTS + JOINT:
                    r = (map_model(args, path, size, options) if kind == "model"
                         else map_graph(args, path, size, options))
                    if r is None:
                        continue
                    r.update(graph=name, size=label, variant=key)
                    rows.append(r)
                    if key in "sShx":
                        print(f"{name} {label} ({key}): cost {r['cost']} B, "
                              f"{r['recomputations']} recomputations, {r.get('status', '')} "
                              f"bound {r.get('bound', '')}, {r['solve_seconds']:.2f} s", flush=True)
                        continue
                    if key == "e":
                        print(f"{name} {label} (e): non-compulsory {r['non_compulsory_bytes']} B, "
                              f"{r['cascades']} cascades over {r['cascaded_kernels']} of "
                              f"{r['num_kernels']} kernels, {r['solve_seconds']:.4f} s", flush=True)
                        continue
                    print(f"{name} {label} ({key}): non-compulsory "
                          f"{r['non_compulsory_bytes']} B, unavoidable {r['unavoidable_bytes']} B, "
                          f"{r['total_seconds'] * 1e3:.3f} ms simulated, "
                          f"{r['solve_seconds']:.4f} s to map"
                          + (f", {r.get('status')} bound {r.get('bound')} {r.get('note', '')}"
                             if key == "d" else ""), flush=True)

        # The same models one kernel per op, at 1 MiB: (a), (c) and (e).
        plain = {}
        for name, path in imported:
            for key, options in [("a", "algorithm=dram"), ("c", ""), ("e", "tile")]:
                plain[(name, key)] = map_model(args, path, "1MiB", options)
            print(f"{name} one kernel per op, 1MiB: (a) "
                  f"{plain[(name, 'a')]['non_compulsory_bytes']} B, (c) "
                  f"{plain[(name, 'c')]['non_compulsory_bytes']} B, (e) "
                  f"{plain[(name, 'e')]['non_compulsory_bytes']} B", flush=True)

    def get(g, s, v):
        return next((r for r in rows if r["graph"] == g and r["size"] == s and r["variant"] == v),
                    None)

    names = [g for g, _, _ in graphs]
    lines = []
    w = lines.append
    w("# Memory-tier mapping benchmark")
    w("")
    w("Generated by `python3 benchmarks/tiers/run.py`; do not edit by hand.")
    w("Target `npu-sram` (one engine, 4 TFLOP/s matrix, 250 GFLOP/s vector; "
      "scratchpad 1 TB/s; DRAM 25 GB/s, 100 ns per transfer) with the "
      "scratchpad size in each table. (a) everything in DRAM, (b) greedy "
      "without copies (each value in one tier for its whole life), (c) greedy "
      "with prefetch and evict. *Non-compulsory* off-chip bytes are spills, "
      "reloads and repeated reads (compulsory: arguments read once, results "
      "written once); *unavoidable* is the part no mapping avoids without "
      "splitting tensors: results larger than the scratchpad, written to and "
      "read from DRAM. Times are the simulator's (`strata-simulate`). (d) is "
      f"the exact mapper (CBC, {args.ilp_time_limit:g} s per solve, started "
      "from greedy); *ILP status* says whether it proved its plan optimal, "
      "stopped with a plan (feasible) or kept greedy's (too large: over "
      "60,000 binaries, or nothing better found). (e) is the tile-level "
      "greedy mapper (`strata-tile-report`): kernels run in stripes of rows, "
      "consecutive kernels form cascades while their rolling row buffers fit "
      "the scratchpad, and a value made and read inside a cascade never "
      "exists whole or off chip; the values crossing cascades are mapped as "
      "in (c). The layered DAGs are node-link graphs without rows: (e) does "
      "not apply to them (—).")
    w("")
    w("Models are formed into kernels by `strata-form-kernels` (the kernels "
      "Strata compiles: layout transposes cancelled, batch norms folded, "
      "epilogues fused, weight layouts fixed at compile time). The last "
      "table has the models as imported, one kernel per op.")
    w("")
    w("The light models' weights are splat fills, which Strata folds into "
      "the kernels: they move no bytes, so traffic here is activations only.")
    w("")
    for label, _ in SIZES:
        w(f"## Scratchpad {label}")
        w("")
        w("| graph | non-compulsory MiB (a) | (b) | (c) | (d) | (e) | unavoidable MiB | "
          "(c) vs (b) | (c): avoidable removed | (c) vs (d) | ILP status | (e) vs (a) | "
          "time ms (a) | (b) | (c) | (e) | map s (c) | (d) | (e) |")
        w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for g in names:
            a, b, c, d, e = (get(g, label, v) for v in "abcde")
            dn = d["non_compulsory_bytes"]
            vs_d = (f"+{100.0 * (c['non_compulsory_bytes'] - dn) / dn:.1f}%" if dn > 0 else
                    ("=" if c["non_compulsory_bytes"] == 0 else "n/a"))
            avoid_a = a["non_compulsory_bytes"] - c["unavoidable_bytes"]
            removed = (100.0 * (a["non_compulsory_bytes"] - c["non_compulsory_bytes"]) / avoid_a
                       if avoid_a > 0 else 100.0)
            en = mib(e["non_compulsory_bytes"]) if e else "—"
            ecut = f"{cut(a['non_compulsory_bytes'], e['non_compulsory_bytes']):.1f}%" if e else "—"
            et = f"{e['total_seconds'] * 1e3:.3f}" if e else "—"
            es = f"{e['solve_seconds']:.4f}" if e else "—"
            w(f"| {g} | {mib(a['non_compulsory_bytes'])} | {mib(b['non_compulsory_bytes'])} | "
              f"{mib(c['non_compulsory_bytes'])} | {mib(dn)} | {en} | {mib(c['unavoidable_bytes'])} | "
              f"{cut(b['non_compulsory_bytes'], c['non_compulsory_bytes']):.1f}% | "
              f"{removed:.1f}% | {vs_d} | {d.get('status', '?')} | {ecut} | "
              f"{a['total_seconds'] * 1e3:.3f} | "
              f"{b['total_seconds'] * 1e3:.3f} | {c['total_seconds'] * 1e3:.3f} | {et} | "
              f"{c['solve_seconds']:.4f} | {d['solve_seconds']:.2f} | {es} |")
        w("")

    w("## Joint planning: order, recomputation and tiers together")
    w("")
    w("Cost = non-compulsory off-chip bytes plus recomputed kernels' seconds "
      "at DRAM's 25 GB/s (what strata-map-memory planner= minimizes; without "
      "recomputation it is the non-compulsory bytes). (s) sequential: "
      "`strata-schedule`'s min-peak order, then greedy tiers; (S) "
      "sequential exact: the exact min-peak order (dynamic programming) "
      "then the exact tier mapper, within "
      f"{args.joint_time_limit:g} s together; (h) joint heuristic: local search "
      "(reader pulled up, producer pushed down, value recomputed before its "
      "off-chip readers; each candidate mapped greedily and simulated); (x) "
      "joint exact: the time-indexed MILP over slots (HiGHS, one thread, "
      f"{args.joint_time_limit:g} s, started from (h); no extra kernel runs, "
      "the pass's default), its solution's order mapped again by the exact "
      "tier mapper. *Bound*: the MILP's proven lower bound (or the "
      "memory-time bound where higher) over every order and tier plan; "
      "*gap* = (x - bound) / x. *Too large*: over 100,000 binaries, (h) "
      "kept. (c) is the program order with greedy tiers, as above.")
    w("")
    for label, _ in SIZES:
        w(f"### Scratchpad {label}")
        w("")
        w("| graph | kernels | cost MiB (c) | (s) | (S) | (h) | (x) | bound | gap | status (x) | "
          "recomputed (h) | (x) | (h) vs (x) | (h) vs (s) | time ms (s) | (h) | (x) | "
          "plan s (S) | (h) | (x) |")
        w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|"
          "---:|---:|---:|")
        for g in names:
            c, s_, S, h, x = (get(g, label, v) for v in "csShx")
            bound = x.get("bound")
            gap = (f"{100.0 * (x['cost'] - bound) / x['cost']:.1f}%" if bound is not None and x["cost"] > 0
                   else ("0.0%" if bound is not None else "—"))
            hx = (f"+{100.0 * (h['cost'] - x['cost']) / x['cost']:.1f}%" if x["cost"] > 0 else
                  ("=" if h["cost"] == 0 else "n/a"))
            hs = (f"{100.0 * (h['cost'] - s_['cost']) / s_['cost']:+.1f}%" if s_["cost"] > 0 else
                  ("=" if h["cost"] == 0 else "n/a"))
            kernels = c.get("num_kernels", c.get("num_nodes", "?"))
            w(f"| {g} | {kernels} | {mib(c['non_compulsory_bytes'])} | {mib(s_['cost'])} | "
              f"{mib(S['cost'])} | {mib(h['cost'])} | {mib(x['cost'])} | "
              f"{mib(bound) if bound is not None else '—'} | {gap} | {x.get('status', '?')} | "
              f"{h['recomputations']} | {x['recomputations']} | {hx} | {hs} | "
              f"{s_['total_seconds'] * 1e3:.3f} | {h['total_seconds'] * 1e3:.3f} | "
              f"{x['total_seconds'] * 1e3:.3f} | {S['solve_seconds']:.2f} | "
              f"{h['solve_seconds']:.2f} | {x['solve_seconds']:.2f} |")
        w("")

    if plain:
        w("## The models one kernel per op, 1 MiB")
        w("")
        w("As imported (`strata-group-ops`): every NCHW/NHWC transpose, batch "
          "norm step and activation a kernel of its own, and AlexNet's grouped "
          "convolutions transposing their weights at run time.")
        w("")
        w("| graph | kernels | non-compulsory MiB (a) | (c) | (e) | (c) vs (a) | (e) vs (a) | "
          "cascades (e) | time ms (a) | (c) | (e) |")
        w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for name, _ in imported:
            a, c, e = (plain[(name, k)] for k in "ace")
            w(f"| {name} | {e['num_kernels']} | {mib(a['non_compulsory_bytes'])} | "
              f"{mib(c['non_compulsory_bytes'])} | {mib(e['non_compulsory_bytes'])} | "
              f"{cut(a['non_compulsory_bytes'], c['non_compulsory_bytes']):.1f}% | "
              f"{cut(a['non_compulsory_bytes'], e['non_compulsory_bytes']):.1f}% | "
              f"{e['cascades']} over {e['cascaded_kernels']} | "
              f"{a['total_seconds'] * 1e3:.3f} | {c['total_seconds'] * 1e3:.3f} | "
              f"{e['total_seconds'] * 1e3:.3f} |")
        w("")

    models = [g for g, k, _ in graphs if k == "model"]
    w("## Targets")
    w("")
    if models:
        cuts = [cut(get(g, "1MiB", "b")["non_compulsory_bytes"],
                    get(g, "1MiB", "c")["non_compulsory_bytes"]) for g in models]
        vs_a = [cut(get(g, "1MiB", "a")["non_compulsory_bytes"],
                    get(g, "1MiB", "c")["non_compulsory_bytes"]) for g in models]
        unavoid = [100.0 * get(g, "1MiB", "c")["unavoidable_bytes"] /
                   max(get(g, "1MiB", "b")["non_compulsory_bytes"], 1) for g in models]
        dn = get("densenet121", "1MiB", "c") if "densenet121" in models else None
        tile = [(g, cut(get(g, "1MiB", "a")["non_compulsory_bytes"],
                        get(g, "1MiB", "e")["non_compulsory_bytes"])) for g in models]
        low = min(t for _, t in tile)
        w(f"- Tile-level (e) removes {low:.1f}% to {max(t for _, t in tile):.1f}% of "
          f"the non-compulsory traffic of (a) at 1 MiB on the light models; target "
          f">= 85% on every one: {'met' if low >= 85 else 'MISSED'}"
          + ("" if low >= 85 else " (" + ", ".join(f"{g} {t:.1f}%" for g, t in tile if t < 85)
             + ")") + ".")
        worse = [g for g in models for l, _ in SIZES
                 if get(g, l, "e")["non_compulsory_bytes"] > get(g, l, "c")["non_compulsory_bytes"]]
        w(f"- Tile-level (e) moves more than tensor-level greedy (c) on "
          f"{len(worse)} of {len(models) * len(SIZES)} model instances"
          + (": " + ", ".join(sorted(set(worse))) if worse else "") + ".")
        w(f"- Greedy (c) cuts non-compulsory traffic vs (b) at 1 MiB by "
          f"{min(cuts):.1f}% to {max(cuts):.1f}% (mean {sum(cuts) / len(cuts):.1f}%) "
          f"on the light models; target >= 80%: "
          f"{'met' if min(cuts) >= 80 else 'MISSED'}. Against (a) the cut is "
          f"{min(vs_a):.1f}% to {max(vs_a):.1f}%.")
        w(f"- Why: at 224x224 most activations of these models are larger "
          f"than 1 MiB; the unavoidable part is {min(unavoid):.0f}% to "
          f"{max(unavoid):.0f}% of (b)'s non-compulsory traffic, so no mapper "
          f"that keeps tensors whole can reach the target. Splitting tensors "
          f"into stripes and cascading kernels, (e), is what closes the gap.")
        if dn:
            w(f"- Greedy on densenet121 ({dn['num_kernels']} kernels) maps in "
              f"{dn['solve_seconds']:.3f} s; target < 1 s: "
              f"{'met' if dn['solve_seconds'] < 1 else 'MISSED'}.")
    proven = [(g, l) for g in names for l, _ in SIZES
              if get(g, l, "d").get("status") == "optimal"]
    within = [(g, l) for g, l in proven
              if get(g, l, "c")["non_compulsory_bytes"] <=
              1.05 * get(g, l, "d")["non_compulsory_bytes"] + 1]
    w(f"- Greedy within 5% of the ILP optimum where the ILP proves one: "
      f"{len(within)} of {len(proven)} instances "
      f"({'met' if proven and len(within) == len(proven) else 'MISSED' if proven else 'no proofs'}); "
      "the ones outside: " +
      (", ".join(f"{g} at {l} (greedy {mib(get(g, l, 'c')['non_compulsory_bytes'])} MiB, "
                 f"optimum {mib(get(g, l, 'd')['non_compulsory_bytes'])} MiB)"
                 for g, l in proven if (g, l) not in within) or "none") + ".")
    small = [(g, l) for g in names for l, _ in SIZES
             if (get(g, l, "c").get("num_kernels") or get(g, l, "c").get("num_nodes") or 0) <= 100]
    def gap_of(g, l):
        x = get(g, l, "x")
        if x.get("bound") is None:
            return None
        return (x["cost"] - x["bound"]) / x["cost"] if x["cost"] > 0 else 0.0
    tight = [(g, l) for g, l in small if gap_of(g, l) is not None and gap_of(g, l) <= 0.02]
    w(f"- Joint exact (x) within 2% of its proven bound in {args.joint_time_limit:g} s on "
      f"graphs of up to 100 kernels: {len(tight)} of {len(small)} instances "
      f"({'met' if len(tight) == len(small) else 'MISSED'}); the others: " +
      (", ".join(f"{g} at {l} ({'gap %.1f%%' % (100 * gap_of(g, l)) if gap_of(g, l) is not None else get(g, l, 'x').get('status')})"
                 for g, l in small if (g, l) not in tight) or "none") + ".")
    both = [(g, l) for g in names for l, _ in SIZES if get(g, l, "x").get("bound") is not None]
    close = [(g, l) for g, l in both
             if get(g, l, "h")["cost"] <= 1.05 * get(g, l, "x")["cost"] + 1]
    w(f"- Joint heuristic (h) within 5% of joint exact (x) where (x) ran: {len(close)} of "
      f"{len(both)} instances ({'met' if len(close) == len(both) else 'MISSED'})" +
      ("" if len(close) == len(both) else ": outside: " + ", ".join(
          f"{g} at {l} (+{100.0 * (get(g, l, 'h')['cost'] - get(g, l, 'x')['cost']) / max(get(g, l, 'x')['cost'], 1):.1f}%)"
          for g, l in both if (g, l) not in close)) + ".")
    worse_s = [(g, l) for g in names for l, _ in SIZES
               if get(g, l, "h")["cost"] > get(g, l, "s")["cost"]]
    worse_S = [(g, l) for g in names for l, _ in SIZES
               if get(g, l, "h")["cost"] > get(g, l, "S")["cost"]]
    w(f"- Joint heuristic (h) worse than the sequential pipeline (s) on {len(worse_s)} of "
      f"{len(names) * len(SIZES)} instances (target: never"
      f"{', met' if not worse_s else ', MISSED: ' + ', '.join(f'{g} at {l}' for g, l in worse_s)}); "
      f"worse than sequential exact (S) on {len(worse_S)}"
      + (": " + ", ".join(f"{g} at {l}" for g, l in worse_S) if worse_S else "") + ".")
    w("")
    w("![non-compulsory traffic at 1 MiB](tiers.png)")
    w("")
    with open(args.markdown, "w") as f:
        f.write("\n".join(lines))
    print("wrote", args.markdown)

    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib missing: no plot", file=sys.stderr)
        return
    fig, ax = plt.subplots(figsize=(10, 4))
    xs = range(len(names))
    width = 0.17
    for i, (key, _, desc) in enumerate(VARIANTS):
        ys = [(get(g, "1MiB", key) or {"non_compulsory_bytes": 0})["non_compulsory_bytes"] /
              max(get(g, "1MiB", "a")["non_compulsory_bytes"], 1) for g in names]
        ax.bar([x + (i - 2) * width for x in xs], ys, width, label=f"({key}) {desc}")
    ys = [get(g, "1MiB", "c")["unavoidable_bytes"] /
          max(get(g, "1MiB", "a")["non_compulsory_bytes"], 1) for g in names]
    ax.scatter(list(xs), ys, color="black", marker="_", s=300, zorder=3,
               label="unavoidable (tensors > scratchpad)")
    ax.set_xticks(list(xs))
    ax.set_xticklabels(names, rotation=30, ha="right")
    ax.set_ylabel("non-compulsory off-chip bytes / (a)")
    ax.set_title("npu-sram, 1 MiB scratchpad")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(os.path.dirname(args.markdown), "tiers.png"), dpi=100)
    print("wrote plot")


if __name__ == "__main__":
    main()
