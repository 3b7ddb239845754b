//===- LowerIndexChecks.cpp - strata.check_index to linalg + a report -----===//
//
// Implements `strata-lower-index-checks` (see Passes.td).
//
//===----------------------------------------------------------------------===//

#include "passes/Conversion/Passes.h"

#include "dialects/Strata/IR/StrataDialect.h"
#include "dialects/Strata/IR/StrataOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/Support/Debug.h"

#define DEBUG_TYPE "strata-lower-index-checks"

namespace mlir::strata {
#define GEN_PASS_DEF_STRATALOWERINDEXCHECKS
#include "passes/Conversion/Passes.h.inc"
} // namespace mlir::strata

using namespace mlir;
using namespace mlir::strata;

/// The runtime hook's name; lib/Runtime defines it for the JIT.
static constexpr StringLiteral kHookName = "strata_index_error";

namespace {
struct StrataLowerIndexChecksPass final
    : strata::impl::StrataLowerIndexChecksBase<StrataLowerIndexChecksPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<CheckIndexOp> checks;
    module.walk([&](CheckIndexOp op) { checks.push_back(op); });
    if (checks.empty())
      return;

    // Site names, numbered in walk order (deterministic).
    llvm::MapVector<StringRef, int64_t> sites;
    for (CheckIndexOp op : checks)
      sites.insert({op.getSite(), static_cast<int64_t>(sites.size())});
    Builder b(&getContext());
    if (report) {
      SmallVector<Attribute> names;
      for (auto &entry : sites)
        names.push_back(b.getStringAttr(entry.first));
      module->setAttr(StrataDialect::getIndexCheckSitesAttrName(),
                      b.getArrayAttr(names));
      declareHook(module);
    }

    IRRewriter rewriter(&getContext());
    for (CheckIndexOp op : checks) {
      LLVM_DEBUG(llvm::dbgs()
                 << "strata-lower-index-checks: site #"
                 << sites.lookup(op.getSite()) << " '" << op.getSite()
                 << "', bound " << op.getBound()
                 << (report ? ", reported" : ", substituted") << "\n");
      lower(rewriter, op, sites.lookup(op.getSite()));
      ++numChecks;
    }
  }

  void declareHook(ModuleOp module) {
    if (module.lookupSymbol(kHookName))
      return;
    OpBuilder b = OpBuilder::atBlockBegin(module.getBody());
    Type i64 = b.getI64Type();
    auto hook = func::FuncOp::create(b, module.getLoc(), kHookName,
                                     b.getFunctionType({i64, i64, i64}, {}));
    hook.setPrivate();
  }

  void lower(IRRewriter &rewriter, CheckIndexOp op, int64_t site) {
    rewriter.setInsertionPoint(op);
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    Type elementType = type.getElementType();
    Value init =
        tensor::EmptyOp::create(rewriter, loc, type.getShape(), elementType);
    AffineMap identity = rewriter.getMultiDimIdentityMap(type.getRank());
    SmallVector<utils::IteratorType> iterators(type.getRank(),
                                               utils::IteratorType::parallel);
    int64_t bound = op.getBound();
    bool withReport = report;
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{op.getIndices()},
        ValueRange{init}, ArrayRef<AffineMap>{identity, identity}, iterators,
        [&](OpBuilder &b, Location loc, ValueRange args) {
          Value index = args[0];
          auto constant = [&](int64_t v) -> Value {
            return arith::ConstantOp::create(b, loc,
                                             b.getIntegerAttr(elementType, v));
          };
          Value zero = constant(0), size = constant(bound);
          Value negative = arith::CmpIOp::create(
              b, loc, arith::CmpIPredicate::slt, index, zero);
          Value shifted = arith::AddIOp::create(b, loc, index, size);
          Value wrapped =
              arith::SelectOp::create(b, loc, negative, shifted, index);
          Value aboveZero = arith::CmpIOp::create(
              b, loc, arith::CmpIPredicate::sge, wrapped, zero);
          Value belowSize = arith::CmpIOp::create(
              b, loc, arith::CmpIPredicate::slt, wrapped, size);
          Value ok = arith::AndIOp::create(b, loc, aboveZero, belowSize);
          if (withReport) {
            Value bad = arith::XOrIOp::create(
                b, loc, ok,
                arith::ConstantOp::create(b, loc, b.getBoolAttr(true)));
            auto ifOp = scf::IfOp::create(b, loc, bad, /*withElse=*/false);
            OpBuilder then = ifOp.getThenBodyBuilder();
            Type i64 = then.getI64Type();
            Value original = index;
            if (elementType.getIntOrFloatBitWidth() < 64)
              original = arith::ExtSIOp::create(then, loc, i64, index);
            Value siteValue = arith::ConstantOp::create(
                then, loc, then.getI64IntegerAttr(site));
            Value boundValue = arith::ConstantOp::create(
                then, loc, then.getI64IntegerAttr(bound));
            func::CallOp::create(then, loc, kHookName, TypeRange{},
                                 ValueRange{siteValue, original, boundValue});
          }
          Value result = arith::SelectOp::create(b, loc, ok, wrapped, zero);
          linalg::YieldOp::create(b, loc, result);
        });
    rewriter.replaceOp(op, generic.getResults());
  }
};
} // namespace
