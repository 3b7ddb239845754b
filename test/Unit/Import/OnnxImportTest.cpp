//===- OnnxImportTest.cpp - TensorProto conversion and import checks ------===//

#include "lib/Import/Importer.h"
#include "strata/Import/OnnxImporter.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <fstream>

using namespace mlir;
using namespace mlir::strata;

namespace {

onnx::TensorProto floatTensor(std::vector<int64_t> dims,
                              std::vector<float> values, bool raw) {
  onnx::TensorProto t;
  t.set_name("t");
  t.set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims)
    t.add_dims(d);
  if (raw)
    t.set_raw_data(std::string(reinterpret_cast<const char *>(values.data()),
                               values.size() * sizeof(float)));
  else
    for (float v : values)
      t.add_float_data(v);
  return t;
}

std::string tempPath(const char *suffix) {
  llvm::SmallString<128> path;
  llvm::sys::fs::createTemporaryFile("strata-onnx-test", suffix, path);
  return path.str().str();
}

TEST(OnnxTensor, RawAndTypedDataGiveTheSameDenseAttribute) {
  MLIRContext context;
  std::string error;
  auto raw = onnx_import::convertTensor(floatTensor({2, 2}, {1, 2, 3, 4}, true),
                                        &context, error);
  auto typed = onnx_import::convertTensor(
      floatTensor({2, 2}, {1, 2, 3, 4}, false), &context, error);
  ASSERT_TRUE(succeeded(raw));
  ASSERT_TRUE(succeeded(typed));
  EXPECT_EQ(*raw, *typed);
  EXPECT_FALSE(raw->isSplat());
  EXPECT_EQ(raw->getValues<float>()[3], 4.0f);
}

TEST(OnnxTensor, EqualElementsBecomeASplat) {
  MLIRContext context;
  std::string error;
  auto attr = onnx_import::convertTensor(
      floatTensor({3, 5}, std::vector<float>(15, 0.5f), true), &context, error);
  ASSERT_TRUE(succeeded(attr));
  EXPECT_TRUE(attr->isSplat());
  EXPECT_EQ(attr->getSplatValue<float>(), 0.5f);
  EXPECT_EQ(attr->getType().getNumElements(), 15);
}

TEST(OnnxTensor, IntegerBooleanAndHalfFields) {
  MLIRContext context;
  std::string error;
  onnx::TensorProto i64;
  i64.set_data_type(onnx::TensorProto::INT64);
  i64.add_dims(3);
  for (int64_t v : {-1, 0, 7})
    i64.add_int64_data(v);
  auto a = onnx_import::convertTensor(i64, &context, error);
  ASSERT_TRUE(succeeded(a));
  EXPECT_EQ(a->getValues<int64_t>()[0], -1);
  EXPECT_EQ(a->getValues<int64_t>()[2], 7);

  onnx::TensorProto b;
  b.set_data_type(onnx::TensorProto::BOOL);
  b.add_dims(3);
  for (int v : {1, 0, 1})
    b.add_int32_data(v);
  auto bools = onnx_import::convertTensor(b, &context, error);
  ASSERT_TRUE(succeeded(bools));
  EXPECT_TRUE(bools->getValues<bool>()[0]);
  EXPECT_FALSE(bools->getValues<bool>()[1]);

  onnx::TensorProto h;
  h.set_data_type(onnx::TensorProto::FLOAT16);
  h.add_dims(2);
  h.add_int32_data(0x3C00); // 1.0
  h.add_int32_data(0xC000); // -2.0
  auto half = onnx_import::convertTensor(h, &context, error);
  ASSERT_TRUE(succeeded(half));
  EXPECT_EQ((*half->value_begin<APFloat>()).convertToFloat(), 1.0f);
}

TEST(OnnxTensor, MalformedTensorsAreErrors) {
  MLIRContext context;
  std::string error;
  onnx::TensorProto shortData = floatTensor({4}, {1, 2, 3}, true);
  EXPECT_TRUE(failed(onnx_import::convertTensor(shortData, &context, error)));
  EXPECT_NE(error.find("holds 3 element(s) but its shape needs 4"),
            std::string::npos)
      << error;

  onnx::TensorProto strings;
  strings.set_data_type(onnx::TensorProto::STRING);
  EXPECT_TRUE(failed(onnx_import::convertTensor(strings, &context, error)));
  EXPECT_NE(error.find("string"), std::string::npos) << error;

  onnx::TensorProto external = floatTensor({1}, {1}, true);
  external.set_data_location(onnx::TensorProto::EXTERNAL);
  EXPECT_TRUE(failed(onnx_import::convertTensor(external, &context, error)));
  EXPECT_NE(error.find("external"), std::string::npos) << error;
}

TEST(OnnxTensor, ReadsTensorProtoFiles) {
  std::string path = tempPath("pb");
  {
    std::ofstream out(path, std::ios::binary);
    out << floatTensor({2, 3}, {0, 1, 2, 3, 4, 5}, false).SerializeAsString();
  }
  llvm::Expected<HostTensor> t = readTensorFile(path);
  ASSERT_TRUE(bool(t)) << llvm::toString(t.takeError());
  EXPECT_EQ(t->getDType(), DType::F32);
  EXPECT_EQ(t->getShape(), ArrayRef<int64_t>({2, 3}));
  EXPECT_EQ(t->getAsDouble(5), 5.0);
  llvm::sys::fs::remove(path);

  std::string junk = tempPath("pb");
  {
    std::ofstream out(junk, std::ios::binary);
    out << "\xff\xff\xff";
  }
  llvm::Expected<HostTensor> bad = readOnnxTensor(junk);
  ASSERT_FALSE(bool(bad));
  EXPECT_NE(llvm::toString(bad.takeError()).find("valid ONNX TensorProto"),
            std::string::npos);
  llvm::sys::fs::remove(junk);
}

TEST(OnnxImport, DimBindings) {
  OnnxImportOptions options;
  EXPECT_FALSE(bool(parseDimBinding("batch=4", options)));
  EXPECT_EQ(options.dimBindings.lookup("batch"), 4);
  llvm::Error err = parseDimBinding("batch", options);
  EXPECT_TRUE(bool(err));
  llvm::consumeError(std::move(err));
  err = parseDimBinding("=3", options);
  EXPECT_TRUE(bool(err));
  llvm::consumeError(std::move(err));
}

/// A model with a Gemm and two unsupported nodes, built with the protobuf
/// API.
onnx::ModelProto makeModel(bool withUnsupported) {
  onnx::ModelProto model;
  model.set_ir_version(8);
  model.add_opset_import()->set_version(13);
  onnx::GraphProto *g = model.mutable_graph();
  auto addInput = [&](const char *name, std::vector<int64_t> dims) {
    onnx::ValueInfoProto *v = g->add_input();
    v->set_name(name);
    auto *tt = v->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(onnx::TensorProto::FLOAT);
    for (int64_t d : dims)
      tt->mutable_shape()->add_dim()->set_dim_value(d);
  };
  addInput("a", {2, 3});
  addInput("b", {4, 3});
  onnx::NodeProto *gemm = g->add_node();
  gemm->set_op_type("Gemm");
  gemm->set_name("gemm");
  gemm->add_input("a");
  gemm->add_input("b");
  gemm->add_output("y");
  onnx::AttributeProto *transB = gemm->add_attribute();
  transB->set_name("transB");
  transB->set_type(onnx::AttributeProto::INT);
  transB->set_i(1);
  if (withUnsupported) {
    for (const char *op : {"TopK", "NonZero"}) {
      onnx::NodeProto *n = g->add_node();
      n->set_op_type(op);
      n->set_name(std::string("bad_") + op);
      n->add_input("y");
      n->add_output(std::string("out_") + op);
    }
  }
  g->add_output()->set_name("y");
  return model;
}

TEST(OnnxImport, ImportsAGemm) {
  MLIRContext context;
  std::string bytes = makeModel(false).SerializeAsString();
  EXPECT_TRUE(looksLikeOnnxModel(bytes));
  EXPECT_FALSE(looksLikeOnnxModel("module {\n}\n"));
  OwningOpRef<ModuleOp> module =
      importOnnxModel(bytes, &context, OnnxImportOptions());
  ASSERT_TRUE(module);
  std::string text;
  llvm::raw_string_ostream os(text);
  module->print(os);
  EXPECT_NE(text.find("tosa.transpose"), std::string::npos) << text;
  EXPECT_NE(text.find("tosa.matmul"), std::string::npos) << text;
  EXPECT_NE(text.find("-> (tensor<2x4xf32>"), std::string::npos) << text;
}

TEST(OnnxImport, ReportsEveryUnsupportedNode) {
  MLIRContext context;
  std::vector<std::string> errors;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    if (diag.getSeverity() == DiagnosticSeverity::Error)
      errors.push_back(diag.str());
    return success();
  });
  std::string bytes = makeModel(true).SerializeAsString();
  EXPECT_FALSE(importOnnxModel(bytes, &context, OnnxImportOptions()));
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0],
            "node 'bad_TopK' (TopK, opset 13): unsupported operator");
  EXPECT_EQ(errors[1],
            "node 'bad_NonZero' (NonZero, opset 13): unsupported operator");
}

TEST(OnnxImport, TruncatedModelIsOneError) {
  MLIRContext context;
  std::vector<std::string> errors;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    errors.push_back(diag.str());
    return success();
  });
  std::string bytes = makeModel(false).SerializeAsString();
  bytes.resize(bytes.size() / 2);
  EXPECT_FALSE(importOnnxModel(bytes, &context, OnnxImportOptions()));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("not a valid ONNX model"), std::string::npos);
}

} // namespace

namespace {
// Inputs the fuzzers found (test/Fuzz/regressions): each must parse or fail
// cleanly, under ASan+UBSan too.

TEST(FuzzRegression, EmptyTensorsHaveNoBufferToCopyInto) {
  // A TensorProto of shape [0], int32, empty raw_data: memcpy was called
  // with a null destination (UBSan: null pointer passed as argument 1).
  const char pb[] = "\x08\x00\x10\x06\x42\x01\x79\x4a\x00";
  llvm::Expected<HostTensor> t =
      parseOnnxTensor(StringRef(pb, sizeof(pb) - 1), "empty.pb");
  ASSERT_TRUE(bool(t)) << llvm::toString(t.takeError());
  EXPECT_EQ(t->getNumElements(), 0);
  EXPECT_EQ(t->getShape(), ArrayRef<int64_t>({0}));
  // The same as a .npy file.
  HostTensor empty(DType::F32, {0, 3});
  llvm::Expected<HostTensor> npy = HostTensor::parseNpy(empty.toNpy(), "e.npy");
  ASSERT_TRUE(bool(npy)) << llvm::toString(npy.takeError());
  EXPECT_EQ(npy->getShape(), ArrayRef<int64_t>({0, 3}));
}

} // namespace

namespace {
TEST(FuzzRegression, IntegerClampBoundsSaturate) {
  // Relu on int64 clamps to [0, +inf): +inf converted to int64 was
  // undefined (UBSan: 9.22337e+18 is outside the range of 'long'); it must
  // saturate to INT64_MAX.
  onnx::ModelProto model;
  model.set_ir_version(8);
  model.add_opset_import()->set_version(14);
  onnx::GraphProto *g = model.mutable_graph();
  onnx::ValueInfoProto *x = g->add_input();
  x->set_name("x");
  auto *tt = x->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(onnx::TensorProto::INT64);
  tt->mutable_shape()->add_dim()->set_dim_value(3);
  onnx::NodeProto *relu = g->add_node();
  relu->set_op_type("Relu");
  relu->add_input("x");
  relu->add_output("y");
  g->add_output()->set_name("y");
  MLIRContext context;
  OwningOpRef<ModuleOp> module =
      importOnnxModel(model.SerializeAsString(), &context, OnnxImportOptions());
  ASSERT_TRUE(module);
  std::string text;
  llvm::raw_string_ostream os(text);
  module->print(os);
  EXPECT_NE(text.find("max_val = 9223372036854775807 : i64"), std::string::npos)
      << text;
  EXPECT_NE(text.find("min_val = 0 : i64"), std::string::npos) << text;
}
} // namespace
