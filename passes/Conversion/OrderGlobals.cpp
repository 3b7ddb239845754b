//===- OrderGlobals.cpp - Deterministic names and order of constants ------===//
//
// Implements `strata-order-globals` (see Passes.td for why).
//
//===----------------------------------------------------------------------===//

#include "passes/Conversion/Passes.h"

#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Debug.h"

#define DEBUG_TYPE "strata-order-globals"

namespace mlir::strata {
#define GEN_PASS_DEF_STRATAORDERGLOBALS
#include "passes/Conversion/Passes.h.inc"
} // namespace mlir::strata

using namespace mlir;

/// The globals one-shot bufferization makes for tensor constants.
static bool isBufferizationConstant(memref::GlobalOp global) {
  return global.isPrivate() && global.getConstant() &&
         global.getInitialValue() &&
         global.getSymName().starts_with("__constant_");
}

/// `__constant_` and the memref's shape and element type, as bufferization
/// spells it: `__constant_2x3xf32`.
static std::string getBaseName(memref::GlobalOp global) {
  std::string name = "__constant_";
  llvm::raw_string_ostream os(name);
  MemRefType type = global.getType();
  for (int64_t d : type.getShape())
    os << d << "x";
  os << type.getElementType();
  return name;
}

namespace {
struct StrataOrderGlobalsPass final
    : strata::impl::StrataOrderGlobalsBase<StrataOrderGlobalsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    llvm::StringMap<memref::GlobalOp> constants;
    for (auto global : module.getOps<memref::GlobalOp>())
      if (isBufferizationConstant(global))
        constants[global.getSymName()] = global;
    if (constants.empty())
      return;

    // First uses, in the (deterministic) order of a walk.
    llvm::MapVector<Operation *, SmallVector<memref::GetGlobalOp>> uses;
    module.walk([&](memref::GetGlobalOp get) {
      auto it = constants.find(get.getName());
      if (it != constants.end())
        uses[it->second].push_back(get);
    });

    // Unused constants go (they are private).
    for (auto &entry : constants)
      if (!uses.count(entry.second)) {
        entry.second.erase();
        ++numErased;
      }

    // Names other symbols hold, which the new names must avoid.
    llvm::StringSet<> taken;
    for (Operation &op : module.getBody()->getOperations())
      if (auto name =
              op.getAttrOfType<StringAttr>(SymbolTable::getSymbolAttrName()))
        if (!constants.count(name.getValue()))
          taken.insert(name.getValue());

    llvm::StringMap<unsigned> suffixes;
    Operation *insertBefore = &module.getBody()->front();
    for (auto &[op, gets] : uses) {
      auto global = cast<memref::GlobalOp>(op);
      std::string base = getBaseName(global);
      std::string name = base;
      while (taken.contains(name))
        name = base + "_" + std::to_string(suffixes[base]++);
      taken.insert(name);
      LLVM_DEBUG(llvm::dbgs()
                 << "strata-order-globals: @" << global.getSymName() << " -> @"
                 << name << "\n");
      global.setSymName(name);
      auto ref = FlatSymbolRefAttr::get(&getContext(), name);
      for (memref::GetGlobalOp get : gets)
        get.setNameAttr(ref);
      if (op != insertBefore)
        op->moveBefore(insertBefore);
      else
        insertBefore = op->getNextNode();
      ++numGlobals;
    }
  }
};
} // namespace
