#!/usr/bin/env python3
"""Writes the tiny ONNX models and tensors that test/Import uses.

Run with Debian's python3 (python3-onnx):  /usr/bin/python3 make_inputs.py
The outputs are checked in under Inputs/; rerun after editing this file.
"""

import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "Inputs")


def save(model, name):
    onnx.checker.check_model(model)
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(model.SerializeToString())


def save_tensor(array, name):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(numpy_helper.from_array(array).SerializeToString())


def model(nodes, inputs, outputs, initializers=(), opset=13, name="g"):
    graph = helper.make_graph(nodes, name, inputs, outputs,
                              initializer=list(initializers))
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                          producer_name="strata-tests")
    m.ir_version = 8
    return m


def vi(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


F = TensorProto.FLOAT


def main():
    os.makedirs(OUT, exist_ok=True)

    # add.onnx: broadcasting Add then Relu; inputs and outputs as .pb.
    save(model([helper.make_node("Add", ["a", "b"], ["s"], name="add_node"),
                helper.make_node("Relu", ["s"], ["y"], name="relu_node")],
               [vi("a", F, [2, 3]), vi("b", F, [3])], [vi("y", F, [2, 3])]),
         "add.onnx")
    a = np.array([[1, -2, 3], [-4, 5, -6]], dtype=np.float32)
    b = np.array([0.5, 0.5, 0.5], dtype=np.float32)
    save_tensor(a, "add_input_0.pb")
    save_tensor(b, "add_input_1.pb")
    save_tensor(np.maximum(a + b, 0), "add_output_0.pb")
    save_tensor(np.maximum(a + b, 0) + 1, "add_wrong_output_0.pb")

    # constants.onnx: a ConstantOfShape fill, an all-equal initializer and a
    # dense initializer.
    dense = numpy_helper.from_array(
        np.arange(6, dtype=np.float32).reshape(2, 3), "dense_w")
    equal = numpy_helper.from_array(np.full((2, 3), 7, np.float32), "equal_w")
    shape = numpy_helper.from_array(np.array([2, 3], np.int64), "fill_shape")
    save(model([
        helper.make_node("ConstantOfShape", ["fill_shape"], ["fill"],
                         name="fill_node",
                         value=helper.make_tensor("v", F, [1], [0.25])),
        helper.make_node("Add", ["x", "fill"], ["t0"], name="add_fill"),
        helper.make_node("Mul", ["t0", "equal_w"], ["t1"], name="mul_equal"),
        helper.make_node("Sub", ["t1", "dense_w"], ["y"], name="sub_dense")],
        [vi("x", F, [2, 3])], [vi("y", F, [2, 3])],
        [dense, equal, shape]), "constants.onnx")

    # symbolic.onnx: symbolic batch and sequence dimensions.
    save(model([helper.make_node("Sigmoid", ["x"], ["y"], name="sig")],
               [vi("x", F, ["batch", "seq", 4])],
               [vi("y", F, ["batch", "seq", 4])]), "symbolic.onnx")

    # unsupported.onnx: four offending nodes of three kinds, plus a node
    # that only consumes a poisoned value (must not be reported).
    save(model([
        helper.make_node("NonZero", ["x"], ["h"], name="nonzero_node"),
        helper.make_node("Conv", ["x4", "w"], ["c"], name="conv_node",
                         auto_pad="BOGUS"),
        helper.make_node("Sqrt", ["i"], ["r"], name="sqrt_int_node"),
        helper.make_node("Neg", ["h"], ["h2"], name="neg_after_nonzero"),
        helper.make_node("Det", ["x"], ["d"], name="det_node")],
        [vi("x", F, [3, 3]), vi("x4", F, [1, 1, 4, 4]),
         vi("w", F, [1, 1, 3, 3]), vi("i", TensorProto.INT32, [3])],
        [vi("h2", TensorProto.INT64, [2, 9]), vi("c", F, [1, 1, 2, 2]),
         vi("r", TensorProto.INT32, [3]), vi("d", F, [])]),
        "unsupported.onnx")

    # dynamic_shape.onnx: Reshape whose target shape is a graph input.
    save(model([helper.make_node("Reshape", ["x", "s"], ["y"],
                                 name="reshape_node")],
               [vi("x", F, [2, 3]), vi("s", TensorProto.INT64, [2])],
               [vi("y", F, [3, 2])]), "dynamic_shape.onnx")
    save_tensor(np.arange(6, dtype=np.float32).reshape(2, 3),
                "dynamic_shape_input_0.pb")
    save_tensor(np.array([3, 2], np.int64), "dynamic_shape_input_1.pb")

    # uint8.onnx: a graph input of an unsupported element type.
    save(model([helper.make_node("Identity", ["x"], ["y"], name="id")],
               [vi("x", TensorProto.UINT8, [4])],
               [vi("y", TensorProto.UINT8, [4])]), "uint8.onnx")

    # bad_inputs.onnx: two bad graph inputs and an initializer of an
    # unsupported type: all three reported.
    u8 = numpy_helper.from_array(np.array([1, 2], np.uint8), "u8_init")
    save(model([helper.make_node("Cast", ["u8_init"], ["c"], name="cast_u8",
                                 to=TensorProto.FLOAT),
                helper.make_node("Add", ["x", "c"], ["y"], name="add")],
               [vi("x", TensorProto.UINT16, [2]), vi("z", TensorProto.BFLOAT16, [2])],
               [vi("y", F, [2])], [u8]), "bad_inputs.onnx")
    save(model([helper.make_node("Cast", ["u8_init"], ["y"], name="cast_u8",
                                 to=TensorProto.FLOAT)],
               [], [vi("y", F, [2])], [u8]), "bad_initializer.onnx")

    # domain.onnx: a node from a custom domain.
    m = model([helper.make_node("MyOp", ["x"], ["y"], name="custom_node",
                                domain="com.example")],
              [vi("x", F, [4])], [vi("y", F, [4])])
    m.opset_import.append(helper.make_opsetid("com.example", 1))
    with open(os.path.join(OUT, "domain.onnx"), "wb") as f:
        f.write(m.SerializeToString())

    # empty.onnx: a graph input with a zero-size dimension.
    save(model([helper.make_node("Relu", ["x"], ["y"], name="relu")],
               [vi("x", F, [0, 4])], [vi("y", F, [0, 4])]), "empty.onnx")

    # sequence.onnx: a graph input that is a sequence, not a tensor.
    seq = helper.make_tensor_sequence_value_info("s", F, [2])
    save(model([helper.make_node("SequenceLength", ["s"], ["n"], name="len")],
               [seq], [vi("n", TensorProto.INT64, [])]), "sequence.onnx")

    # opset22.onnx: newer than Strata imports (written without the checker,
    # which does not know opset 22).
    m = model([helper.make_node("Relu", ["x"], ["y"], name="relu")],
              [vi("x", F, [4])], [vi("y", F, [4])], opset=22)
    with open(os.path.join(OUT, "opset22.onnx"), "wb") as f:
        f.write(m.SerializeToString())

    # no_opset.onnx: imports only a custom domain.
    m = model([helper.make_node("Relu", ["x"], ["y"], name="relu")],
              [vi("x", F, [4])], [vi("y", F, [4])])
    del m.opset_import[:]
    m.opset_import.append(helper.make_opsetid("com.example", 1))
    with open(os.path.join(OUT, "no_opset.onnx"), "wb") as f:
        f.write(m.SerializeToString())

    # diagnostics.onnx: one node per converter diagnostic, each on graph
    # inputs, so that all of them are reported in one run (written without
    # the checker: several attributes are deliberately invalid).
    I64 = TensorProto.INT64
    B = TensorProto.BOOL
    def const(name, values):
        return numpy_helper.from_array(np.array(values, np.int64), name)
    nodes = [
        helper.make_node("Conv", ["x4", "w_bad"], ["o1"], name="conv_group", group=2),
        helper.make_node("Conv", ["x4", "w3"], ["o2"], name="conv_kernel", kernel_shape=[5, 5]),
        helper.make_node("Conv", ["x6", "w6"], ["o3"], name="conv_rank"),
        helper.make_node("MaxPool", ["x4"], ["o4", "o4i"], name="pool_indices", kernel_shape=[2, 2]),
        helper.make_node("AveragePool", ["x4"], ["o5"], name="pool_stride", kernel_shape=[2, 2], strides=[0, 1]),
        helper.make_node("MaxPool", ["x4"], ["o6"], name="pool_pads", kernel_shape=[2, 2], pads=[2, 2, 2, 2]),
        helper.make_node("Reshape", ["m34", "shape_two_neg"], ["o7"], name="reshape_two_neg"),
        helper.make_node("Reshape", ["m34", "shape_six"], ["o8"], name="reshape_count"),
        helper.make_node("Transpose", ["m34"], ["o9"], name="transpose_perm", perm=[0, 0]),
        helper.make_node("Squeeze", ["m34", "axes0"], ["o10"], name="squeeze_size"),
        helper.make_node("Concat", ["m34", "m43"], ["o11"], name="concat_shapes", axis=0),
        helper.make_node("Split", ["m34", "split_bad"], ["o12a", "o12b"], name="split_sizes", axis=1),
        helper.make_node("Slice", ["m34", "zero1", "two1", "axes0", "zero1"], ["o13"], name="slice_step"),
        helper.make_node("Gather", ["m34", "idx9"], ["o14"], name="gather_range"),
        helper.make_node("Pad", ["m34", "pads4"], ["o15"], name="pad_mode", mode="wrap"),
        helper.make_node("Expand", ["m34", "shape_57"], ["o16"], name="expand_shape"),
        helper.make_node("Tile", ["m34", "two1"], ["o17"], name="tile_repeats"),
        helper.make_node("Softmax", ["m34"], ["o18"], name="softmax_axis", axis=5),
        helper.make_node("Resize", ["x4", "", "scales4"], ["o19"], name="resize_mode", mode="bogus"),
        helper.make_node("Resize", ["x4", "", "scales4"], ["o20"], name="resize_coords",
                         coordinate_transformation_mode="tf_crop_and_resize"),
        helper.make_node("Add", ["m34", "m43"], ["o21"], name="add_shapes"),
        helper.make_node("Cast", ["m34"], ["o22"], name="cast_string", to=TensorProto.STRING),
        helper.make_node("MatMul", ["m34", "m34"], ["o23"], name="matmul_inner"),
        helper.make_node("Constant", [], ["o24"], name="constant_string", value_string="text"),
        helper.make_node("EyeLike", ["x4"], ["o25"], name="eyelike_rank"),
        helper.make_node("CumSum", ["i3", "zero0"], ["o26"], name="cumsum_int"),
        helper.make_node("Mod", ["m34", "m34"], ["o27"], name="mod_float"),
        helper.make_node("Where", ["m34", "m34", "m34"], ["o28"], name="where_cond"),
        helper.make_node("Not", ["m34"], ["o29"], name="not_float"),
        helper.make_node("And", ["m34", "m34"], ["o30"], name="and_float"),
        helper.make_node("LayerNormalization", ["m34", "m34"], ["o31"], name="layernorm_axis", axis=2),
        helper.make_node("ConvTranspose", ["x4", "w_bad"], ["o32"], name="convt_weight"),
        helper.make_node("Resize", ["x4", "", "scales3"], ["o33"], name="resize_scales"),
    ]
    inits = [const("shape_two_neg", [-1, -1]), const("shape_six", [6]),
             const("axes0", [0]), const("split_bad", [2, 3]),
             const("zero1", [0]), const("two1", [2]), const("idx9", [9]),
             const("pads4", [0, 1, 0, 1]), const("shape_57", [5, 7]),
             numpy_helper.from_array(np.array(0, np.int64), "zero0"),
             numpy_helper.from_array(np.ones(4, np.float32), "scales4"),
             numpy_helper.from_array(np.ones(3, np.float32), "scales3"),
             numpy_helper.from_array(np.ones((2, 3, 3, 3), np.float32), "w_bad"),
             numpy_helper.from_array(np.ones((2, 1, 3, 3), np.float32), "w3"),
             numpy_helper.from_array(np.ones((1, 1, 1, 1, 1, 1), np.float32), "w6")]
    outputs = [vi(n.output[0], F, None) for n in nodes]
    m = model(nodes, [vi("x4", F, [1, 1, 4, 4]), vi("x6", F, [1, 1, 1, 1, 1, 1]),
                      vi("m34", F, [3, 4]), vi("m43", F, [4, 3]),
                      vi("i3", TensorProto.INT32, [3])],
              outputs, inits)
    with open(os.path.join(OUT, "diagnostics.onnx"), "wb") as f:
        f.write(m.SerializeToString())

    # Hostile sizes: small files that ask for huge tensors (limits.test).
    shape = numpy_helper.from_array(np.array([100000, 100000], np.int64), "shape")
    save(model([helper.make_node("ConstantOfShape", ["shape"], ["y"], name="cos",
                                 value=helper.make_tensor("v", F, [1], [1.0]))],
               [], [vi("y", F, [100000, 100000])], [shape]),
         "huge_constant_of_shape.onnx")
    scales = numpy_helper.from_array(np.array([1, 1, 4e9, 4e9], np.float32), "scales")
    save(model([helper.make_node("Resize", ["x", "", "scales"], ["y"], name="resize",
                                 mode="nearest")],
               [vi("x", F, [1, 1, 2, 2])], [vi("y", F, [1, 1, 8000000000, 8000000000])],
               [scales]),
         "huge_resize.onnx")
    # A 20M-element splat used where the importer reads values on the host.
    many = numpy_helper.from_array(np.array([20000000], np.int64), "many")
    save(model([helper.make_node("ConstantOfShape", ["many"], ["s"], name="fill",
                                 value=helper.make_tensor("v", F, [1], [1.0])),
                helper.make_node("Resize", ["x", "", "s"], ["y"], name="resize",
                                 mode="nearest")],
               [vi("x", F, [1, 1, 2, 2])], [vi("y", F, [1, 1, 2, 2])], [many]),
         "huge_scales.onnx")

    # Gather and GatherElements with indices known only at run time
    # (gather-indices.test).
    save(model([helper.make_node("Gather", ["data", "idx"], ["y"], name="g", axis=0)],
               [vi("data", F, [5, 3]), vi("idx", TensorProto.INT64, [4])],
               [vi("y", F, [4, 3])]), "gather_runtime.onnx")
    save(model([helper.make_node("GatherElements", ["data", "idx"], ["y"], name="ge",
                                 axis=1)],
               [vi("data", F, [3, 5]), vi("idx", TensorProto.INT64, [3, 2])],
               [vi("y", F, [3, 2])]), "gather_elements_runtime.onnx")
    np.save(os.path.join(OUT, "gather_data.npy"),
            np.arange(15, dtype=np.float32).reshape(5, 3))
    np.save(os.path.join(OUT, "gather_idx_ok.npy"), np.array([0, -1, 4, -5], np.int64))
    np.save(os.path.join(OUT, "gather_idx_ok_ref.npy"),
            np.arange(15, dtype=np.float32).reshape(5, 3)[[0, -1, 4, -5]])
    np.save(os.path.join(OUT, "gather_idx_5.npy"), np.array([0, 5, 1, 2], np.int64))
    np.save(os.path.join(OUT, "gather_idx_m100.npy"), np.array([0, 1, -100, 2], np.int64))
    np.save(os.path.join(OUT, "gather_idx_1e8.npy"), np.array([100000000, 0, 1, 2], np.int64))
    np.save(os.path.join(OUT, "gather_elements_data.npy"),
            np.arange(15, dtype=np.float32).reshape(3, 5))
    eidx = np.array([[0, -1], [4, 2], [-5, 3]], np.int64)
    np.save(os.path.join(OUT, "gather_elements_idx_ok.npy"), eidx)
    np.save(os.path.join(OUT, "gather_elements_ref.npy"),
            np.take_along_axis(np.arange(15, dtype=np.float32).reshape(3, 5), eidx, 1))
    np.save(os.path.join(OUT, "gather_elements_idx_bad.npy"),
            np.array([[0, -1], [4, 7], [-5, 3]], np.int64))

    # truncated.onnx: the first half of a valid model.
    with open(os.path.join(OUT, "add.onnx"), "rb") as f:
        data = f.read()
    with open(os.path.join(OUT, "truncated.onnx"), "wb") as f:
        f.write(data[: len(data) // 2])

    # not_onnx.onnx: plain text.
    with open(os.path.join(OUT, "not_onnx.onnx"), "w") as f:
        f.write("this is not an ONNX model\n")


if __name__ == "__main__":
    main()
