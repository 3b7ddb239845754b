//===- AheadOfTimeTest.cpp - strata-compile's names and C header ----------===//

#include "strata/Runtime/AheadOfTime.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace mlir::strata;

TEST(AheadOfTimeTest, CIdentifiers) {
  EXPECT_TRUE(isValidCIdentifier("resnet50"));
  EXPECT_TRUE(isValidCIdentifier("_m"));
  EXPECT_FALSE(isValidCIdentifier(""));
  EXPECT_FALSE(isValidCIdentifier("9lives"));
  EXPECT_FALSE(isValidCIdentifier("light-model"));
  EXPECT_EQ(makeCIdentifier("light-model.v2"), "light_model_v2");
  EXPECT_EQ(makeCIdentifier("3d"), "_3d");
  EXPECT_EQ(makeCIdentifier(""), "_");
  EXPECT_TRUE(isValidCIdentifier(makeCIdentifier("a b-c")));
}

// The header declares one entry point with one pointer per input (const)
// and output, of the element types' C types, and the element counts.
TEST(AheadOfTimeTest, HeaderDeclaresTheEntryPoint) {
  MLIRContext context;
  Builder b(&context);
  EntrySignature sig;
  sig.name = "main";
  sig.inputs = {RankedTensorType::get({1, 3, 8, 8}, b.getF32Type()),
                RankedTensorType::get({4}, b.getI64Type())};
  sig.inputDTypes = {DType::F32, DType::I64};
  sig.results = {RankedTensorType::get({2, 5}, b.getF32Type())};
  sig.resultDTypes = {DType::F32};
  AheadOfTimeOptions options;
  options.prefix = "net";
  CompiledObject object;
  object.externals = {"__kmpc_fork_call", "expf", "malloc"};
  std::string header = getCHeader(sig, options, object, "net.onnx");
  EXPECT_NE(header.find("int32_t net_run(const float *input0, const int64_t "
                        "*input1, float *output0);"),
            std::string::npos)
      << header;
  EXPECT_NE(header.find("#define NET_INPUT0_ELEMENTS 192"), std::string::npos);
  EXPECT_NE(header.find("#define NET_OUTPUT0_ELEMENTS 10"), std::string::npos);
  EXPECT_NE(header.find("Link with: -lomp -lm */"), std::string::npos);
  EXPECT_NE(header.find("#ifndef NET_STRATA_H"), std::string::npos);
  // Without OpenMP calls: no -lomp, and the serial wording.
  object.externals = {"malloc"};
  header = getCHeader(sig, options, object, "net.onnx");
  EXPECT_NE(header.find("Link with: -lm */"), std::string::npos);
  EXPECT_NE(header.find("Runs on the calling thread."), std::string::npos);
  // MLIR's strided copy needs the C runner utilities.
  object.externals = {"memrefCopy"};
  EXPECT_TRUE(object.needsRunnerUtils());
  EXPECT_EQ(object.getLinkFlags(),
            (SmallVector<std::string>{"-lmlir_c_runner_utils", "-lm"}));
}
