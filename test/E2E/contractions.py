#!/usr/bin/env python3
"""Writes the contraction and reduction E2E cases of test/E2E/contractions.test.

Every case is a TOSA function (weights are arguments, drawn at random), its
inputs as .npy, and a reference computed here with NumPy in float64,
independently of Strata's lowering. The shapes are the awkward ones: prime
sizes, 1xN, sizes that no register tile divides, strides, dilations and
asymmetric padding.

    contractions.py OUTDIR   # writes OUTDIR/<case>.mlir, <case>.<i>.npy,
                             # <case>.ref.npy and OUTDIR/cases.txt
"""

import os
import sys

import numpy as np

RNG = np.random.default_rng(2026)
OUT = sys.argv[1]


def tensor(shape):
    return "tensor<" + "x".join(str(d) for d in shape) + "xf32>"


def save(name, arrays, ref, body, results):
    args = ", ".join(f"%a{i}: {tensor(a.shape)}" for i, a in enumerate(arrays))
    text = (f"func.func @{name}({args}) -> {tensor(ref.shape)} {{\n"
            "  %zp = \"tosa.const\"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>\n"
            f"{body}  return {results} : {tensor(ref.shape)}\n}}\n")
    with open(os.path.join(OUT, name + ".mlir"), "w") as f:
        f.write(text)
    for i, a in enumerate(arrays):
        np.save(os.path.join(OUT, f"{name}.{i}.npy"), a)
    np.save(os.path.join(OUT, name + ".ref.npy"), ref.astype(np.float32))
    CASES.append((name, len(arrays)))


def rand(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


def matmul(name, b, m, k, n):
    a, w = rand(b, m, k), rand(b, k, n)
    ref = a.astype(np.float64) @ w
    body = (f"  %r = tosa.matmul %a0, %a1, %zp, %zp : ({tensor(a.shape)}, {tensor(w.shape)}, "
            f"tensor<1xf32>, tensor<1xf32>) -> {tensor(ref.shape)}\n")
    save(name, [a, w], ref, body, "%r")


def conv_ref(x, w, stride, dilation, pad):
    """x: NHWC, w: OHWI; pad = (top, bottom, left, right)."""
    x = np.pad(x.astype(np.float64), ((0, 0), pad[0:2], pad[2:4], (0, 0)))
    n, h, wd, c = x.shape
    o, kh, kw, _ = w.shape
    oh = (h - dilation[0] * (kh - 1) - 1) // stride[0] + 1
    ow = (wd - dilation[1] * (kw - 1) - 1) // stride[1] + 1
    out = np.zeros((n, oh, ow, o))
    for i in range(kh):
        for j in range(kw):
            win = x[:, i * dilation[0]: i * dilation[0] + stride[0] * (oh - 1) + 1: stride[0],
                    j * dilation[1]: j * dilation[1] + stride[1] * (ow - 1) + 1: stride[1], :]
            out += win @ w[:, i, j, :].astype(np.float64).T
    return out


def conv(name, n, h, wd, c, o, kh, kw, stride=(1, 1), dilation=(1, 1),
         pad=(0, 0, 0, 0), relu=False):
    x, w, bias = rand(n, h, wd, c), rand(o, kh, kw, c), rand(o)
    ref = conv_ref(x, w, stride, dilation, pad) + bias
    body = (f"  %c = tosa.conv2d %a0, %a1, %a2, %zp, %zp {{acc_type = f32, "
            f"dilation = array<i64: {dilation[0]}, {dilation[1]}>, "
            f"pad = array<i64: {', '.join(map(str, pad))}>, "
            f"stride = array<i64: {stride[0]}, {stride[1]}>}} : ({tensor(x.shape)}, "
            f"{tensor(w.shape)}, {tensor(bias.shape)}, tensor<1xf32>, tensor<1xf32>) "
            f"-> {tensor(ref.shape)}\n")
    result = "%c"
    if relu:
        ref = np.maximum(ref, 0)
        body += (f"  %r = tosa.clamp %c {{min_val = 0.0 : f32, max_val = 3.40282347e+38 : f32}} "
                 f": ({tensor(ref.shape)}) -> {tensor(ref.shape)}\n")
        result = "%r"
    save(name, [x, w, bias], ref, body, result)


def conv_sliced(name, n, h, wd, c, o, stride):
    """A 1x1 strided convolution of an input whose last row and column it
    never reads, sliced off first (as the ONNX importer does): the slice is
    a view in the convolution's kernel."""
    x, w, bias = rand(n, h, wd, c), rand(o, 1, 1, c), rand(o)
    sliced = x[:, :h - 1, :wd - 1, :]
    ref = conv_ref(sliced, w, (stride, stride), (1, 1), (0, 0, 0, 0)) + bias
    st = (n, h - 1, wd - 1, c)
    body = ("  %start = tosa.const_shape {values = dense<0> : tensor<4xindex>} : () -> !tosa.shape<4>\n"
            f"  %size = tosa.const_shape {{values = dense<[{', '.join(map(str, st))}]> : tensor<4xindex>}} : () -> !tosa.shape<4>\n"
            f"  %s = tosa.slice %a0, %start, %size : ({tensor(x.shape)}, !tosa.shape<4>, !tosa.shape<4>) -> {tensor(st)}\n"
            f"  %c = tosa.conv2d %s, %a1, %a2, %zp, %zp {{acc_type = f32, "
            f"dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, "
            f"stride = array<i64: {stride}, {stride}>}} : ({tensor(st)}, "
            f"{tensor(w.shape)}, {tensor(bias.shape)}, tensor<1xf32>, tensor<1xf32>) "
            f"-> {tensor(ref.shape)}\n")
    save(name, [x, w, bias], ref, body, "%c")


def depthwise(name, n, h, wd, c, mult, kh, kw, stride=(1, 1), pad=(0, 0, 0, 0)):
    x, w, bias = rand(n, h, wd, c), rand(kh, kw, c, mult), rand(c * mult)
    xp = np.pad(x.astype(np.float64), ((0, 0), pad[0:2], pad[2:4], (0, 0)))
    oh = (xp.shape[1] - kh) // stride[0] + 1
    ow = (xp.shape[2] - kw) // stride[1] + 1
    ref = np.zeros((n, oh, ow, c, mult))
    for i in range(kh):
        for j in range(kw):
            win = xp[:, i: i + stride[0] * (oh - 1) + 1: stride[0],
                     j: j + stride[1] * (ow - 1) + 1: stride[1], :]
            ref += win[..., None] * w[i, j].astype(np.float64)
    ref = ref.reshape(n, oh, ow, c * mult) + bias
    body = (f"  %c = tosa.depthwise_conv2d %a0, %a1, %a2, %zp, %zp {{acc_type = f32, "
            f"dilation = array<i64: 1, 1>, pad = array<i64: {', '.join(map(str, pad))}>, "
            f"stride = array<i64: {stride[0]}, {stride[1]}>}} : ({tensor(x.shape)}, "
            f"{tensor(w.shape)}, {tensor(bias.shape)}, tensor<1xf32>, tensor<1xf32>) "
            f"-> {tensor(ref.shape)}\n")
    save(name, [x, w, bias], ref, body, "%c")


def pool(name, kind, n, h, wd, c, k, stride, pad):
    x = rand(n, h, wd, c)
    fill = -np.inf if kind == "max" else 0.0
    xp = np.pad(x.astype(np.float64), ((0, 0), pad[0:2], pad[2:4], (0, 0)),
                constant_values=fill)
    oh = (xp.shape[1] - k) // stride + 1
    ow = (xp.shape[2] - k) // stride + 1
    wins = [xp[:, i: i + stride * (oh - 1) + 1: stride, j: j + stride * (ow - 1) + 1: stride, :]
            for i in range(k) for j in range(k)]
    ref = np.max(wins, axis=0) if kind == "max" else np.sum(wins, axis=0) / (k * k)
    attrs = (f"kernel = array<i64: {k}, {k}>, pad = array<i64: {', '.join(map(str, pad))}>, "
             f"stride = array<i64: {stride}, {stride}>")
    if kind == "max":
        body = (f"  %p = tosa.max_pool2d %a0 {{{attrs}}} : ({tensor(x.shape)}) "
                f"-> {tensor(ref.shape)}\n")
    else:
        body = (f"  %p = tosa.avg_pool2d %a0, %zp, %zp {{acc_type = f32, {attrs}}} : "
                f"({tensor(x.shape)}, tensor<1xf32>, tensor<1xf32>) -> {tensor(ref.shape)}\n")
    save(name, [x], ref, body, "%p")


def reduce_op(kind, value, shape, axis):
    out = list(shape)
    out[axis] = 1
    return (f"tosa.reduce_{kind} {value} {{axis = {axis} : i32}} : "
            f"({tensor(shape)}) -> {tensor(out)}"), out


def softmax(name, rows, cols):
    """Softmax along the contiguous axis (a reduction loop innermost)."""
    x = rand(rows, cols) * 3
    x64 = x.astype(np.float64)
    e = np.exp(x64 - x64.max(axis=1, keepdims=True))
    ref = e / e.sum(axis=1, keepdims=True)
    s, c = (rows, cols), (rows, 1)
    mx, _ = reduce_op("max", "%a0", s, 1)
    sm, _ = reduce_op("sum", "%e", s, 1)
    body = (f"  %m = {mx}\n"
            f"  %d = tosa.sub %a0, %m : ({tensor(s)}, {tensor(c)}) -> {tensor(s)}\n"
            f"  %e = tosa.exp %d : ({tensor(s)}) -> {tensor(s)}\n"
            f"  %t = {sm}\n"
            f"  %r = tosa.reciprocal %t : ({tensor(c)}) -> {tensor(c)}\n"
            "  %sh = \"tosa.const\"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>\n"
            f"  %p = tosa.mul %e, %r, %sh : ({tensor(s)}, {tensor(c)}, tensor<1xi8>) -> {tensor(s)}\n")
    save(name, [x], ref, body, "%p")


def spatial_mean(name, n, h, wd, c):
    """Global average pooling of NHWC as two sums (the contiguous channel
    loop is parallel) and a scale."""
    x = rand(n, h, wd, c)
    ref = x.astype(np.float64).mean(axis=(1, 2), keepdims=True)
    s1, o1 = reduce_op("sum", "%a0", (n, h, wd, c), 1)
    s2, o2 = reduce_op("sum", "%s1", o1, 2)
    body = (f"  %s1 = {s1}\n  %s2 = {s2}\n"
            f"  %k = \"tosa.const\"() {{values = dense<{1.0 / (h * wd)!r}> : {tensor((1, 1, 1, 1))}}} : () -> {tensor((1, 1, 1, 1))}\n"
            "  %sh = \"tosa.const\"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>\n"
            f"  %p = tosa.mul %s2, %k, %sh : ({tensor(o2)}, {tensor((1, 1, 1, 1))}, tensor<1xi8>) -> {tensor(o2)}\n")
    save(name, [x], ref, body, "%p")


def reduce_middle(name, kind, a, b, c):
    x = rand(a, b, c)
    x64 = x.astype(np.float64)
    ref = x64.max(axis=1, keepdims=True) if kind == "max" else x64.sum(axis=1, keepdims=True)
    r, _ = reduce_op(kind, "%a0", (a, b, c), 1)
    save(name, [x], ref, f"  %p = {r}\n", "%p")


def layer_norm(name, rows, cols):
    """(x - mean) / sqrt(var + eps) along the contiguous axis."""
    x = rand(rows, cols) + 1.5
    x64 = x.astype(np.float64)
    mu = x64.mean(axis=1, keepdims=True)
    ref = (x64 - mu) / np.sqrt(((x64 - mu) ** 2).mean(axis=1, keepdims=True) + 1e-5)
    s, c = (rows, cols), (rows, 1)
    s1, _ = reduce_op("sum", "%a0", s, 1)
    s2, _ = reduce_op("sum", "%q", s, 1)
    body = (f"  %inv = \"tosa.const\"() {{values = dense<{1.0 / cols!r}> : {tensor(c)}}} : () -> {tensor(c)}\n"
            "  %eps = \"tosa.const\"() {values = dense<1.0e-05> : " + tensor(c) + "} : () -> " + tensor(c) + "\n"
            "  %sh = \"tosa.const\"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>\n"
            f"  %s1 = {s1}\n"
            f"  %mu = tosa.mul %s1, %inv, %sh : ({tensor(c)}, {tensor(c)}, tensor<1xi8>) -> {tensor(c)}\n"
            f"  %d = tosa.sub %a0, %mu : ({tensor(s)}, {tensor(c)}) -> {tensor(s)}\n"
            f"  %q = tosa.mul %d, %d, %sh : ({tensor(s)}, {tensor(s)}, tensor<1xi8>) -> {tensor(s)}\n"
            f"  %s2 = {s2}\n"
            f"  %v = tosa.mul %s2, %inv, %sh : ({tensor(c)}, {tensor(c)}, tensor<1xi8>) -> {tensor(c)}\n"
            f"  %ve = tosa.add %v, %eps : ({tensor(c)}, {tensor(c)}) -> {tensor(c)}\n"
            f"  %rs = tosa.rsqrt %ve : ({tensor(c)}) -> {tensor(c)}\n"
            f"  %p = tosa.mul %d, %rs, %sh : ({tensor(s)}, {tensor(c)}, tensor<1xi8>) -> {tensor(s)}\n")
    save(name, [x], ref, body, "%p")


CASES = []
os.makedirs(OUT, exist_ok=True)
matmul("matmul_1x1x1", 1, 1, 1, 1)
matmul("matmul_primes", 1, 67, 45, 83)
matmul("matmul_row", 1, 1, 64, 1000)
matmul("matmul_column", 1, 37, 16, 1)
matmul("matmul_wide", 1, 13, 7, 257)
matmul("batch_matmul", 3, 17, 9, 23)
conv("conv_1x1", 1, 13, 13, 16, 24, 1, 1)
conv("conv_3x3_pad", 1, 11, 9, 5, 19, 3, 3, pad=(1, 1, 1, 1), relu=True)
conv("conv_5x5", 1, 12, 12, 8, 33, 5, 5, pad=(2, 2, 2, 2))
conv("conv_7x7_s2", 1, 23, 23, 3, 16, 7, 7, stride=(2, 2), pad=(3, 3, 3, 3))
conv("conv_3x3_s2_asym", 1, 14, 14, 7, 12, 3, 3, stride=(2, 2), pad=(1, 0, 1, 0))
conv("conv_dilated", 1, 15, 15, 4, 9, 3, 3, dilation=(2, 2), pad=(2, 2, 2, 2))
conv("conv_batch2", 2, 6, 7, 3, 5, 2, 3)
conv("conv_partial_tiles", 1, 13, 13, 512, 200, 1, 1, relu=True)
conv_sliced("conv_sliced_s2", 1, 12, 12, 24, 40, 2)
depthwise("depthwise_3x3", 1, 10, 10, 7, 1, 3, 3, pad=(1, 1, 1, 1))
depthwise("depthwise_s2_mult2", 1, 9, 9, 6, 2, 3, 3, stride=(2, 2))
pool("max_pool_3x3_s2", "max", 1, 13, 13, 10, 3, 2, (1, 1, 1, 1))
pool("avg_pool_2x2_s2", "avg", 1, 8, 10, 17, 2, 2, (0, 0, 0, 0))
pool("max_pool_large", "max", 1, 41, 41, 16, 3, 2, (1, 1, 1, 1))
softmax("softmax_1000", 3, 1000)
softmax("softmax_odd", 5, 37)
spatial_mean("mean_hw_nhwc", 2, 7, 7, 67)
reduce_middle("reduce_max_middle", "max", 5, 37, 19)
reduce_middle("reduce_sum_middle", "sum", 4, 130, 33)
layer_norm("layer_norm_77", 4, 77)
with open(os.path.join(OUT, "cases.txt"), "w") as f:
    for name, count in CASES:
        f.write(f"{name} {count}\n")
