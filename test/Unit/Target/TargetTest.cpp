//===- TargetTest.cpp - Target description tests --------------------------===//

#include "strata/Target/Target.h"

#include "dialects/Strata/IR/StrataAttrs.h"
#include "dialects/Strata/IR/StrataDialect.h"
#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace mlir::strata;

namespace {
class TargetTest : public ::testing::Test {
protected:
  TargetTest() {
    context.loadDialect<StrataDialect>();
    handler = std::make_unique<ScopedDiagnosticHandler>(
        &context, [this](Diagnostic &diag) {
          errors.push_back(diag.str());
          return success();
        });
  }
  MLIRContext context;
  std::unique_ptr<ScopedDiagnosticHandler> handler;
  std::vector<std::string> errors;
};
} // namespace

TEST_F(TargetTest, BuiltinsAreValidAndOrdered) {
  for (StringRef name : getBuiltinTargetNames()) {
    FailureOr<TargetDescription> t =
        getBuiltinTarget(name, UnknownLoc::get(&context));
    ASSERT_TRUE(succeeded(t)) << name.str();
    EXPECT_EQ(t->name, name.str());
    EXPECT_FALSE(t->units.empty());
    for (size_t i = 1; i < t->tiers.size(); ++i)
      EXPECT_GE(t->tiers[i - 1].bandwidth, t->tiers[i].bandwidth);
  }
  EXPECT_TRUE(errors.empty());
}

TEST_F(TargetTest, NpuSramHasOneMiBScratchpadByDefault) {
  FailureOr<TargetDescription> t =
      getBuiltinTarget("npu-sram", UnknownLoc::get(&context));
  ASSERT_TRUE(succeeded(t));
  ASSERT_EQ(t->tiers.size(), 2u);
  ASSERT_NE(t->getFastTier(), nullptr);
  EXPECT_EQ(t->getFastTier()->name, "sram");
  EXPECT_EQ(t->getFastTier()->capacity, 1u << 20);
  EXPECT_EQ(t->getBackingTier().name, "dram");
}

TEST_F(TargetTest, NpuSramSizeSetting) {
  FailureOr<TargetDescription> t =
      getBuiltinTarget("npu-sram:sram=512KiB", UnknownLoc::get(&context));
  ASSERT_TRUE(succeeded(t));
  EXPECT_EQ(t->getFastTier()->capacity, 512u << 10);
  EXPECT_TRUE(
      failed(getBuiltinTarget("npu-sram:sram=0", UnknownLoc::get(&context))));
  EXPECT_TRUE(failed(
      getBuiltinTarget("host-cpu:sram=1MiB", UnknownLoc::get(&context))));
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_NE(errors[1].find("has no setting 'sram'"), std::string::npos);
}

TEST_F(TargetTest, HostCpuHasNoFastTier) {
  FailureOr<TargetDescription> t =
      getBuiltinTarget("host-cpu", UnknownLoc::get(&context));
  ASSERT_TRUE(succeeded(t));
  EXPECT_EQ(t->getFastTier(), nullptr);
  EXPECT_EQ(t->findTier("dram"), &t->getBackingTier());
  EXPECT_EQ(t->findTier("sram"), nullptr);
}

TEST_F(TargetTest, UnknownBuiltinListsTheKnownOnes) {
  EXPECT_TRUE(failed(getBuiltinTarget("tpu-v9", UnknownLoc::get(&context))));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("unknown target 'tpu-v9'"), std::string::npos);
  EXPECT_NE(errors[0].find("'npu-sram'"), std::string::npos);
}

TEST_F(TargetTest, AttrRoundTrip) {
  FailureOr<TargetDescription> t =
      getBuiltinTarget("cuda-sm90", UnknownLoc::get(&context));
  ASSERT_TRUE(succeeded(t));
  TargetAttr attr = t->toAttr(&context);
  ASSERT_TRUE(attr);
  TargetDescription back = TargetDescription::fromAttr(attr);
  EXPECT_EQ(back.name, t->name);
  ASSERT_EQ(back.tiers.size(), t->tiers.size());
  for (size_t i = 0; i < back.tiers.size(); ++i) {
    EXPECT_EQ(back.tiers[i].name, t->tiers[i].name);
    EXPECT_EQ(back.tiers[i].capacity, t->tiers[i].capacity);
    EXPECT_EQ(back.tiers[i].bandwidth, t->tiers[i].bandwidth);
  }
  EXPECT_EQ(back.units[0].count, 132u);
  // The printed attribute parses back to the same (uniqued) attribute.
  std::string text;
  llvm::raw_string_ostream os(text);
  os << Attribute(attr);
  EXPECT_EQ(parseAttribute(text, &context), attr);
}

TEST_F(TargetTest, ParsesJSON) {
  const char *json = R"({
    "name": "my-npu",
    "units": [{"name": "pe", "count": 4, "matrix_flops": 1e12,
               "vector_flops": 1e11}],
    "tiers": [{"name": "l1", "capacity": 65536, "bandwidth": 5e11},
              {"name": "ddr", "capacity": 1073741824, "bandwidth": 1e10,
               "latency": 1e-7}]
  })";
  FailureOr<TargetDescription> t = parseTargetJSON(json, "npu.json", &context);
  ASSERT_TRUE(succeeded(t)) << (errors.empty() ? "" : errors[0]);
  EXPECT_EQ(t->name, "my-npu");
  EXPECT_EQ(t->units[0].count, 4u);
  EXPECT_EQ(t->tiers[0].capacity, 65536u);
  EXPECT_DOUBLE_EQ(t->tiers[1].latency, 1e-7);
  EXPECT_DOUBLE_EQ(t->tiers[0].latency, 0.0);
}

TEST_F(TargetTest, JSONErrorsNameThePath) {
  EXPECT_TRUE(failed(parseTargetJSON("{", "a.json", &context)));
  EXPECT_TRUE(failed(parseTargetJSON(
      R"({"name": "x", "units": [{"name": "u", "matrix_flops": 1,
          "vector_flops": 1}], "tiers": [{"name": "t", "capacity": 1}]})",
      "b.json", &context)));
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_NE(errors[0].find("invalid JSON"), std::string::npos);
  EXPECT_NE(errors[1].find("tiers"), std::string::npos) << errors[1];
  EXPECT_NE(errors[1].find("bandwidth"), std::string::npos) << errors[1];
}

TEST_F(TargetTest, JSONGoesThroughTheAttributeVerifier) {
  // Slow tier first: the dialect's verifier rejects it for JSON too.
  EXPECT_TRUE(failed(parseTargetJSON(
      R"({"name": "x", "units": [{"name": "u", "matrix_flops": 1,
          "vector_flops": 1}],
          "tiers": [{"name": "dram", "capacity": 10, "bandwidth": 1},
                    {"name": "sram", "capacity": 1, "bandwidth": 100}]})",
      "c.json", &context)));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("must list tiers fastest first"), std::string::npos);
}

TEST_F(TargetTest, ResolvePrefersModuleAttribute) {
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(
      R"(module attributes {strata.target = #strata.target<name = "mine",
           units = [#strata.unit<name = "u", count = 1, matrix_flops = 1.0,
                                 vector_flops = 1.0>],
           tiers = [#strata.tier<name = "m", capacity = 8, bandwidth = 2.0>]>} {})",
      &context);
  ASSERT_TRUE(module);
  FailureOr<TargetDescription> t = resolveTarget("", *module);
  ASSERT_TRUE(succeeded(t));
  EXPECT_EQ(t->name, "mine");
  t = resolveTarget("npu-sram", *module);
  ASSERT_TRUE(succeeded(t));
  EXPECT_EQ(t->name, "npu-sram");
  OwningOpRef<ModuleOp> plain =
      parseSourceString<ModuleOp>("module {}", &context);
  t = resolveTarget("", *plain);
  ASSERT_TRUE(succeeded(t));
  EXPECT_EQ(t->name, "host-cpu");
}
