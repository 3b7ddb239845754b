#!/usr/bin/env python3
"""Rewrite strategies on the nine ONNX light models (docs/benchmarks/strategies.md).

Parts (--parts, comma-separated; default all):

counts   Ops per model before the strategy (import, canonicalize,
         tosa-reduce-transposes, canonicalize: upstream's cleanup) and after
         the default strategy (data/strategies/default.mlir, as
         strata-form-kernels runs it), next to onnxruntime's optimized graph
         at its extended level (SessionOptions.optimized_model_filepath):
         interior transposes, per-channel mul/add right after a convolution,
         compute ops, and Strata's kernels after fusion.
compile  The strategy's share of compile time: strata-apply-strategy's wall
         time (strata-opt --mlir-timing over strata-form-kernels) against
         strata-run's whole compile time (kernel formation, lowering, LLVM).
latency  Predicted (strata-run --report, roofline) and measured latency of
         each model with random weights, with and without the default
         strategy (--strategy=none), single-threaded, the two programs timed
         side by side in alternating pairs (strata-run --versus).
bestof   Decisions best_of makes: for each model and each rule group of the
         library (DECISIONS), a strategy with best_of {without, with}; when
         the two programs differ, both are timed side by side (strata-run
         --versus) and the pick is checked against the measured-faster one.

Usage (after scripts/setup.sh; onnxruntime from PyPI is an oracle only):

    build/bench-venv/bin/python benchmarks/strategies/run.py \\
        --json /tmp/strategies.json --markdown docs/benchmarks/strategies.md
    build/bench-venv/bin/python benchmarks/strategies/run.py \\
        --from-json /tmp/strategies.json --markdown docs/benchmarks/strategies.md
"""

import argparse
import json
import math
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
sys.path.insert(0, os.path.join(ROOT, "benchmarks", "models"))
from lightmodels import LIGHT_MODELS, find_models_dir  # noqa: E402

BEFORE = "builtin.module(func.func(canonicalize,tosa-reduce-transposes,canonicalize))"
# What strata-form-kernels runs before its strategy.
PREFIX = "builtin.module(func.func(canonicalize,tosa-reduce-transposes),"
AFTER = ("builtin.module(func.func(canonicalize,tosa-reduce-transposes),"
         "strata-apply-strategy{strategy=%s},func.func(canonicalize,cse))")
# Ops that compute nothing at run time: constants, shapes, views, inits.
FREE = {"tosa.const", "tosa.const_shape", "tosa.reshape", "tensor.empty",
        "linalg.fill", "linalg.yield", "func.return", "arith.constant",
        "tensor.expand_shape", "tensor.collapse_shape", "tosa.yield",
        "strata.yield", "func.func"}
# strata.grouped_conv2d: a grouped convolution (with its padding); the
# named linalg ops and linalg.generic (a convolution over NCHW as NDHWC):
# strata.fold-window-trims's and strata.fold-input-layout's.
CONVS = {"tosa.conv2d", "tosa.depthwise_conv2d", "strata.grouped_conv2d",
         "linalg.generic", "linalg.conv_2d_nhwc_hwcf"}
WINDOWS = CONVS | {"tosa.max_pool2d", "tosa.avg_pool2d",
                   "linalg.pooling_nhwc_max"}
ORT_FREE = {"Constant", "Shape", "Reshape", "Flatten", "Squeeze", "Unsqueeze",
            "Identity", "Dropout", "ConstantOfShape"}

OP_RE = re.compile(r"^\s*(?:(%[\w#:]+(?:\s*,\s*%[\w#:]+)*)\s*=\s*)?\"?([a-z_]+\.[a-z_0-9.]+)\"?(.*)$")


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def parse_ops(text):
    """(name, results, operands, rest) per op line of printed MLIR, for the
    ops of function bodies (not those inside a linalg op's region)."""
    ops = []
    nested = 0
    for line in text.splitlines():
        if nested:
            nested += line.count("{") - line.count("}")
            continue
        m = OP_RE.match(line)
        if not m or m.group(2).startswith(("transform.", "builtin.")):
            continue
        if m.group(2).startswith("linalg.") and line.rstrip().endswith("{"):
            nested = 1
        results = [r.strip() for r in (m.group(1) or "").split(",") if r.strip()]
        operands = re.findall(r"%[\w#]+", m.group(3).split(":")[0])
        ops.append((m.group(2), results, operands, m.group(3)))
    return ops


def count_ops(text):
    ops = parse_ops(text)
    defs = {}
    for op in ops:
        for r in op[1]:
            defs[r.split("#")[0]] = op
    uses_by_return = set()
    for name, _, operands, _ in ops:
        if name == "func.return":
            uses_by_return.update(operands)
    counts = Counter(name for name, *_ in ops)
    interior = 0
    for name, results, operands, _ in ops:
        if name != "tosa.transpose":
            continue
        src = operands[0] if operands else ""
        # The input's layout change (possibly after a slice of it) and the
        # output's are boundaries: they exist in any compiler's graph.
        while src in defs and defs[src][0] in ("tosa.slice", "tosa.reshape"):
            src = defs[src][2][0]
        if src.startswith("%arg") or any(r in uses_by_return for r in results):
            continue
        interior += 1
    after_conv = 0
    for name, _, operands, rest in ops:
        if name not in ("tosa.mul", "tosa.add"):
            continue
        types = re.findall(r"tensor<([\dx]+)xf32>", rest)
        producers = [defs.get(o) for o in operands[:2]]
        # Through layout changes: the reshape a grouped convolution's
        # NHWGC -> NHWC needs, the transposes before the strategy.
        for _ in range(3):
            producers = [defs.get(p[2][0])
                         if p and p[0] in ("tosa.reshape", "tosa.transpose")
                         else p for p in producers]
        # One operand has at most one dimension above 1 (a channel vector).
        per_channel = any(sum(int(d) > 1 for d in t.split("x")) <= 1
                          for t in types[:2])
        if per_channel and any(p and p[0] in CONVS for p in producers):
            after_conv += 1
    # A broadcast read only as a contraction's initial value (a grouped
    # convolution's bias: its accumulator starts at it) is that op's init,
    # like linalg.fill.
    inits = 0
    for name, results, _, _ in ops:
        if name != "linalg.broadcast" or not results:
            continue
        value = re.escape(results[0].split("#")[0])
        uses = re.findall(value + r"\b", text)
        outs = re.findall(r"outs\(" + value + r"\b", text)
        if len(uses) == 1 + len(outs) and outs:
            inits += 1
    counts["linalg.broadcast"] -= inits
    if counts["linalg.broadcast"] <= 0:
        del counts["linalg.broadcast"]
    compute = sum(c for n, c in counts.items() if n not in FREE)
    # Ops TOSA needs where onnxruntime's ops carry the same thing as an
    # attribute: a slice trimming the rows a strided window never reads
    # (TOSA's convolutions and pools must divide their input exactly).
    users = {}
    for name, _, operands, _ in ops:
        for o in operands:
            users.setdefault(o, []).append(name)

    def only_feeds(value, targets, depth=2):
        found = users.get(value, [])
        if not found:
            return False
        for user in found:
            if user in targets:
                continue
            nxt = [r for n, rs, os_, _ in ops if value in os_ and n == user
                   for r in rs]
            if depth and user in ("tosa.transpose", "tosa.reshape") and nxt:
                if all(only_feeds(r.split("#")[0], targets, depth - 1)
                       for r in nxt):
                    continue
            return False
        return True
    trims = 0
    for name, results, _, _ in ops:
        if not results:
            continue
        if name == "tosa.slice" and only_feeds(results[0], WINDOWS):
            trims += 1
    return dict(transposes=counts["tosa.transpose"], interior=interior,
                boundary=counts["tosa.transpose"] - interior, trims=trims,
                after_conv=after_conv, compute=compute,
                ops={n: c for n, c in counts.items() if n not in FREE})


def ort_counts(model_path, tmp):
    import onnx
    import onnxruntime as ort
    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
    out = os.path.join(tmp, "ort_optimized.onnx")
    opts.optimized_model_filepath = out
    opts.log_severity_level = 3
    ort.InferenceSession(model_path, opts, providers=["CPUExecutionProvider"])
    model = onnx.load(out)
    nodes = [n for n in model.graph.node if n.op_type not in ORT_FREE]
    expanded = 0
    types = Counter()
    for n in nodes:
        types[n.op_type] += 1
        extra = 0
        if n.op_type in ("FusedConv", "FusedGemm"):
            attrs = {a.name: a for a in n.attribute}
            if "activation" in attrs:
                extra += 1
            if n.op_type == "FusedConv" and len(n.input) > 3 and n.input[3]:
                extra += 1  # the fused Sum (residual add)
        expanded += 1 + extra
    transposes = types["Transpose"]
    return dict(nodes=len(nodes), expanded=expanded, transposes=transposes,
                types=dict(types))


def part_counts(args, models, tmp):
    rows = {}
    for name in models:
        path = os.path.join(args.models_dir, f"light_{name}.onnx")
        mlir = os.path.join(tmp, f"{name}.mlir")
        r = run([args.strata_translate, "--import-onnx", path, "-o", mlir])
        if r.returncode:
            sys.exit(r.stderr)
        before = run([args.strata_opt, "-p", BEFORE, mlir])
        after = run([args.strata_opt, "-p", AFTER % args.strategy, mlir])
        kernels = run([args.strata_opt, "-p",
                       "builtin.module(strata-form-kernels)", mlir])
        for r in (before, after, kernels):
            if r.returncode:
                sys.exit(r.stderr[-3000:])
        row = dict(before=count_ops(before.stdout), after=count_ops(after.stdout),
                   kernels=kernels.stdout.count("strata.group"))
        # strata.group's printed form: "strata.group" once per kernel.
        row["kernels"] = len(re.findall(r"strata\.group\b", kernels.stdout))
        row["ort"] = ort_counts(path, tmp)
        rows[name] = row
        print(f"{name}: transposes {row['before']['interior']} -> "
              f"{row['after']['interior']}, compute {row['before']['compute']}"
              f" -> {row['after']['compute']} (onnxruntime "
              f"{row['ort']['expanded']})", flush=True)
    return rows


def seconds(value, unit):
    return float(value) * {"s": 1.0, "ms": 1e-3, "us": 1e-6}[unit]


def strata_run(args, model, extra):
    cmd = [args.strata_run, model, "--random-inputs", "--print-limit=0",
           "--threads=1", "--report"] + extra
    r = run(cmd)
    if r.returncode:
        sys.exit(f"{' '.join(cmd)}\n{r.stderr[-3000:]}")
    info = {}
    for key, pat in [("estimated", r"  estimated:\s+(\S+) (\S+)"),
                     ("versus_estimated", r"  versus:\s+(\S+) (\S+) estimated"),
                     ("compile", r"compile time:\s+(\S+) (\S+)"),
                     ("median", r"benchmark: .* median (\S+) (\S+), p90"),
                     ("cpu", r"benchmark: .* cpu median (\S+) (\S+)")]:
        m = re.search(pat, r.stdout)
        if m:
            # Milliseconds, but compile time in seconds.
            value = seconds(m.group(1), m.group(2))
            info[key] = value if key == "compile" else value * 1e3
    m = re.search(r"versus: (\d+) pairs, cpu median (\S+) (\S+) \(this\) vs "
                  r"(\S+) (\S+) \(versus\), median ratio versus/this (\S+), "
                  r"versus faster in (\d+), this faster in (\d+)", r.stdout)
    if m:
        info["versus"] = dict(pairs=int(m.group(1)),
                              this=seconds(m.group(2), m.group(3)) * 1e3,
                              other=seconds(m.group(4), m.group(5)) * 1e3,
                              ratio=float(m.group(6)),
                              other_wins=int(m.group(7)),
                              this_wins=int(m.group(8)))
    return info


def sign_test(wins, losses):
    """Two-sided binomial sign test: the chance of a split at least this
    lopsided between two equally fast programs."""
    n = wins + losses
    if n == 0:
        return 1.0
    k = max(wins, losses)
    tail = sum(math.comb(n, i) for i in range(k, n + 1)) / 2 ** n
    return min(1.0, 2 * tail)


def paired(args, model, this, other):
    """The two strategies' programs timed side by side: `rounds` processes
    of 2 x runs alternating pairs (strata-run --versus). Returns each
    round's figures and the pooled verdict."""
    rounds = []
    for _ in range(args.rounds):
        info = strata_run(args, model, [f"--strategy={this}",
                                        f"--versus={other}",
                                        f"--benchmark={2 * args.runs}",
                                        # The E2E tests' tolerance for the
                                        # reassociating rules.
                                        "--rtol=2e-3", "--atol=1e-4"])
        rounds.append(info)
    ratio = statistics.median(r["versus"]["ratio"] for r in rounds)
    other_wins = sum(r["versus"]["other_wins"] for r in rounds)
    this_wins = sum(r["versus"]["this_wins"] for r in rounds)
    return dict(rounds=[r["versus"] for r in rounds],
                estimated=[rounds[0]["estimated"],
                           rounds[0].get("versus_estimated")],
                measured=[statistics.median(r["versus"]["this"] for r in rounds),
                          statistics.median(r["versus"]["other"] for r in rounds)],
                ratio=ratio, wins=[this_wins, other_wins],
                p=sign_test(other_wins, this_wins))


def random_model(args, name, tmp):
    import onnx
    from run import randomize  # benchmarks/models/run.py
    path = os.path.join(tmp, f"{name}_random.onnx")
    if not os.path.exists(path):
        model = onnx.load(os.path.join(args.models_dir, f"light_{name}.onnx"))
        onnx.save(randomize(model, 7), path)
    return path


def part_compile(args, models, tmp):
    rows = {}
    for name in models:
        # The random-weight model both times: folding real weights costs
        # more than folding the light models' uniform fills.
        model = random_model(args, name, tmp)
        mlir = os.path.join(tmp, f"{name}_random.mlir")
        if not os.path.exists(mlir):
            run([args.strata_translate, "--import-onnx", model, "-o", mlir])
        strategy = []
        for _ in range(args.rounds):
            r = run([args.strata_opt, "-p", "builtin.module(strata-form-kernels)",
                     mlir, "--mlir-timing", "--mlir-timing-display=list",
                     "-o", os.devnull])
            m = re.search(r"^\s*(\S+) \(\s*\S+%\)\s+StrataApplyStrategy$",
                          r.stderr, re.M)
            strategy.append(float(m.group(1)))
        compile_s = [strata_run(args, model, [])["compile"]
                     for _ in range(args.rounds)]
        rows[name] = dict(strategy=min(strategy), compile=min(compile_s))
        print(f"{name}: strategy {min(strategy) * 1e3:.1f} ms of "
              f"{min(compile_s):.2f} s", flush=True)
    return rows


def part_latency(args, models, tmp):
    rows = {}
    for name in models:
        model = random_model(args, name, tmp)
        # The strategy's program against the one without (--versus= is the
        # default strategy).
        rows[name] = paired(args, model, "none", "")
        r = rows[name]
        print(f"{name}: none {r['measured'][0]:.2f} ms (predicted "
              f"{r['estimated'][0]:.2f}), default {r['measured'][1]:.2f} ms "
              f"(predicted {r['estimated'][1]:.2f}), ratio {r['ratio']:.4f}, "
              f"wins {r['wins']}", flush=True)
    return rows


# The benchmark set: each rule group of the library offered as a choice
# between a program without and with it, on every model where it changes
# the program. Each entry: the rules of the alternative that applies it,
# and whether both alternatives start with the layout sinking every
# strategy starts with (not when the choice is that sinking itself).
# Programs whose measured times differ by less than this are as fast as
# each other for the count of best_of's agreement: a cost model that prices
# kernels, not instruction schedules, does not rank them, and neither pick
# costs anything.
TIE_BAND = 0.01

DECISIONS = {
    "sink-transposes": (["strata.sink-transposes", "strata.cancel-transposes"],
                        False),
    "hoist-transposes": (["strata.hoist-transposes",
                          "strata.cancel-transposes"], True),
    "merge-sibling-convs": (["strata.merge-sibling-convs"], True),
    "fold-batch-norm": (["strata.fold-conv-scale", "strata.fold-conv-shift"],
                        True),
    "merge-affine-chains": (["strata.merge-affine-chains"], True),
    "epilogue-normal-form": (["strata.epilogue-normal-form",
                              "strata.cancel-transposes"], True),
    "flatten-into-weights": (["strata.flatten-into-weights"], True),
    # After the epilogue normal form (in both programs), which puts each
    # fully connected layer's bias right after its matmul.
    "matmul-bias-as-conv": (["strata.matmul-bias-as-conv",
                             "strata.cancel-transposes"], True,
                            ["strata.epilogue-normal-form",
                             "strata.cancel-transposes",
                             "strata.flatten-into-weights"]),
    "fold-window-trims": (["strata.fold-window-trims"], True),
    # Where the default strategy applies it: after the batch-norm folds and
    # the trims (in both programs; without the folds the normalizations
    # stay after the convolution, in another form for each program).
    "fold-input-layout": (["strata.fold-input-layout",
                           "strata.epilogue-normal-form"], True,
                          [["strata.algebraic-identities",
                            "strata.merge-affine-chains",
                            "strata.fold-conv-scale", "strata.fold-conv-shift"],
                           ["strata.fold-window-trims"]]),
    # After the batch-norm folds, as in the default strategy (the shuffle
    # then moves below a depthwise convolution whose weights hold them).
    "fold-channel-shuffle": (["strata.fold-channel-shuffle"], True,
                             [["strata.algebraic-identities",
                               "strata.merge-affine-chains",
                               "strata.fold-conv-scale",
                               "strata.fold-conv-shift"]]),
}


def strategy_text(body, layout=True):
    return ("module attributes {transform.with_named_sequence} {\n"
            "  transform.named_sequence @__transform_main(\n"
            "      %m: !transform.any_op {transform.readonly}) {\n" +
            ("    transform.strata.normalize %m\n"
             "        with [\"strata.sink-transposes\", \"strata.cancel-transposes\"]\n"
             "        : !transform.any_op\n" if layout else "") + body +
            "    transform.yield\n  }\n}\n")


def normalize(rules):
    return ("    transform.strata.normalize %s with [%s] : !transform.any_op\n"
            % ("%m", ", ".join(f'"{r}"' for r in rules)))


def part_bestof(args, models, tmp):
    rows = []
    for decision, (rules, layout, *base) in DECISIONS.items():
        if args.decisions and decision not in args.decisions.split(","):
            continue
        # Rules both programs apply first, if any: one fixpoint, or one
        # after another.
        steps = (base[0] if base and isinstance(base[0][0], list)
                 else base)
        first = "".join(normalize(step) for step in steps)
        without = os.path.join(tmp, f"{decision}.without.mlir")
        with_ = os.path.join(tmp, f"{decision}.with.mlir")
        choose = os.path.join(tmp, f"{decision}.best_of.mlir")
        open(without, "w").write(strategy_text(first, layout))
        open(with_, "w").write(strategy_text(first + normalize(rules), layout))
        open(choose, "w").write(strategy_text(
            first +
            "    transform.strata.best_of %m {form_kernels} : !transform.any_op {\n"
            "    ^bb0(%c: !transform.any_op):\n      transform.yield\n    }, {\n"
            "    ^bb0(%c: !transform.any_op):\n"
            + normalize(rules).replace("%m", "%c") +
            "      transform.yield\n    }\n", layout))
        for name in models:
            mlir = os.path.join(tmp, f"{name}.mlir")
            if not os.path.exists(mlir):
                run([args.strata_translate, "--import-onnx",
                     os.path.join(args.models_dir, f"light_{name}.onnx"),
                     "-o", mlir])
            outs = []
            for path in (without, with_):
                r = run([args.strata_opt, "-p", PREFIX +
                         f"strata-apply-strategy{{strategy={path}}})", mlir])
                outs.append(r.stdout)
            if outs[0] == outs[1]:
                continue  # the rewrite does not apply: nothing to choose
            r = run([args.strata_opt, "-p", PREFIX +
                     f"strata-apply-strategy{{strategy={choose} remarks=true}})",
                     mlir, "-o", os.devnull])
            pick = int(re.search(r"best_of: kept alternative (\d)", r.stderr).group(1))
            predicted = [float(x) for x in
                         re.findall(r"best_of: alternative \d predicted (\S+) us", r.stderr)]
            model = random_model(args, name, tmp)
            m = paired(args, model, without, with_)
            # Faster: the median of the pairs' time ratios; separated: the
            # sign test says the pairs' split is no coin toss (p < 0.01) and
            # the programs differ by at least TIE_BAND.
            faster = 1 if m["ratio"] < 1 else 0
            gap = abs(1 / m["ratio"] - 1) if faster else abs(m["ratio"] - 1)
            separated = m["p"] < 0.01 and gap >= TIE_BAND
            rows.append(dict(decision=decision, model=name, pick=pick,
                             predicted=predicted, measured=m["measured"],
                             ratio=m["ratio"], wins=m["wins"], p=m["p"],
                             faster=faster, gap=gap, rounds=m["rounds"],
                             separated=separated))
            print(f"{decision} on {name}: predicted {predicted}, measured "
                  f"{m['measured']}, ratio {m['ratio']:.4f}, wins "
                  f"{m['wins']} (p {m['p']:.2g}), picked {pick}, faster "
                  f"{faster}, separated {separated}", flush=True)
    return rows


def fmt(x, digits=2):
    return f"{x:.{digits}f}"


def bestof_summary(best):
    """(agreements, separated decisions, agreements among them)."""
    agree = sum(r["pick"] == r["faster"] for r in best)
    clear = [r for r in best if r.get("separated")]
    clear_ok = sum(r["pick"] == r["faster"] for r in clear)
    return agree, clear, clear_ok


def targets(data):
    """The issue's targets against the figures below."""
    out = ["## Targets\n"]
    counts = data.get("counts") or {}
    if counts:
        over = [n for n, r in counts.items() if r["after"]["interior"] > 2]
        out.append(f"- Interior transposes ≤ 2: met on "
                   f"{len(counts) - len(over)} of {len(counts)} models"
                   + (f"; missed on {', '.join(over)} ("
                      + ", ".join(f"{counts[n]['after']['interior']}" for n in over)
                      + "): ShuffleNet's are channel shuffles, Transpose nodes "
                      "of the model itself (16) that onnxruntime keeps too. "
                      "strata.fold-channel-shuffle moves a shuffle below the "
                      "depthwise convolution after it and into the grouped "
                      "convolution that reads it when the shuffle's groups "
                      "divide the channels of a convolution's group; the ones "
                      "left shuffle 136 channels in 4 groups before "
                      "convolutions with groups of 34 channels."
                      if over else "."))
        left = [n for n, r in counts.items() if r["after"]["after_conv"]]
        out.append("- No per-channel mul/add right after a convolution: "
                   + ("met on every model." if not left else
                      "missed on " + ", ".join(left) + "."))
        above = [n for n, r in counts.items()
                 if r["after"]["compute"] > r["ort"]["expanded"]]

        def tosa_extra(a):
            return a.get("boundary", 0) + a.get("trims", 0)
        still = [n for n in above
                 if counts[n]["after"]["compute"] - tosa_extra(counts[n]["after"])
                 > counts[n]["ort"]["expanded"]]
        kinds = [("boundary", "the input's NCHW→NHWC transpose (TOSA "
                  "convolutions are NHWC; strata.fold-input-layout removes "
                  "it before a convolution of an image)"),
                 ("trims", "slices trimming the rows a strided window never "
                  "reads (TOSA's convolutions and pools must divide their "
                  "input exactly; strata.fold-window-trims removes those "
                  "before unpadded windows)")]
        reasons = []
        for n in above:
            a = counts[n]["after"]
            parts = [f"{a[k]} {text}" for k, text in kinds if a.get(k, 0)]
            reasons.append(f"{n} {a['compute']} vs {counts[n]['ort']['expanded']}"
                           + (": " + "; ".join(parts) if parts else ""))
        out.append(f"- Compute ops ≤ onnxruntime's optimized graph: met on "
                   f"{len(counts) - len(above)} of {len(counts)}"
                   + (f"; missed on {', '.join(reasons)}. Without those "
                      "ops: " + (f"still above on {', '.join(still)}."
                                 if still else "at or below onnxruntime on "
                                 "every model.") if above else "."))
    comp = data.get("compile") or {}
    if comp:
        shares = {n: r["strategy"] / r["compile"] for n, r in comp.items()}
        worst = max(shares, key=shares.get)
        over = [n for n, v in shares.items() if v > 0.05]
        out.append(f"- Strategy ≤ 5% of compile time: "
                   + (f"met on every model (at most "
                      f"{100 * shares[worst]:.1f}%, {worst})." if not over else
                      f"missed on {', '.join(over)} (up to "
                      f"{100 * shares[worst]:.1f}%, {worst}): most of it is "
                      "folding convolution filters (the importer's OIHW "
                      "filters transposed to OHWI, then batch-norm scales "
                      "multiplied in: two copies of every filter). A "
                      "matmul's weights are already left to "
                      "strata-pack-constants, which folds their layout with "
                      "their blocking in one copy; filters could be too if "
                      "the batch-norm folds scaled the filter in its "
                      "original layout."))
        out.append("- `best_of` with k alternatives costs k clones and at "
                   "most k pricings: prices are cached by a structural hash "
                   "of the program (`passes/RewriteStrategies/StrategyOps.cpp`).")
    best = data.get("bestof") or []
    if best:
        agree, clear, clear_ok = bestof_summary(best)
        out.append(f"- `best_of` picks the measured-faster alternative on ≥ "
                   f"80%: {clear_ok} of {len(clear)} "
                   f"({100 * clear_ok / max(len(clear), 1):.0f}%) of the "
                   "decisions whose two programs measured apart (timed side "
                   "by side in alternating pairs; the sign test's p < 0.01 "
                   f"and at least {100 * TIE_BAND:.0f}% apart); "
                   f"{agree} of {len(best)} ({100 * agree / len(best):.0f}%) "
                   "counting the near-ties too, where either pick is as "
                   "fast.")
    out.append("")
    return out


def markdown(data):
    out = []
    host = data.get("host", "")
    out.append("# Rewrite strategies: benchmark\n")
    out.append("Generated by `benchmarks/strategies/run.py` "
               f"({data.get('date', '')}; {host}). The default strategy is "
               "`data/strategies/default.mlir`; see `docs/strategies.md`.\n")
    out.extend(targets(data))
    counts = data.get("counts")
    if counts:
        out.append("## Op counts\n")
        out.append("*Before*: imported, then upstream's cleanup (canonicalize, "
                   "`tosa-reduce-transposes`, canonicalize). *After*: the "
                   "default strategy as `strata-form-kernels` runs it. "
                   "*Interior transposes* leave out the input's and the "
                   "output's layout change. *Mul/add after conv*: a "
                   "per-channel `tosa.mul`/`tosa.add` reading a convolution. "
                   "*Compute ops*: every op but constants, shapes, reshapes "
                   "and tensor inits (`linalg.fill`, and a broadcast read "
                   "only as a contraction's initial value: a grouped "
                   "convolution's bias). onnxruntime: its optimized graph at the "
                   "extended level, every node but constants, shapes, "
                   "reshapes and dropouts, with a fused contrib op "
                   "(`FusedConv`, `FusedGemm`) counted as the ops it fuses "
                   "(its raw node count in parentheses). *Kernels*: "
                   "Strata's `strata.group`s after fusion.\n")
        out.append("| model | interior transposes | model's own Transpose "
                   "nodes | mul/add after conv | compute ops | onnxruntime "
                   "ops | Strata kernels | of the compute ops: input "
                   "layout, window trims |")
        out.append("|---|---|---|---|---|---|---|---|")
        for name, row in counts.items():
            b, a, o = row["before"], row["after"], row["ort"]
            out.append(f"| {name} | {b['interior']} → **{a['interior']}** | "
                       f"{o['types'].get('Transpose', 0)} | "
                       f"{b['after_conv']} → **{a['after_conv']}** | "
                       f"{b['compute']} → **{a['compute']}** | "
                       f"{o['expanded']} ({o['nodes']}) | {row['kernels']} | "
                       f"{a.get('boundary', '–')}, {a.get('trims', '–')} |")
        out.append("")
    comp = data.get("compile")
    if comp:
        out.append("## Compile time\n")
        if data.get("compile_note"):
            out.append(f"({data['compile_note']}.)\n")
        out.append("`strata-apply-strategy`'s wall time (best of the rounds, "
                   "`strata-opt --mlir-timing` over `strata-form-kernels`) "
                   "against `strata-run`'s whole compile time (kernel "
                   "formation, lowering, LLVM; best of the rounds).\n")
        out.append("| model | strategy | compile | share |")
        out.append("|---|---|---|---|")
        for name, row in comp.items():
            out.append(f"| {name} | {fmt(row['strategy'] * 1e3, 1)} ms | "
                       f"{fmt(row['compile'])} s | "
                       f"{fmt(100 * row['strategy'] / row['compile'], 1)}% |")
        out.append("")
    lat = data.get("latency")
    if lat:
        out.append("## Latency with and without the default strategy\n")
        out.append("Random weights (benchmarks/models/run.py's randomize, "
                   "seed 7), one thread. The two programs are timed side by "
                   f"side: {data.get('rounds')} processes of "
                   f"{2 * data.get('runs')} alternating pairs "
                   "(`strata-run --strategy=none --versus=`). *Measured*: "
                   "the CPU-time medians; *speedup*: the median of the "
                   "pairs' time ratios (median over the rounds); *pairs "
                   "won*: by the program with the strategy, of all pairs. "
                   "*Predicted*: `strata-run --report`'s roofline estimate "
                   "of the kernels.\n")
        out.append("| model | predicted without | predicted with | measured "
                   "without (ms) | measured with (ms) | speedup | pairs won |")
        out.append("|---|---|---|---|---|---|---|")
        for name, row in lat.items():
            e, m = row["estimated"], row["measured"]
            out.append(f"| {name} | {fmt(e[0])} | {fmt(e[1])} | {fmt(m[0])} | "
                       f"{fmt(m[1])} | {fmt(1 / row['ratio'])}× | "
                       f"{row['wins'][1]} of {sum(row['wins'])} |")
        out.append("")
    best = data.get("bestof")
    if best:
        out.append("## best_of against measurement\n")
        out.append("The benchmark set: every rule group of the library "
                   "(`DECISIONS` in the script) offered as `best_of "
                   "{form_kernels}` between a program without and with it "
                   "(after the layout sinking every strategy starts with, "
                   "except for the choice of that sinking), on every light "
                   "model where the two programs differ. Both programs are "
                   "then compiled and timed side by side, "
                   f"{data.get('rounds', 2)} processes of "
                   f"{2 * data.get('runs', 10)} alternating pairs each "
                   "(`strata-run --strategy=WITHOUT --versus=WITH`; one "
                   "thread, CPU time). *Measured*: each program's median. "
                   "*Gap*: how much slower the slower one is, from the "
                   "median of the pairs' time ratios. *Pairs*: how many "
                   "pairs each program won (without / with), and the sign "
                   "test's p: the chance of a split at least this lopsided "
                   "between two equally fast programs. *Separated*: p < "
                   f"0.01 and a gap of at least {100 * TIE_BAND:.0f}%; "
                   "closer programs are as fast as each other for this "
                   "count (a cost model that prices kernels does not rank "
                   "them, and neither pick costs anything).\n")
        out.append("| rewrite | model | predicted without / with (us) | "
                   "measured without / with (ms) | gap | pairs (p) | "
                   "separated | picked | faster | agree |")
        out.append("|---|---|---|---|---|---|---|---|---|---|")
        for row in best:
            ok = row["pick"] == row["faster"]
            p = " / ".join(fmt(x, 0) for x in row["predicted"])
            m = " / ".join(fmt(x) for x in row["measured"])
            names = ["without", "with"]
            sep = "yes" if row.get("separated") else "no"
            w = row["wins"]
            out.append(f"| {row['decision']} | {row['model']} | {p} | {m} | "
                       f"{fmt(100 * row['gap'], 1)}% | {w[0]} / {w[1]} "
                       f"({row['p']:.2g}) | {sep} | "
                       f"{names[row['pick']]} | {names[row['faster']]} | "
                       f"{'yes' if ok else 'no'} |")
        agree, clear, clear_ok = bestof_summary(best)
        out.append("")
        out.append(f"best_of picked the measured-faster program in {agree} of "
                   f"{len(best)} decisions ({fmt(100 * agree / len(best), 0)}%); "
                   f"in {clear_ok} of {len(clear)} where the two measured "
                   "apart (separated).\n")
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", default="counts,compile,latency,bestof")
    parser.add_argument("--models", default=",".join(LIGHT_MODELS))
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--strategy",
                        default=os.path.join(ROOT, "data", "strategies",
                                             "default.mlir"))
    parser.add_argument("--decisions", default="",
                        help="bestof: only these decisions (comma-separated)")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--json")
    parser.add_argument("--from-json")
    parser.add_argument("--markdown")
    parser.add_argument("--workdir")
    args = parser.parse_args()
    if args.from_json:
        data = json.load(open(args.from_json))
    else:
        args.strata_opt = os.path.join(args.build, "bin", "strata-opt")
        args.strata_translate = os.path.join(args.build, "bin", "strata-translate")
        args.strata_run = os.path.join(args.build, "bin", "strata-run")
        args.models_dir = find_models_dir(ROOT, "strategies")
        models = args.models.split(",")
        data = dict(date=time.strftime("%Y-%m-%d"), runs=args.runs,
                    rounds=args.rounds,
                    host=run(["uname", "-m"]).stdout.strip() + ", " +
                    re.search(r"model name\s*:\s*(.*)",
                              open("/proc/cpuinfo").read()).group(1))
        tmp = args.workdir or tempfile.mkdtemp(prefix="strata-strategies-")
        os.makedirs(tmp, exist_ok=True)
        parts = args.parts.split(",")
        start = time.time()
        if "counts" in parts:
            data["counts"] = part_counts(args, models, tmp)
        if "compile" in parts:
            data["compile"] = part_compile(args, models, tmp)
        if "latency" in parts:
            data["latency"] = part_latency(args, models, tmp)
        if "bestof" in parts:
            data["bestof"] = part_bestof(args, models, tmp)
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        data["seconds"] = time.time() - start
        data["child_cpu_seconds"] = usage.ru_utime + usage.ru_stime
        if args.json:
            json.dump(data, open(args.json, "w"), indent=1)
    if args.markdown:
        open(args.markdown, "w").write(markdown(data))
    else:
        print(markdown(data))


if __name__ == "__main__":
    main()
