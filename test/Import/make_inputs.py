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
