//===- StructureHashTest.cpp - The structural hash of strategies ----------===//
//
// repeat's "no change" test and best_of's price cache rest on
// hashStructure: a clone hashes like its original, and any change of an op,
// a property, an attribute, a type or a use-def edge changes the hash.
//
//===----------------------------------------------------------------------===//

#include "passes/RewriteStrategies/StrategyOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace mlir::strata;

namespace {
const char *kProgram = R"mlir(
func.func @f(%x: tensor<1x4x4x2xf32>, %y: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
  %0 = tosa.add %x, %y : (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  %1 = tosa.clamp %0 {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  return %1 : tensor<1x4x4x2xf32>
}
)mlir";

struct StructureHashTest : ::testing::Test {
  StructureHashTest() {
    context.loadDialect<func::FuncDialect, tosa::TosaDialect>();
    module = parseSourceString<ModuleOp>(kProgram, &context);
  }
  Operation *op(StringRef name) {
    Operation *found = nullptr;
    module->walk([&](Operation *o) {
      if (o->getName().getStringRef() == name)
        found = o;
    });
    return found;
  }
  MLIRContext context;
  OwningOpRef<ModuleOp> module;
};
} // namespace

TEST_F(StructureHashTest, CloneHashesLikeOriginal) {
  ASSERT_TRUE(module);
  OwningOpRef<ModuleOp> clone = module->clone();
  EXPECT_EQ(hashStructure(*module), hashStructure(*clone));
}

TEST_F(StructureHashTest, PropertyChangeChangesHash) {
  llvm::hash_code before = hashStructure(*module);
  Operation *clamp = op("tosa.clamp");
  ASSERT_TRUE(clamp);
  auto clampOp = cast<tosa::ClampOp>(clamp);
  clampOp.setMaxValAttr(FloatAttr::get(Float32Type::get(&context), 3.0));
  EXPECT_NE(hashStructure(*module), before);
}

TEST_F(StructureHashTest, SwappedOperandsChangeHash) {
  llvm::hash_code before = hashStructure(*module);
  Operation *add = op("tosa.add");
  ASSERT_TRUE(add);
  Value a = add->getOperand(0), b = add->getOperand(1);
  add->setOperand(0, b);
  add->setOperand(1, a);
  EXPECT_NE(hashStructure(*module), before);
}

TEST_F(StructureHashTest, DiscardableAttributeChangesHash) {
  llvm::hash_code before = hashStructure(*module);
  op("tosa.add")->setAttr("note", UnitAttr::get(&context));
  EXPECT_NE(hashStructure(*module), before);
}
