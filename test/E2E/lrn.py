"""Writes ONNX models with LRN between 1x1 convolutions (so the strategy
moves it to NHWC: the channels become the last axis), their inputs and
float64 NumPy references, for lrn.test. Usage: lrn.py OUTDIR"""
import os
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper, save

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(11)


def lrn_ref(x, size, alpha, beta, bias):
    """ONNX LRN in float64: the window of channel c is
    [c - floor((size-1)/2), c + ceil((size-1)/2)], cut at the ends."""
    x = x.astype(np.float64)
    c = x.shape[1]
    lo, hi = (size - 1) // 2, size // 2
    square_sum = np.zeros_like(x)
    for i in range(c):
        square_sum[:, i] = (x[:, max(0, i - lo):min(c, i + hi + 1)] ** 2).sum(axis=1)
    return x / (bias + alpha / size * square_sum) ** beta


def conv1x1_ref(x, w):
    return np.einsum("nchw,mc->nmhw", x.astype(np.float64), w[:, :, 0, 0].astype(np.float64))


def case(name, n, c, hw, size, alpha, beta, bias):
    x = rng.standard_normal((n, c, hw, hw)).astype(np.float32)
    w1 = (rng.standard_normal((c, c, 1, 1)) / np.sqrt(c)).astype(np.float32)
    w2 = (rng.standard_normal((c, c, 1, 1)) / np.sqrt(c)).astype(np.float32)
    nodes = [
        helper.make_node("Conv", ["x", "w1"], ["a"]),
        helper.make_node("LRN", ["a"], ["b"], size=size, alpha=alpha, beta=beta, bias=bias),
        helper.make_node("Conv", ["b", "w2"], ["y"]),
    ]
    ref = conv1x1_ref(lrn_ref(conv1x1_ref(x, w1), size, alpha, beta, bias), w2)
    graph = helper.make_graph(
        nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(x.shape))],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, list(ref.shape))],
        [numpy_helper.from_array(w1, "w1"), numpy_helper.from_array(w2, "w2")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    save(model, os.path.join(out, f"{name}.onnx"))
    np.save(os.path.join(out, f"{name}.x.npy"), x)
    np.save(os.path.join(out, f"{name}.ref.npy"), ref.astype(np.float32))
    return name


cases = [
    case("odd_window", 1, 16, 6, 5, 1e-2, 0.75, 2.0),
    case("even_window", 2, 12, 5, 4, 3e-2, 0.5, 1.0),
    case("window_wider_than_channels", 1, 3, 4, 7, 0.1, 1.25, 0.5),
]
with open(os.path.join(out, "cases.txt"), "w") as f:
    f.write("\n".join(cases) + "\n")
