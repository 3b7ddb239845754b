//===- ArityTest.cpp - Every converter survives malformed one-node models -===//
//
// For every op type the importer registers, a one-node model is built with
// 0, 1, 2, 3 and 9 inputs, of rank 0, 1 and 4, float and int64, with equal
// and with mutually incompatible shapes, at opsets 13, 17 and 21, and
// imported. Whatever the node, the import either succeeds or fails with a
// located error diagnostic; it never crashes. A node with no inputs (every
// registered op but Constant needs one) and one with far too many (all
// but the variadic ops) must be refused with a diagnostic that names the
// node.
//
//===----------------------------------------------------------------------===//

#include "strata/Import/OnnxImporter.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include "onnx/onnx_pb.h"

#include <gtest/gtest.h>

#include <cstdlib>

using namespace mlir;
using namespace mlir::strata;

namespace {

/// Input i has shape 2x..x2xK of `rank`, K = 3, or 3 + i when `distinct`
/// (shapes that do not broadcast together).
onnx::ModelProto makeOneNodeModel(const std::string &op, int numInputs,
                                  int rank, int32_t elementType, int64_t opset,
                                  bool distinct = false) {
  onnx::ModelProto model;
  model.set_ir_version(8);
  model.add_opset_import()->set_version(opset);
  onnx::GraphProto *g = model.mutable_graph();
  onnx::NodeProto *node = g->add_node();
  node->set_op_type(op);
  node->set_name("n");
  for (int i = 0; i < numInputs; ++i) {
    std::string name = "x" + std::to_string(i);
    onnx::ValueInfoProto *v = g->add_input();
    v->set_name(name);
    auto *tt = v->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(elementType);
    auto *shape = tt->mutable_shape();
    for (int d = 0; d < rank; ++d)
      shape->add_dim()->set_dim_value(d == rank - 1 ? 3 + (distinct ? i : 0)
                                                    : 2);
    node->add_input(name);
  }
  node->add_output("y");
  g->add_output()->set_name("y");
  return model;
}

struct Outcome {
  bool imported = false;
  std::vector<std::string> errors;
};

Outcome importModel(const onnx::ModelProto &model) {
  MLIRContext context;
  Outcome outcome;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    if (diag.getSeverity() == DiagnosticSeverity::Error)
      outcome.errors.push_back(diag.str());
    return success();
  });
  OwningOpRef<ModuleOp> module =
      importOnnxModel(model.SerializeAsString(), &context, OnnxImportOptions());
  outcome.imported = static_cast<bool>(module);
  return outcome;
}

bool isVariadic(const std::string &op) {
  return op == "Sum" || op == "Mean" || op == "Max" || op == "Min" ||
         op == "Concat";
}

TEST(OnnxImportArity, EveryOpSurvivesEveryArityRankAndType) {
  std::vector<std::string> ops = getSupportedOnnxOps();
  ASSERT_GT(ops.size(), 100u);
  // STRATA_ARITY_OP=Conv narrows the sweep to one op (for debugging).
  if (const char *only = std::getenv("STRATA_ARITY_OP"))
    ops = {only};
  for (const std::string &op : ops)
    for (int64_t opset : {13, 17, 21})
      for (int32_t type : {onnx::TensorProto::FLOAT, onnx::TensorProto::INT64})
        for (int rank : {0, 1, 4})
          for (int inputs : {0, 1, 2, 3, 9})
            for (bool distinct : {false, true}) {
              SCOPED_TRACE(
                  op + " opset " + std::to_string(opset) + ", " +
                  std::to_string(inputs) + " input(s) of rank " +
                  std::to_string(rank) +
                  (type == onnx::TensorProto::FLOAT ? " float" : " int64") +
                  (distinct ? ", distinct shapes" : ""));
              Outcome outcome = importModel(
                  makeOneNodeModel(op, inputs, rank, type, opset, distinct));
              if (outcome.imported) {
                EXPECT_TRUE(outcome.errors.empty());
                // Every registered op needs an input or a value attribute.
                EXPECT_NE(inputs, 0);
                continue;
              }
              ASSERT_FALSE(outcome.errors.empty())
                  << "import failed without an error";
              EXPECT_NE(outcome.errors.front().find("(" + op + ", opset"),
                        std::string::npos)
                  << outcome.errors.front();
            }
}

TEST(OnnxImportArity, MissingAndExtraInputsAreRefused) {
  for (const std::string &op : getSupportedOnnxOps()) {
    SCOPED_TRACE(op);
    // The newest opset Strata imports, where every op it converts exists
    // (Upsample is deprecated from opset 10 on).
    int64_t opset = op == "Upsample" ? 9 : 21;
    std::string prefix =
        "node 'n' (" + op + ", opset " + std::to_string(opset) + "): ";
    if (op != "Constant") {
      Outcome none = importModel(
          makeOneNodeModel(op, 0, 2, onnx::TensorProto::FLOAT, opset));
      EXPECT_FALSE(none.imported);
      ASSERT_FALSE(none.errors.empty());
      EXPECT_EQ(none.errors.front().find(prefix), 0u) << none.errors.front();
    }
    if (!isVariadic(op)) {
      Outcome many = importModel(
          makeOneNodeModel(op, 9, 2, onnx::TensorProto::FLOAT, opset));
      EXPECT_FALSE(many.imported);
      ASSERT_FALSE(many.errors.empty());
      EXPECT_EQ(many.errors.front().find(prefix), 0u) << many.errors.front();
      EXPECT_TRUE(many.errors.front().find("9 input") != std::string::npos ||
                  many.errors.front().find("input size 9") != std::string::npos)
          << many.errors.front();
    }
  }
}

TEST(OnnxImportArity, OmittedRequiredInputIsRefused) {
  onnx::ModelProto model =
      makeOneNodeModel("Conv", 2, 4, onnx::TensorProto::FLOAT, 17);
  // ONNX spells an omitted input as the empty name; Conv's W is required.
  model.mutable_graph()->mutable_node(0)->set_input(1, "");
  Outcome outcome = importModel(model);
  EXPECT_FALSE(outcome.imported);
  ASSERT_EQ(outcome.errors.size(), 1u);
  EXPECT_EQ(outcome.errors[0], "node 'n' (Conv, opset 17): input #1 ('W') is "
                               "required but omitted (empty name)");

  // A variadic input may not be omitted either (found by FuzzOnnxImport:
  // Mean read the type of a null value).
  for (int64_t opset : {13, 21}) {
    onnx::ModelProto mean =
        makeOneNodeModel("Mean", 3, 2, onnx::TensorProto::FLOAT, opset);
    mean.mutable_graph()->mutable_node(0)->set_input(1, "");
    Outcome variadic = importModel(mean);
    EXPECT_FALSE(variadic.imported);
    ASSERT_EQ(variadic.errors.size(), 1u);
    EXPECT_EQ(variadic.errors[0],
              "node 'n' (Mean, opset " + std::to_string(opset) +
                  "): input #1 ('data_0') is required but omitted (empty "
                  "name)");
  }
}

TEST(OnnxImportArity, ScalarInputsNeedingAnAxisAreRefused) {
  for (const char *op : {"ArgMax", "ArgMin", "Split"}) {
    SCOPED_TRACE(op);
    Outcome outcome =
        importModel(makeOneNodeModel(op, 1, 0, onnx::TensorProto::FLOAT, 13));
    EXPECT_FALSE(outcome.imported);
    ASSERT_EQ(outcome.errors.size(), 1u);
    EXPECT_NE(outcome.errors[0].find("rank"), std::string::npos)
        << outcome.errors[0];
  }
}

} // namespace
