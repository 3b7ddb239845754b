"""Writes ONNX models of grouped convolutions (and depthwise ones with a
channel multiplier), their inputs and float64 NumPy references, for
grouped-conv.test. Usage: grouped_conv.py OUTDIR"""
import os
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper, save

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(7)


def conv_ref(x, w, b, group, stride, pad, dil):
    """NCHW grouped convolution in float64, one group at a time."""
    n, c, h, wd = x.shape
    m, cg, kh, kw = w.shape
    xp = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (pad[0], pad[2]), (pad[1], pad[3])))
    oh = (xp.shape[2] - dil * (kh - 1) - 1) // stride + 1
    ow = (xp.shape[3] - dil * (kw - 1) - 1) // stride + 1
    y = np.zeros((n, m, oh, ow))
    mg = m // group
    for g in range(group):
        xg = xp[:, g * cg:(g + 1) * cg]
        wg = w[g * mg:(g + 1) * mg].astype(np.float64)
        for i in range(kh):
            for j in range(kw):
                win = xg[:, :, i * dil:i * dil + stride * (oh - 1) + 1:stride,
                         j * dil:j * dil + stride * (ow - 1) + 1:stride]
                y[:, g * mg:(g + 1) * mg] += np.einsum("nchw,mc->nmhw", win, wg[:, :, i, j])
    if b is not None:
        y += b.astype(np.float64)[None, :, None, None]
    return y


def write(name, nodes, inits, x, result, ref):
    """Saves the model of `nodes` (input x, output `result`), its input and
    its reference output; returns the case name."""
    graph = helper.make_graph(
        nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(x.shape))],
        [helper.make_tensor_value_info(result, TensorProto.FLOAT, list(ref.shape))], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    save(model, os.path.join(out, f"{name}.onnx"))
    np.save(os.path.join(out, f"{name}.x.npy"), x)
    np.save(os.path.join(out, f"{name}.ref.npy"), ref.astype(np.float32))
    return name


def case(name, n, cin, cout, group, k, hw, stride=1, pad=(0, 0, 0, 0), dil=1,
         bias=True, relu=False):
    x = rng.standard_normal((n, cin, hw[0], hw[1])).astype(np.float32)
    # Weights scaled so that outputs stay near 1 however long the reduction.
    w = (rng.standard_normal((cout, cin // group, k, k)) /
         np.sqrt(cin // group * k * k)).astype(np.float32)
    b = rng.standard_normal(cout).astype(np.float32) if bias else None
    inits = [numpy_helper.from_array(w, "w")]
    inputs = ["x", "w"]
    if bias:
        inits.append(numpy_helper.from_array(b, "b"))
        inputs.append("b")
    nodes = [helper.make_node("Conv", inputs, ["c"], group=group, kernel_shape=[k, k],
                              strides=[stride, stride], pads=list(pad), dilations=[dil, dil])]
    ref = conv_ref(x, w, b, group, stride, pad, dil)
    result = "c"
    if relu:
        nodes.append(helper.make_node("Relu", ["c"], ["y"]))
        ref = np.maximum(ref, 0)
        result = "y"
    return write(name, nodes, inits, x, result, ref)


def gemm_case(name, m, k, n):
    """Gemm (transB, bias) then ReLU; weights of K x N floats."""
    x = rng.standard_normal((m, k)).astype(np.float32)
    w = (rng.standard_normal((n, k)) / np.sqrt(k)).astype(np.float32)
    b = rng.standard_normal(n).astype(np.float32)
    nodes = [helper.make_node("Gemm", ["x", "w", "b"], ["g"], transB=1),
             helper.make_node("Relu", ["g"], ["y"])]
    ref = np.maximum(x.astype(np.float64) @ w.astype(np.float64).T + b, 0)
    inits = [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")]
    return write(name, nodes, inits, x, "y", ref)


def pool_case(name, n, c, k, hw, stride):
    """MaxPool without padding (k x k, stride), in float64."""
    x = rng.standard_normal((n, c, hw[0], hw[1])).astype(np.float32)
    oh = (hw[0] - k) // stride + 1
    ow = (hw[1] - k) // stride + 1
    ref = np.full((n, c, oh, ow), -np.inf)
    for i in range(k):
        for j in range(k):
            ref = np.maximum(ref, x[:, :, i:i + stride * (oh - 1) + 1:stride,
                                    j:j + stride * (ow - 1) + 1:stride])
    nodes = [helper.make_node("MaxPool", ["x"], ["y"], kernel_shape=[k, k],
                              strides=[stride, stride])]
    return write(name, nodes, [], x, "y", ref)


def weights_as_inputs_case(name):
    """A padded grouped convolution whose weight and bias are graph inputs,
    not initializers: rearranged at run time (a reshape and a transpose).
    Not in cases.txt: it takes three inputs."""
    x = rng.standard_normal((1, 6, 7, 8)).astype(np.float32)
    w = (rng.standard_normal((4, 3, 3, 3)) / 3.0).astype(np.float32)
    b = rng.standard_normal(4).astype(np.float32)
    pad = (1, 0, 1, 1)
    node = helper.make_node("Conv", ["x", "w", "b"], ["y"], group=2, kernel_shape=[3, 3],
                            pads=list(pad))
    ref = conv_ref(x, w, b, 2, 1, pad, 1)
    graph = helper.make_graph(
        [node], name,
        [helper.make_tensor_value_info(v, TensorProto.FLOAT, list(a.shape))
         for v, a in (("x", x), ("w", w), ("b", b))],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, list(ref.shape))])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    save(model, os.path.join(out, f"{name}.onnx"))
    for v, a in (("x", x), ("w", w), ("b", b)):
        np.save(os.path.join(out, f"{name}.{v}.npy"), a)
    np.save(os.path.join(out, f"{name}.ref.npy"), ref.astype(np.float32))


weights_as_inputs_case("group2_weight_inputs")


def shuffle_case(name, c, groups, hw):
    """ShuffleNet's unit: a grouped 1x1 convolution and ReLU, a channel
    shuffle (Reshape, Transpose, Reshape), a depthwise 3x3 convolution and
    a grouped 1x1 convolution (strata.fold-channel-shuffle folds the
    shuffle into the last two)."""
    x = rng.standard_normal((1, c, hw[0], hw[1])).astype(np.float32)
    w1 = (rng.standard_normal((c, c // groups, 1, 1)) / np.sqrt(c // groups)).astype(np.float32)
    b1 = rng.standard_normal(c).astype(np.float32)
    wd = (rng.standard_normal((c, 1, 3, 3)) / 3).astype(np.float32)
    bd = rng.standard_normal(c).astype(np.float32)
    w2 = (rng.standard_normal((c, c // groups, 1, 1)) / np.sqrt(c // groups)).astype(np.float32)
    b2 = rng.standard_normal(c).astype(np.float32)
    y = np.maximum(conv_ref(x, w1, b1, groups, 1, (0, 0, 0, 0), 1), 0)
    y = y.reshape(1, groups, c // groups, hw[0], hw[1]).transpose(0, 2, 1, 3, 4).reshape(1, c, hw[0], hw[1])
    y = conv_ref(y, wd, bd, c, 1, (1, 1, 1, 1), 1)
    ref = conv_ref(y, w2, b2, groups, 1, (0, 0, 0, 0), 1)
    shape5 = numpy_helper.from_array(np.array([1, groups, c // groups, hw[0], hw[1]], np.int64), "shape5")
    shape4 = numpy_helper.from_array(np.array([1, c, hw[0], hw[1]], np.int64), "shape4")
    inits = [numpy_helper.from_array(a, n) for a, n in
             ((w1, "w1"), (b1, "b1"), (wd, "wd"), (bd, "bd"), (w2, "w2"), (b2, "b2"))]
    nodes = [helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], group=groups, kernel_shape=[1, 1]),
             helper.make_node("Relu", ["c1"], ["r1"]),
             helper.make_node("Reshape", ["r1", "shape5"], ["s5"]),
             helper.make_node("Transpose", ["s5"], ["t5"], perm=[0, 2, 1, 3, 4]),
             helper.make_node("Reshape", ["t5", "shape4"], ["sh"]),
             helper.make_node("Conv", ["sh", "wd", "bd"], ["dw"], group=c, kernel_shape=[3, 3],
                              pads=[1, 1, 1, 1]),
             helper.make_node("Conv", ["dw", "w2", "b2"], ["y"], group=groups, kernel_shape=[1, 1])]
    return write(name, nodes, inits + [shape5, shape4], x, "y", ref)

names = [
    # ShuffleNet's grouped 1x1 convolutions: 4 groups of 17 channels, ReLU.
    case("group4_1x1_relu", 1, 68, 68, 4, 1, (7, 9), bias=False, relu=True),
    case("group4_3x3_pad", 1, 8, 12, 4, 3, (10, 10), pad=(1, 1, 1, 1)),
    case("group2_3x3_s2_asym", 1, 6, 10, 2, 3, (11, 8), stride=2, pad=(1, 0, 0, 1)),
    case("group3_dilated", 1, 9, 6, 3, 3, (9, 9), pad=(2, 2, 2, 2), dil=2),
    case("group2_batch2_5x5", 2, 4, 6, 2, 5, (9, 7), pad=(2, 2, 2, 2)),
    # Depthwise with a channel multiplier (group = input channels).
    case("depthwise_mult2", 1, 6, 12, 6, 3, (9, 9), pad=(1, 1, 1, 1)),
    case("depthwise_mult3_s2", 1, 5, 15, 5, 3, (10, 11), stride=2, bias=False),
    # ShuffleNet's unit, its channel shuffle folded into the convolutions.
    shuffle_case("shuffle_unit", 32, 4, (6, 5)),
    # Shuffles whose groups do not divide a convolution group's channels
    # (ShuffleNet's 136 channels in groups of 34, 4 shuffle groups; 18 in
    # groups of 9, 2): folded as windows of the runs, the filter zero where
    # a window holds another group's channels.
    shuffle_case("shuffle_window", 136, 4, (5, 4)),
    shuffle_case("shuffle_window_odd", 18, 2, (3, 7)),
    # Filters of 256 KiB and more are stored in blocks of 64 output channels
    # (strata-pack-constants): a blocked convolution.
    case("blocked_3x3_s2", 1, 256, 128, 1, 3, (9, 8), stride=2, pad=(1, 1, 0, 1), relu=True),
    case("blocked_1x1", 2, 512, 192, 1, 1, (5, 3)),
    # A fully connected layer's weights (1 MiB) in blocks of 64 columns: a
    # matrix-vector product, and three rows.
    gemm_case("blocked_gemm_1", 1, 2048, 128),
    gemm_case("blocked_gemm_3", 3, 1031, 256),
    # Convolutions of an image (at most 4 channels) read the NCHW input as a
    # 3-D convolution over the channels as depth (strata.fold-input-layout):
    # padded, strided, dilated, batch 2, 1 to 4 channels.
    case("image_rgb_7x7_s2", 2, 3, 8, 1, 7, (19, 17), stride=2, pad=(3, 2, 3, 2),
         relu=True),
    case("image_gray_dilated", 1, 1, 5, 1, 3, (12, 10), pad=(2, 2, 2, 2), dil=2),
    # Windows whose stride does not divide the input (TOSA trims the rows
    # they never read with a slice; strata.fold-window-trims reads the
    # untrimmed input): an image (also through its transpose), a 1x1
    # stride-2 shortcut, a max pool.
    case("image_rgba_trim_s4", 1, 4, 16, 1, 5, (22, 23), stride=4),
    case("trim_1x1_s2", 1, 8, 6, 1, 1, (10, 11), stride=2),
    pool_case("trim_pool_3x3_s2", 2, 5, 3, (12, 13), 2),
]
with open(os.path.join(out, "cases.txt"), "w") as f:
    f.write("\n".join(names) + "\n")
