//===- ConverterChecksTest.cpp - Every new converter diagnostic -----------===//
//
// One-node models with constant inputs (initializers) that each trip one
// check a converter makes before building anything: the diagnostic, at the
// node, and no module.
//
//===----------------------------------------------------------------------===//

#include "strata/Import/OnnxImporter.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include "onnx/onnx_pb.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::strata;

namespace {

struct Model {
  onnx::ModelProto proto;
  onnx::GraphProto *g;
  onnx::NodeProto *node;

  Model(const std::string &op, int64_t opset) {
    proto.set_ir_version(8);
    proto.add_opset_import()->set_version(opset);
    g = proto.mutable_graph();
    node = g->add_node();
    node->set_op_type(op);
    node->set_name("n");
    node->add_output("y");
    g->add_output()->set_name("y");
  }
  Model &input(const std::string &name, std::vector<int64_t> dims,
               int32_t type = onnx::TensorProto::FLOAT) {
    onnx::ValueInfoProto *v = g->add_input();
    v->set_name(name);
    auto *tt = v->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(type);
    for (int64_t d : dims)
      tt->mutable_shape()->add_dim()->set_dim_value(d);
    node->add_input(name);
    return *this;
  }
  Model &floats(const std::string &name, std::vector<int64_t> dims,
                std::vector<float> values) {
    onnx::TensorProto *t = g->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    for (int64_t d : dims)
      t->add_dims(d);
    for (float v : values)
      t->add_float_data(v);
    node->add_input(name);
    return *this;
  }
  Model &ints(const std::string &name, std::vector<int64_t> dims,
              std::vector<int64_t> values) {
    onnx::TensorProto *t = g->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::INT64);
    for (int64_t d : dims)
      t->add_dims(d);
    for (int64_t v : values)
      t->add_int64_data(v);
    node->add_input(name);
    return *this;
  }
  Model &attr(const std::string &name, int64_t value) {
    onnx::AttributeProto *a = node->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(value);
    return *this;
  }
  Model &attrf(const std::string &name, float value) {
    onnx::AttributeProto *a = node->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::FLOAT);
    a->set_f(value);
    return *this;
  }
  Model &attrs(const std::string &name, std::vector<int64_t> values) {
    onnx::AttributeProto *a = node->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (int64_t v : values)
      a->add_ints(v);
    return *this;
  }
  Model &outputs(int count) {
    for (int i = 1; i < count; ++i)
      node->add_output("y" + std::to_string(i));
    return *this;
  }

  /// The first error of importing the model ("" if it imported).
  std::string firstError() const {
    MLIRContext context;
    std::string first;
    ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
      if (diag.getSeverity() == DiagnosticSeverity::Error && first.empty())
        first = diag.str();
      return success();
    });
    OwningOpRef<ModuleOp> module = importOnnxModel(
        proto.SerializeAsString(), &context, OnnxImportOptions());
    if (module && !first.empty())
      return "imported despite: " + first;
    return first;
  }
};

TEST(ConverterChecks, OpsOutsideTheirOpsets) {
  EXPECT_EQ(Model("Gelu", 17).input("x", {2}).firstError(),
            "node 'n' (Gelu, opset 17): is not an operator of opset 17 (it "
            "was introduced in opset 20)");
  EXPECT_EQ(Model("LayerNormalization", 13)
                .input("x", {2, 3})
                .input("s", {3})
                .firstError(),
            "node 'n' (LayerNormalization, opset 13): is not an operator of "
            "opset 13 (it was introduced in opset 17)");
  EXPECT_EQ(Model("Upsample", 10)
                .input("x", {1, 1, 2, 2})
                .floats("scales", {4}, {1, 1, 2, 2})
                .firstError(),
            "node 'n' (Upsample, opset 10): does not match the ONNX schema of "
            "Upsample-10: Operator 'Upsample' has been deprecated since "
            "version 10");
  EXPECT_EQ(
      Model("Mish", 21).input("x", {2}).input("z", {2}).firstError(),
      "node 'n' (Mish, opset 21): has 2 input(s); Mish takes exactly one");
}

TEST(ConverterChecks, NormalizationParametersArePerChannel) {
  EXPECT_EQ(Model("BatchNormalization", 15)
                .input("x", {1, 3, 2, 2})
                .floats("scale", {3}, {1, 1, 1})
                .floats("bias", {4}, {0, 0, 0, 0})
                .floats("mean", {3}, {0, 0, 0})
                .floats("var", {3}, {1, 1, 1})
                .firstError(),
            "node 'n' (BatchNormalization, opset 15): input #2 must be a "
            "vector of 3 elements (one per channel), got 4");
  EXPECT_EQ(Model("InstanceNormalization", 13)
                .input("x", {1, 3, 2, 2})
                .input("scale", {1, 3, 1, 1})
                .input("bias", {3})
                .firstError(),
            "node 'n' (InstanceNormalization, opset 13): input #1 must be a "
            "vector of 3 elements (one per channel), got 1x3x1x1");
}

TEST(ConverterChecks, LengthsFromNaNOrHugeValues) {
  float nan = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ(Model("Range", 13)
                .floats("start", {}, {0})
                .floats("limit", {}, {nan})
                .floats("delta", {}, {1})
                .firstError(),
            "node 'n' (Range, opset 13): the range has more than 1048576 "
            "elements (or its length is not a number)");
  EXPECT_EQ(Model("Range", 13)
                .floats("start", {}, {0})
                .floats("limit", {}, {1e9f})
                .floats("delta", {}, {1})
                .firstError(),
            "node 'n' (Range, opset 13): the range has more than 1048576 "
            "elements (or its length is not a number)");
  EXPECT_EQ(Model("OneHot", 11)
                .input("i", {3}, onnx::TensorProto::INT64)
                .floats("depth", {}, {nan})
                .floats("values", {2}, {0, 1})
                .firstError(),
            "node 'n' (OneHot, opset 11): depth must be a positive scalar (at "
            "most 2^32)");
  EXPECT_EQ(Model("OneHot", 11)
                .input("i", {3}, onnx::TensorProto::INT64)
                .floats("depth", {}, {1e7f})
                .floats("values", {2}, {0, 1})
                .firstError(),
            "node 'n' (OneHot, opset 11): the depth table would have 10000000 "
            "elements; the importer builds at most 1048576 at import time");
}

TEST(ConverterChecks, SplitSizesAndOutputs) {
  EXPECT_EQ(Model("Split", 13)
                .input("x", {6})
                .ints("split", {2}, {-2, 8})
                .outputs(2)
                .firstError(),
            "node 'n' (Split, opset 13): split size -2 is not between 0 and 6");
  EXPECT_EQ(Model("Split", 18)
                .input("x", {6})
                .attr("num_outputs", 3)
                .outputs(2)
                .firstError(),
            "node 'n' (Split, opset 18): num_outputs is 3 but the node has 2 "
            "outputs");
}

TEST(ConverterChecks, WindowAttributesAreBounded) {
  EXPECT_EQ(Model("MaxPool", 13)
                .input("x", {1, 1, 4, 4})
                .attrs("kernel_shape", {2, int64_t(1) << 40})
                .firstError(),
            "node 'n' (MaxPool, opset 13): kernel sizes, strides and "
            "dilations must be between 1 and 1048576, pads between 0 and "
            "1048576");
  EXPECT_EQ(Model("ConvTranspose", 13)
                .input("x", {1, 1, 4, 4})
                .input("w", {1, 1, 3, 3})
                .attrs("output_shape", {8})
                .firstError(),
            "node 'n' (ConvTranspose, opset 13): output_shape has fewer "
            "values than spatial dimensions");
  EXPECT_EQ(Model("ConvTranspose", 13)
                .input("x", {1, 1, 4, 4})
                .input("w", {1, 1, 3, 3})
                .attrs("strides", {1, -1})
                .firstError(),
            "node 'n' (ConvTranspose, opset 13): kernel sizes, strides and "
            "dilations must be between 1 and 1048576, pads and "
            "output_padding between 0 and 1048576");
  EXPECT_EQ(
      Model("LRN", 13).input("x", {1, 3, 2, 2}).attr("size", 5000).firstError(),
      "node 'n' (LRN, opset 13): size must be between 1 and 1024");
  EXPECT_EQ(Model("LRN", 13)
                .input("x", {1, 3, 2, 2})
                .attr("size", 3)
                .attrf("beta", std::numeric_limits<float>::infinity())
                .firstError(),
            "node 'n' (LRN, opset 13): alpha, beta and bias must be finite");
}

TEST(ConverterChecks, HostConstantsAreBounded) {
  EXPECT_EQ(Model("EyeLike", 13).input("x", {2048, 2048}).firstError(),
            "node 'n' (EyeLike, opset 13): the identity matrix would have "
            "4194304 elements; the importer builds at most 1048576 at import "
            "time");
  EXPECT_EQ(
      Model("CumSum", 14).input("x", {2048}).ints("axis", {}, {0}).firstError(),
      "node 'n' (CumSum, opset 14): the prefix-sum matrix would have "
      "4194304 elements; the importer builds at most 1048576 at import "
      "time");
  EXPECT_EQ(Model("Concat", 13)
                .input("a", {2, 3})
                .input("b", {2})
                .attr("axis", 0)
                .firstError(),
            "node 'n' (Concat, opset 13): inputs have different ranks");
}

} // namespace
