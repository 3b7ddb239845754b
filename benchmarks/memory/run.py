#!/usr/bin/env python3
"""Memory-planning benchmark: schedules (program / greedy / exact).

Graphs (all seeded, so reruns give the same graphs):
  - the nine ONNX light models, exported with `strata-plan export`;
  - random layered DAGs (each node reads 1-3 of the previous `width` nodes,
    outputs of 1-100 KiB), n = 100, 250, 500, 1000 and 10,000;
  - training-like graphs: a random forward DAG plus a mirrored backward
    pass, where each backward node consumes its forward node's inputs and
    the incoming gradient;
  - 60 small random DAGs (n = 20, 40, 60) to measure how often greedy is
    optimal where the exact solver finishes.

Each graph goes through `strata-plan schedule --format=json` with
--algorithm=program, greedy and exact (time limit per graph, default 10 s).
Then greedy rematerialization (`strata-plan remat --solver=greedy`) of the
program order at budgets of 90% down to 20% of its peak and as low as it
goes, on the layered DAGs, layered DAGs with one result, training-like
graphs of depth 50 to 5000 and two models; and the exact solvers
(--solver=cp, Gecode; --solver=milp, CBC; --solver=highs, HiGHS where
`strata-plan solvers` lists it) against greedy (--exact-time-limit per
solve; the n = 1000 graph at 80% with --big-time-limit, the issue's
10-minute target). Writes docs/benchmarks/memory.md (tables) and a plot
next to it.

Usage: python3 benchmarks/memory/run.py [--strata-plan build/bin/strata-plan]
       [--time-limit 10] [--exact-time-limit 30] [--big-time-limit 600]
       [--markdown docs/benchmarks/memory.md]
Needs python3-matplotlib for the plot.
"""

import argparse
import json
import math
import os
import random
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LIGHT = ["bvlc_alexnet", "densenet121", "inception_v1", "inception_v2",
         "resnet50", "shufflenet", "squeezenet", "vgg19", "zfnet512"]


def layered(n, seed, width=10):
    rng = random.Random(seed)
    nodes = [{"id": i, "out_cost": 1024 * rng.randint(1, 100),
              "duration": rng.random()} for i in range(n)]
    links = []
    for i in range(1, n):
        lo = max(0, i - width)
        k = rng.randint(1, min(3, i - lo))
        for s in sorted(rng.sample(range(lo, i), k)):
            links.append({"source": s, "target": i})
    return {"directed": True, "multigraph": False, "graph": {},
            "nodes": nodes, "links": links}


def layered_one_output(n, seed, width=10):
    """layered(), but every node but the last is read by a later one, so
    the last node is the only result (as in a network). In layered() the
    sinks are results, live to the end, and dominate the peak."""
    g = layered(n, seed, width)
    rng = random.Random(seed + 2)
    has_succ = {link["source"] for link in g["links"]}
    for i in range(n - 1):
        if i not in has_succ:
            g["links"].append({"source": i,
                               "target": rng.randint(i + 1, min(n - 1, i + width))})
    return g


def random_layered(n, seed, edge_density=0.2, skip_density=0.14):
    """Random layered DAGs in the spirit of Moccasin's evaluation (its
    n100-n1000 graphs: a source, layers of random width, arcs between
    consecutive layers with density 0.2, skip arcs from 14% of the nodes to
    a later layer, one sink). Layers are about sqrt(n)/2 nodes wide on
    average; every node reads at least one node of the layer before and is
    read by one of the layer after; the source costs nothing to recompute.
    Node order is layer by layer."""
    rng = random.Random(seed)
    avg = max(2, round(0.5 * math.sqrt(n)))
    layers, next_id = [[0]], 1
    while next_id < n - 1:
        w = min(rng.randint(1, 2 * avg - 1), n - 1 - next_id)
        layers.append(list(range(next_id, next_id + w)))
        next_id += w
    layers.append([n - 1])
    nodes = [{"id": i, "out_cost": 1024 * rng.randint(1, 100),
              "duration": rng.random()} for i in range(n)]
    nodes[0]["duration"] = 0.0
    arcs = set()
    for below, above in zip(layers, layers[1:]):
        for j in above:
            reads = [i for i in below if rng.random() < edge_density]
            arcs.update((i, j) for i in reads or [rng.choice(below)])
        for i in below:
            if not any((i, j) in arcs for j in above):
                arcs.add((i, rng.choice(above)))
    for k, layer in enumerate(layers[1:-3], start=1):
        for i in layer:
            if rng.random() < skip_density:
                target = layers[rng.randint(k + 2, len(layers) - 2)]
                arcs.add((i, rng.choice(target)))
    return {"directed": True, "multigraph": False, "graph": {}, "nodes": nodes,
            "links": [{"source": s, "target": t} for s, t in sorted(arcs)]}


def training_like(n_forward, seed, width=4):
    """Forward DAG, then backward nodes in reverse order: backward node i
    reads the inputs of forward node i and the gradient of its successor."""
    fwd = layered(n_forward, seed, width)
    rng = random.Random(seed + 1)
    preds = {i: [] for i in range(n_forward)}
    for link in fwd["links"]:
        preds[link["target"]].append(link["source"])
    nodes = list(fwd["nodes"])
    links = list(fwd["links"])
    prev_grad = n_forward - 1  # the loss: the last forward node
    for k, i in enumerate(reversed(range(n_forward))):
        b = n_forward + k
        nodes.append({"id": b, "out_cost": fwd["nodes"][i]["out_cost"],
                      "duration": 2 * rng.random()})
        for p in preds[i]:
            links.append({"source": p, "target": b})
        links.append({"source": prev_grad, "target": b})
        prev_grad = b
    return {"directed": True, "multigraph": False, "graph": {},
            "nodes": nodes, "links": links}


def schedule(strata_plan, path, algorithm, time_limit):
    out = subprocess.run([strata_plan, "schedule", f"--graph={path}",
                          f"--algorithm={algorithm}",
                          f"--time-limit={time_limit}", "--format=json"],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def run_graph(args, tmp, name, graph=None, path=None):
    if path is None:
        path = os.path.join(tmp, name + ".json")
        with open(path, "w") as f:
            json.dump(graph, f)
    program = schedule(args.strata_plan, path, "program", args.time_limit)
    greedy = schedule(args.strata_plan, path, "greedy", args.time_limit)
    exact = schedule(args.strata_plan, path, "exact", args.time_limit)
    row = dict(name=name, nodes=program["num_nodes"],
               program=program["program_peak_bytes"],
               greedy=greedy["peak_bytes"], greedy_s=greedy["solve_seconds"],
               greedy_method=greedy["method"],
               exact=exact["peak_bytes"], bound=exact["bound"],
               status=exact["status"], exact_s=exact["solve_seconds"],
               states=exact["states"])
    print(f"{name}: n={row['nodes']} program {row['program']} greedy "
          f"{row['greedy']} ({row['greedy_s']:.3f} s) exact {row['exact']} "
          f"{row['status']} bound {row['bound']} ({row['exact_s']:.2f} s)",
          flush=True)
    return row


def remat_sweep(args, tmp, name, graph=None, path=None):
    if path is None:
        path = os.path.join(tmp, name + ".json")
        with open(path, "w") as f:
            json.dump(graph, f)
    with open(path) as f:
        total = sum(n.get("duration", 1.0) for n in json.load(f)["nodes"])
    rows = []
    # Budget 1 B: as low as greedy goes (its path does not depend on the
    # budget), reported as percent 0.
    for percent in [90, 80, 70, 60, 50, 40, 30, 20, 0]:
        budget = f"{percent}%" if percent else "1"
        out = subprocess.run([args.strata_plan, "remat", f"--graph={path}",
                              f"--budget={budget}", "--format=json"],
                             capture_output=True, text=True, check=True)
        r = json.loads(out.stdout)
        r.update(name=name, percent=percent, total_cost=total)
        rows.append(r)
        print(f"remat {name} {percent}%: {r['status']} peak {r['peak_bytes']} "
              f"budget {r['budget_bytes']} added {r['added_cost']:.3g} "
              f"({r['solve_seconds']:.3f} s)", flush=True)
    return rows


def remat_exact(args, path, name, percent, solver, limit):
    out = subprocess.run([args.strata_plan, "remat", f"--graph={path}",
                          f"--budget={percent}%", f"--solver={solver}",
                          f"--time-limit={limit}", "--format=json"],
                         capture_output=True, text=True, check=True)
    r = json.loads(out.stdout)
    r.update(name=name, percent=percent, limit=limit)
    print(f"remat {name} {percent}% {solver}: {r['status']} added "
          f"{r['added_cost']:.4g} bound {r.get('bound', 0):.4g} "
          f"({r['solve_seconds']:.1f} s) {r.get('note', '')}", flush=True)
    return r


def cpu_name():
    """The machine's CPU model, for the benchmark tables' headers."""
    try:
        with open("/proc/cpuinfo") as f:
            return next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        return "unknown CPU"


def parser(doc, markdown):
    """The arguments every memory benchmark takes."""
    ap = argparse.ArgumentParser(description=doc,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--strata-plan", default=os.path.join(ROOT, "build/bin/strata-plan"))
    ap.add_argument("--markdown", default=os.path.join(ROOT, "docs/benchmarks", markdown))
    return ap


def write_markdown(path, lines):
    """Writes a benchmark's table and prints it."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write("\n".join(lines))
    print("\n".join(lines))


def mib(b):
    return f"{b / 2**20:.2f}"


def table(rows, w, unit="MiB"):
    w(f"| graph | nodes | program peak ({unit}) | greedy peak | greedy/program "
      f"| greedy time | exact peak | exact status | bound | gap | exact time |")
    w("|---|---:|---:|---:|---:|---:|---:|:-:|---:|---:|---:|")
    for r in rows:
        gap = 100.0 * (r["exact"] - r["bound"]) / r["exact"] if r["exact"] else 0
        w(f"| {r['name']} | {r['nodes']} | {mib(r['program'])} | "
          f"{mib(r['greedy'])} | {r['greedy'] / r['program']:.3f} | "
          f"{r['greedy_s'] * 1e3:.1f} ms | {mib(r['exact'])} | {r['status']} | "
          f"{mib(r['bound'])} | {gap:.1f}% | {r['exact_s']:.2f} s |")


def main():
    ap = parser(__doc__, "memory.md")
    ap.add_argument("--time-limit", type=float, default=10)
    args = ap.parse_args()
    models_dir = next((d for d in [os.path.join(ROOT, "..", "shared", "models", "onnx-light"),
                                   "/work/shared/models/onnx-light"] if os.path.isdir(d)), None)

    with tempfile.TemporaryDirectory() as tmp:
        light = []
        if models_dir:
            for m in LIGHT:
                path = os.path.join(tmp, m + ".json")
                subprocess.run([args.strata_plan, "export",
                                os.path.join(models_dir, f"light_{m}.onnx"), "-o", path],
                               check=True)
                light.append(run_graph(args, tmp, m, path=path))
        random_rows = [run_graph(args, tmp, f"layered-{n}", layered(n, n))
                       for n in [100, 250, 500, 1000, 10000]]
        training = [run_graph(args, tmp, f"training-{n}x2", training_like(n, n))
                    for n in [50, 250, 500]]
        small = [run_graph(args, tmp, f"small-{n}-{s}", layered(n, 1000 * n + s, width=4))
                 for n in [20, 40, 60] for s in range(20)]
        remat = []
        for n in [100, 250, 500, 1000]:
            remat += remat_sweep(args, tmp, f"layered-{n}", layered(n, n))
        for n in [100, 250, 500, 1000]:
            remat += remat_sweep(args, tmp, f"layered1-{n}", layered_one_output(n, n))
        for n in [50, 100, 200, 300, 500, 1000, 2500, 5000]:
            remat += remat_sweep(args, tmp, f"training-{n}x2", training_like(n, n))
        if models_dir:
            for m in ["resnet50", "inception_v1"]:
                remat += remat_sweep(args, tmp, m, path=os.path.join(tmp, m + ".json"))

    os.makedirs(os.path.dirname(args.markdown), exist_ok=True)
    lines = []
    w = lines.append
    w("# Memory planning benchmark")
    w("")
    w("Generated by `benchmarks/memory/run.py` on the development machine")
    w("(2 cores); graphs are seeded. Peaks count activations only (see")
    w("docs/memory.md). `exact` is `strata-schedule`'s dynamic program with a")
    w(f"{args.time_limit:g} s limit per graph; `optimal` means proven, `feasible`")
    w("means the limit was hit and the greedy order kept, with the proven")
    w("bound.")
    w("")
    w("## ONNX light models (kernel graphs from `strata-plan export`)")
    w("")
    table(light, w)
    w("")
    w("## Random layered DAGs (width 10)")
    w("")
    table(random_rows, w)
    w("")
    w("## Training-like graphs (forward + mirrored backward)")
    w("")
    table(training, w)
    w("")
    w("## Is greedy optimal? Small random DAGs (width 4)")
    w("")
    w("| n | graphs | exact solved | greedy = optimum (of solved) | greedy worse by (max) |")
    w("|---:|---:|---:|---:|---:|")
    for n in [20, 40, 60]:
        rows = [r for r in small if r["name"].startswith(f"small-{n}-")]
        solved = [r for r in rows if r["status"] == "optimal"]
        same = sum(r["greedy"] == r["exact"] for r in solved)
        worst = max([(r["greedy"] - r["exact"]) / r["exact"] for r in solved] or [0])
        w(f"| {n} | {len(rows)} | {len(solved)} | {same} | {100 * worst:.1f}% |")
    all_solved = [r for r in small if r["status"] == "optimal"]
    rate = sum(r["greedy"] == r["exact"] for r in all_solved) / max(1, len(all_solved))
    w("")
    w(f"Greedy equals the optimum on **{100 * rate:.0f}%** of the solved small graphs "
      f"({len(all_solved)} of {len(small)} solved).")
    w("")
    w("## Rematerialization (greedy), program order, budget sweep")
    w("")
    w("Budgets are shares of the program-order peak. `layered-n`: the random")
    w("layered DAGs above (sinks are results, live to the end); `layered1-n`:")
    w("the same generator with every node but the last read later (one")
    w("result, as in a network); `training-nx2`: n forward nodes (random")
    w("DAG of width 4) and their mirrored backward pass. *bound* is")
    w("`rematPeakLowerBound` (what no plan frees: a node's operands, results")
    w("produced before it); *lowest* is the peak greedy reaches with a 1-byte")
    w("budget (its path does not depend on the budget).")
    w("")
    w("| graph | nodes | bound / program peak | lowest / program peak | lowest / bound | recomputations | time to lowest |")
    w("|---|---:|---:|---:|---:|---:|---:|")
    for r in [r for r in remat if r["percent"] == 0]:
        program = r["program_peak_bytes"]
        w(f"| {r['name']} | {r['num_nodes']} | {r['peak_lower_bound'] / program:.3f} | "
          f"{r['peak_bytes'] / program:.3f} | "
          f"{r['peak_bytes'] / max(1, r['peak_lower_bound']):.2f} | "
          f"{len(r['recomputed'])} | {r['solve_seconds']:.3f} s |")
    w("")
    w("Added compute per budget: the recomputed nodes' `duration` (random in")
    w("[0, 1) per node for the synthetic graphs, roofline seconds on host-cpu")
    w("for the models) as a share of the graph's total; `-` where greedy")
    w("misses the budget.")
    w("")
    percents = [90, 80, 70, 60, 50, 40, 30, 20]
    w("| graph | " + " | ".join(f"{p}%" for p in percents) + " |")
    w("|---|" + "---:|" * len(percents))
    for name in dict.fromkeys(r["name"] for r in remat):
        cells = []
        for p in percents:
            r = next(r for r in remat if r["name"] == name and r["percent"] == p)
            share = 100.0 * r["added_cost"] / r["total_cost"] if r["total_cost"] else 0
            cells.append(f"{share:.1f}%" if r["status"] == "feasible" else "-")
        w(f"| {name} | " + " | ".join(cells) + " |")
    w("")
    w("### Greedy rematerialization time against size (training-like graphs)")
    w("")
    w("Solve time of the library call (`solve_seconds`, JSON parsing excluded);")
    w("*growth* is the exponent k in time ~ n^k between consecutive sizes.")
    w("")
    w("| graph | nodes | budget | recomputations | time | growth |")
    w("|---|---:|---:|---:|---:|---:|")
    scaling = [r for r in remat if r["name"].startswith("training-")]
    for percent in [90, 50]:
        prev = None
        for r in [r for r in scaling if r["percent"] == percent]:
            n = r["num_nodes"]
            t = max(r["solve_seconds"], 1e-6)
            growth = (f"{math.log(t / prev[1]) / math.log(n / prev[0]):.2f}"
                      if prev else "-")
            w(f"| {r['name']} | {n} | {percent}% | {len(r['recomputed'])} | "
              f"{t:.4f} s | {growth} |")
            prev = (n, t)
    w("")
    w("## Exact rematerialization")
    w("")
    w("The exact solvers (cp, milp, highs, cpsat) against greedy are measured by")
    w("`benchmarks/memory/exact.py`: [remat-exact.md](remat-exact.md).")
    w("")

    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(1, 2, figsize=(10, 4))
        rows = random_rows + training + light
        ax[0].loglog([r["nodes"] for r in rows], [max(r["greedy_s"], 1e-6) for r in rows], "o")
        ax[0].set_xlabel("nodes")
        ax[0].set_ylabel("greedy solve time (s)")
        ax[0].set_title("greedy schedule time")
        ax[1].bar(range(len(rows)), [r["greedy"] / r["program"] for r in rows])
        ax[1].set_xticks(range(len(rows)))
        ax[1].set_xticklabels([r["name"] for r in rows], rotation=90, fontsize=7)
        ax[1].set_ylabel("greedy peak / program-order peak")
        ax[1].set_title("peak after greedy scheduling")
        fig.tight_layout()
        png = os.path.join(os.path.dirname(args.markdown), "memory_schedule.png")
        fig.savefig(png, dpi=100)
        w("![greedy schedule time and peak ratio](memory_schedule.png)")
        w("")
        fig, ax = plt.subplots(figsize=(5, 4))
        for percent in [90, 70, 50]:
            rows = [r for r in scaling if r["percent"] == percent]
            ax.loglog([r["num_nodes"] for r in rows],
                      [max(r["solve_seconds"], 1e-6) for r in rows], "o-",
                      label=f"budget {percent}%")
        ax.set_xlabel("nodes (training-like graphs)")
        ax.set_ylabel("greedy remat solve time (s)")
        ax.legend()
        fig.tight_layout()
        fig.savefig(os.path.join(os.path.dirname(args.markdown), "memory_remat.png"), dpi=100)
        w("![greedy remat time against size](memory_remat.png)")
        w("")
    except ImportError:
        print("memory: no matplotlib; skipping the plot", file=sys.stderr)

    with open(args.markdown, "w") as f:
        f.write("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
