//===- StrategyExtension.cpp - Register the strategy ops ------------------===//
//
// The transform dialect extension that registers the strategy ops, in a
// file of its own: upstream's TransformDialectExtension constructor calls
// the derived class's init() through a static_cast before the derived
// object exists, which UBSan's vptr check reports; sanitized builds turn
// that one check off for this file only (CMakeLists.txt).
//
//===----------------------------------------------------------------------===//

#include "passes/RewriteStrategies/StrategyOps.h"

#include "dialects/Strata/IR/StrataDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/DialectRegistry.h"

using namespace mlir;
using namespace mlir::strata;

namespace {
class StrategyExtension final
    : public transform::TransformDialectExtension<StrategyExtension> {
public:
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(StrategyExtension)
  using Base::Base;

  void init() {
    declareDependentDialect<StrataDialect>();
    declareGeneratedDialect<tosa::TosaDialect>();
    declareGeneratedDialect<linalg::LinalgDialect>();
    declareGeneratedDialect<tensor::TensorDialect>();
    declareGeneratedDialect<arith::ArithDialect>();
    registerTransformOps<
#define GET_OP_LIST
#include "passes/RewriteStrategies/StrategyOps.cpp.inc"
        >();
  }
};
} // namespace

void mlir::strata::registerStrategyExtension(DialectRegistry &registry) {
  registry.addExtensions<StrategyExtension>();
}
