#!/usr/bin/env python3
"""Halide as a peer of benchmarks/cpu/run.py: one GEMM or convolution layer,
JIT-compiled for the host with one hand schedule or with the Adams2019
autoscheduler (parallelism 1), timed on one thread.

    halide_peer.py gemm M K N hand|adams2019 RUNS
    halide_peer.py conv H C F K STRIDE PAD OUT hand|adams2019 RUNS

prints "WALL CPU" (median seconds of RUNS runs after warm-up). Run by
run.py inside build/bench-venv (PyPI `halide`), with HL_NUM_THREADS=1.
"""

import os
import sys
import time

import halide as hl
import numpy as np


def load_adams2019():
    lib = os.path.join(os.path.dirname(hl.__file__), "lib64",
                       "libautoschedule_adams2019.so")
    hl.load_plugin(lib)


def autoschedule(output, estimates):
    load_adams2019()
    output.set_estimates(estimates)
    pipeline = hl.Pipeline(output)
    target = hl.get_jit_target_from_environment()
    pipeline.apply_autoscheduler(
        target, hl.AutoschedulerParams("Adams2019", {"parallelism": "1"}))
    return pipeline


def gemm(m, k, n, mode):
    """C[m][n] = sum_k A[m][k] B[k][n]; Halide indexes buffers innermost
    first: A(k, m), B(n, k), C(n, m)."""
    a = hl.ImageParam(hl.Float(32), 2, "A")
    b = hl.ImageParam(hl.Float(32), 2, "B")
    x, y = hl.Var("x"), hl.Var("y")
    r = hl.RDom([(0, k)])
    prod = hl.Func("prod")
    prod[x, y] = hl.f32(0)
    prod[x, y] += a[r.x, y] * b[x, r.x]
    c = hl.Func("C")
    c[x, y] = prod[x, y]
    a.set_estimates([(0, k), (0, m)])
    b.set_estimates([(0, n), (0, k)])
    if mode == "adams2019":
        pipeline = autoschedule(c, [(0, n), (0, m)])
    else:
        # A register tile of 6 rows x 4 vectors: the accumulators live in
        # registers across the reduction, B's row is loaded once per step.
        vec = hl.get_jit_target_from_environment().natural_vector_size(hl.Float(32))
        xo, yo, xi, yi = hl.Var("xo"), hl.Var("yo"), hl.Var("xi"), hl.Var("yi")
        c.tile(x, y, xo, yo, xi, yi, 4 * vec, 6, hl.TailStrategy.ShiftInwards) \
         .vectorize(xi, vec).unroll(xi).unroll(yi)
        prod.compute_at(c, xo).vectorize(x, vec).unroll(x).unroll(y)
        prod.update().reorder(x, y, r.x).vectorize(x, vec).unroll(x).unroll(y)
        pipeline = hl.Pipeline(c)
    rng = np.random.default_rng(0)
    inputs = {a: rng.standard_normal((m, k), dtype=np.float32),
              b: rng.standard_normal((k, n), dtype=np.float32)}
    out = hl.Buffer(hl.Float(32), [n, m])
    return pipeline, inputs, out


def conv(h, cin, f, ksize, stride, pad, o, mode):
    """NHWC convolution (batch 1, H = W) with an HWCF filter, padded by
    `pad` before (and by what the o x o output needs after): out(f, x, y) =
    sum in(c, x*s + kx - pad, y*s + ky - pad) * w(f, c, kx, ky)."""
    w = h
    inp = hl.ImageParam(hl.Float(32), 3, "input")   # (c, x, y)
    wts = hl.ImageParam(hl.Float(32), 4, "weights")  # (f, c, kx, ky)
    oh = ow = o
    padded = hl.BoundaryConditions.constant_exterior(inp, 0.0)
    co, x, y = hl.Var("co"), hl.Var("x"), hl.Var("y")
    r = hl.RDom([(0, cin), (0, ksize), (0, ksize)])
    acc = hl.Func("acc")
    acc[co, x, y] = hl.f32(0)
    acc[co, x, y] += (padded[r.x, x * stride + r.y - pad, y * stride + r.z - pad]
                      * wts[co, r.x, r.y, r.z])
    out = hl.Func("out")
    out[co, x, y] = acc[co, x, y]
    inp.set_estimates([(0, cin), (0, w), (0, h)])
    wts.set_estimates([(0, f), (0, cin), (0, ksize), (0, ksize)])
    if mode == "adams2019":
        pipeline = autoschedule(out, [(0, f), (0, ow), (0, oh)])
    else:
        # Output channels in vectors (they are contiguous), a few output
        # columns unrolled: the register tile of a direct convolution.
        vec = hl.get_jit_target_from_environment().natural_vector_size(hl.Float(32))
        cw = min(4 * vec, f)
        coo, cii, xo, xi = hl.Var("coo"), hl.Var("cii"), hl.Var("xo"), hl.Var("xi")
        out.split(co, coo, cii, cw, hl.TailStrategy.ShiftInwards) \
           .split(x, xo, xi, 6, hl.TailStrategy.ShiftInwards) \
           .reorder(cii, xi, coo, xo, y).vectorize(cii, vec).unroll(xi)
        acc.compute_at(out, coo).vectorize(co, vec).unroll(x)
        acc.update().reorder(co, x, r.x, r.y, r.z).vectorize(co, vec).unroll(x)
        pipeline = hl.Pipeline(out)
    rng = np.random.default_rng(0)
    inputs = {inp: rng.standard_normal((h, w, cin), dtype=np.float32),
              wts: rng.standard_normal((ksize, ksize, cin, f), dtype=np.float32)}
    result = hl.Buffer(hl.Float(32), [f, ow, oh])
    return pipeline, inputs, result


def main():
    kind = sys.argv[1]
    if kind == "gemm":
        m, k, n = map(int, sys.argv[2:5])
        mode, runs = sys.argv[5], int(sys.argv[6])
        pipeline, inputs, out = gemm(m, k, n, mode)
    else:
        h, c, f, ksize, stride, pad, o = map(int, sys.argv[2:9])
        mode, runs = sys.argv[9], int(sys.argv[10])
        pipeline, inputs, out = conv(h, c, f, ksize, stride, pad, o, mode)
    buffers = {param: hl.Buffer(array) for param, array in inputs.items()}
    for param, buffer in buffers.items():
        param.set(buffer)
    pipeline.compile_jit(hl.get_jit_target_from_environment())
    for _ in range(2):
        pipeline.realize(out)
    walls, cpus = [], []
    for _ in range(runs):
        t, p = time.perf_counter(), time.process_time()
        pipeline.realize(out)
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - p)
    print(np.median(walls), np.median(cpus))


if __name__ == "__main__":
    main()
