//===- PackConstants.cpp - Constant operands rearranged once --------------===//
//
// Implements `strata-pack-constants`: a kernel's transpose of a constant
// input is folded into the constant at compile time.
//
//===----------------------------------------------------------------------===//

#include "passes/Codegen/Passes.h"

#include "dialects/Strata/IR/StrataOps.h"
#include "mlir/IR/Matchers.h"
#include "strata/Support/Constants.h"
#include "llvm/Support/Debug.h"

#define DEBUG_TYPE "strata-pack-constants"

namespace mlir::strata {
#define GEN_PASS_DEF_STRATAPACKCONSTANTS
#include "passes/Codegen/Passes.h.inc"
} // namespace mlir::strata

using namespace mlir;
using namespace mlir::strata;

namespace {
struct StrataPackConstantsPass final
    : strata::impl::StrataPackConstantsBase<StrataPackConstantsPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<GroupOp> groups;
    getOperation().walk([&](GroupOp group) { groups.push_back(group); });
    for (GroupOp group : groups)
      packGroup(group);
  }

  /// The constant a body value holds: defined inside, or bound to a
  /// constant operand of the group.
  DenseElementsAttr constantOf(GroupOp group, Value value) {
    DenseElementsAttr attr;
    if (matchPattern(value, m_Constant(&attr)))
      return attr;
    auto arg = dyn_cast<BlockArgument>(value);
    if (!arg || arg.getOwner() != &group.getBodyBlock())
      return nullptr;
    if (matchPattern(group.getInputs()[arg.getArgNumber()], m_Constant(&attr)))
      return attr;
    return nullptr;
  }

  void packGroup(GroupOp group) {
    Block &body = group.getBodyBlock();
    SmallVector<linalg::TransposeOp> transposes;
    for (Operation &op : body)
      if (auto transpose = dyn_cast<linalg::TransposeOp>(op))
        if (transpose.hasPureTensorSemantics())
          transposes.push_back(transpose);
    for (linalg::TransposeOp transpose : transposes) {
      Value input = transpose.getInput();
      DenseElementsAttr value = constantOf(group, input);
      if (!value)
        continue;
      FailureOr<DenseElementsAttr> packed =
          transposeConstant(value, transpose.getPermutation(), maxElements);
      if (failed(packed)) {
        LLVM_DEBUG(llvm::dbgs()
                   << "not packed (too large): " << transpose << "\n");
        continue;
      }
      OpBuilder builder(group);
      Location loc = transpose.getLoc();
      Value replacement;
      if (packed->isSplat() || !isa<BlockArgument>(input)) {
        // Splats (cheap) and constants of the body stay in the body.
        builder.setInsertionPoint(transpose);
        replacement = arith::ConstantOp::create(builder, loc, *packed);
      } else {
        Value outside = arith::ConstantOp::create(builder, loc, *packed);
        group.getInputsMutable().append(outside);
        replacement = body.addArgument(outside.getType(), loc);
      }
      transpose->getResult(0).replaceAllUsesWith(replacement);
      transpose->erase();
      ++numPacked;
    }
    // Inputs nothing reads any more.
    for (int64_t i = static_cast<int64_t>(body.getNumArguments()) - 1; i >= 0;
         --i)
      if (body.getArgument(i).use_empty()) {
        body.eraseArgument(i);
        group.getInputsMutable().erase(i);
      }
  }
};
} // namespace
