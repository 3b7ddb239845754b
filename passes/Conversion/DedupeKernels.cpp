//===- DedupeKernels.cpp - Merge identical kernel functions ---------------===//
//
// Implements `strata-dedupe-kernels`.
//
//===----------------------------------------------------------------------===//

#include "passes/Conversion/Passes.h"

#include "dialects/Strata/IR/StrataDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/DenseMap.h"

namespace mlir::strata {
#define GEN_PASS_DEF_STRATADEDUPEKERNELS
#include "passes/Conversion/Passes.h.inc"
} // namespace mlir::strata

using namespace mlir;
using namespace mlir::strata;

namespace {

/// The attributes of `kernel` that must agree between merged kernels: all
/// but its name.
static DictionaryAttr getComparedAttrs(func::FuncOp kernel) {
  NamedAttrList attrs(kernel->getAttrDictionary());
  attrs.erase(SymbolTable::getSymbolAttrName());
  return attrs.getDictionary(kernel.getContext());
}

/// A hash that equal kernels share: their type, attributes and the names,
/// attributes and types of every op of the body in order.
static llvm::hash_code hashKernel(func::FuncOp kernel) {
  llvm::hash_code hash =
      llvm::hash_combine(kernel.getFunctionType(), getComparedAttrs(kernel));
  kernel.getBody().walk([&](Operation *op) {
    hash =
        llvm::hash_combine(hash, OperationEquivalence::computeHash(
                                     op, OperationEquivalence::ignoreHashValue,
                                     OperationEquivalence::ignoreHashValue,
                                     OperationEquivalence::IgnoreLocations));
  });
  return hash;
}

static bool areEquivalent(func::FuncOp a, func::FuncOp b) {
  return a.getFunctionType() == b.getFunctionType() &&
         getComparedAttrs(a) == getComparedAttrs(b) &&
         OperationEquivalence::isRegionEquivalentTo(
             &a.getBody(), &b.getBody(), OperationEquivalence::IgnoreLocations);
}

struct StrataDedupeKernelsPass final
    : mlir::strata::impl::StrataDedupeKernelsBase<StrataDedupeKernelsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    DenseMap<llvm::hash_code, SmallVector<func::FuncOp, 1>> kept;
    SmallVector<std::pair<func::FuncOp, func::FuncOp>> merges;
    for (func::FuncOp kernel : module.getOps<func::FuncOp>()) {
      // Only private kernels: a public function may be called from outside.
      if (!kernel->hasAttr(StrataDialect::getKernelAttrName()) ||
          kernel.isDeclaration() || kernel.isPublic())
        continue;
      SmallVector<func::FuncOp, 1> &bucket = kept[hashKernel(kernel)];
      auto same = llvm::find_if(bucket, [&](func::FuncOp other) {
        return areEquivalent(other, kernel);
      });
      if (same != bucket.end())
        merges.emplace_back(kernel, *same);
      else
        bucket.push_back(kernel);
    }
    for (auto [duplicate, original] : merges) {
      if (failed(SymbolTable::replaceAllSymbolUses(
              duplicate, original.getSymNameAttr(), module))) {
        duplicate.emitError() << "cannot redirect the calls of this kernel";
        return signalPassFailure();
      }
      duplicate.erase();
      ++numMerged;
    }
  }
};

} // namespace
