//===- TierArenas.cpp - Lower a tier plan to arenas and views -------------===//
//
// The CPU lowering of a strata-map-memory plan. Bufferization turns each
// strata.prefetch / strata.evict into a fresh buffer (tagged with its
// placement) and a copy; strata-materialize-arenas then allocates one arena
// per tier at the start of the function, of the size in `strata.arenas`,
// and replaces every placed buffer (kernel outputs, copy destinations) by a
// memref.view of its tier's arena at its planned offset.
//
//===----------------------------------------------------------------------===//

#include "passes/Conversion/Passes.h"

#include "dialects/Strata/IR/StrataAttrs.h"
#include "dialects/Strata/IR/StrataDialect.h"
#include "dialects/Strata/IR/StrataOps.h"

#include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"

namespace mlir::strata {
#define GEN_PASS_DEF_STRATAMATERIALIZEARENAS
#include "passes/Conversion/Passes.h.inc"
} // namespace mlir::strata

using namespace mlir;
using namespace mlir::strata;

namespace {

/// A copy between tiers bufferizes to a new buffer, tagged with the copy's
/// placement, filled by a memref.copy from the source's buffer.
template <typename CopyOpT>
struct CopyOpBufferization
    : public bufferization::BufferizableOpInterface::ExternalModel<
          CopyOpBufferization<CopyOpT>, CopyOpT> {
  bool bufferizesToMemoryRead(Operation *, OpOperand &,
                              const bufferization::AnalysisState &) const {
    return true;
  }
  bool bufferizesToMemoryWrite(Operation *, OpOperand &,
                               const bufferization::AnalysisState &) const {
    return false;
  }
  bufferization::AliasingValueList
  getAliasingValues(Operation *, OpOperand &,
                    const bufferization::AnalysisState &) const {
    return {};
  }
  bool bufferizesToAllocation(Operation *, Value) const { return true; }

  FailureOr<bufferization::BufferLikeType> getBufferType(
      Operation *op, Value value, const bufferization::BufferizationOptions &,
      const bufferization::BufferizationState &, SmallVector<Value> &) const {
    auto type = cast<RankedTensorType>(value.getType());
    return cast<bufferization::BufferLikeType>(
        MemRefType::get(type.getShape(), type.getElementType()));
  }

  LogicalResult bufferize(Operation *op, RewriterBase &rewriter,
                          const bufferization::BufferizationOptions &options,
                          bufferization::BufferizationState &state) const {
    auto copy = cast<CopyOpT>(op);
    FailureOr<Value> source =
        bufferization::getBuffer(rewriter, copy.getSource(), options, state);
    if (failed(source))
      return failure();
    auto type = cast<RankedTensorType>(copy.getType());
    rewriter.setInsertionPoint(op);
    auto alloc = memref::AllocOp::create(
        rewriter, op->getLoc(),
        MemRefType::get(type.getShape(), type.getElementType()));
    alloc->setAttr(StrataDialect::getPlacementAttrName(),
                   rewriter.getArrayAttr({copy.getPlacement()}));
    if (failed(options.createMemCpy(rewriter, op->getLoc(), *source, alloc)))
      return failure();
    bufferization::replaceOpWithBufferizedValues(rewriter, op,
                                                 alloc.getResult());
    return success();
  }
};

struct StrataMaterializeArenasPass final
    : strata::impl::StrataMaterializeArenasBase<StrataMaterializeArenasPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    for (auto func : module.getOps<func::FuncOp>())
      if (failed(lower(func, symbols)))
        return signalPassFailure();
  }

  LogicalResult lower(func::FuncOp func, SymbolTable &symbols) {
    auto arenas =
        func->getAttrOfType<DictionaryAttr>(StrataDialect::getArenasAttrName());
    if (!arenas || func.isExternal())
      return success();
    // The placed buffers: tagged copy destinations, and the out-parameters
    // that calls to placed kernels write.
    SmallVector<std::pair<memref::AllocOp, PlacementAttr>> placed;
    llvm::SmallPtrSet<Operation *, 16> seen;
    WalkResult walk = func.walk([&](Operation *op) {
      if (auto alloc = dyn_cast<memref::AllocOp>(op)) {
        if (auto tags = alloc->getAttrOfType<ArrayAttr>(
                StrataDialect::getPlacementAttrName()))
          if (seen.insert(alloc).second)
            placed.push_back({alloc, cast<PlacementAttr>(tags[0])});
        return WalkResult::advance();
      }
      auto call = dyn_cast<func::CallOp>(op);
      if (!call)
        return WalkResult::advance();
      auto callee = symbols.lookup<func::FuncOp>(call.getCallee());
      auto placements = callee
                            ? callee->getAttrOfType<ArrayAttr>(
                                  StrataDialect::getResultPlacementAttrName())
                            : ArrayAttr();
      if (!placements)
        return WalkResult::advance();
      if (call.getNumResults() != 0 ||
          call.getNumOperands() < placements.size()) {
        call.emitError("strata-materialize-arenas: a placed kernel must "
                       "write its results to out-parameters (run after "
                       "buffer-results-to-out-params)");
        return WalkResult::interrupt();
      }
      unsigned first = call.getNumOperands() - placements.size();
      for (auto [k, placement] : llvm::enumerate(placements)) {
        Value out = call.getOperand(first + k);
        auto alloc = out.getDefiningOp<memref::AllocOp>();
        if (!alloc) {
          call.emitError() << "strata-materialize-arenas: output #" << k
                           << " of a placed kernel is not a buffer of its "
                              "own, so it cannot be put in an arena";
          return WalkResult::interrupt();
        }
        if (seen.insert(alloc).second)
          placed.push_back({alloc, cast<PlacementAttr>(placement)});
      }
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return failure();

    // One arena per tier, aligned for every offset planned in it.
    MLIRContext *context = func.getContext();
    int64_t alignment = kArenaAlignment;
    for (auto [alloc, placement] : placed)
      alignment = std::max(alignment, placement.getAlignment());
    OpBuilder builder = OpBuilder::atBlockBegin(&func.getBody().front());
    llvm::StringMap<std::pair<Value, int64_t>> arenaOf;
    for (NamedAttribute entry : arenas) {
      int64_t bytes = cast<IntegerAttr>(entry.getValue()).getInt();
      if (bytes == 0)
        continue;
      auto alloc = memref::AllocOp::create(
          builder, func.getLoc(),
          MemRefType::get({bytes}, IntegerType::get(context, 8)),
          builder.getI64IntegerAttr(alignment));
      arenaOf[entry.getName().getValue()] = {alloc.getResult(), bytes};
      ++numArenas;
    }

    for (auto [alloc, placement] : placed) {
      auto it = arenaOf.find(placement.getTier());
      MemRefType type = alloc.getType();
      int64_t bytes = type.hasStaticShape() && type.getLayout().isIdentity()
                          ? type.getNumElements() *
                                ((type.getElementTypeBitWidth() + 7) / 8)
                          : -1;
      if (bytes < 0)
        return alloc.emitError("strata-materialize-arenas: a placed buffer "
                               "needs a static shape and identity layout");
      if (it == arenaOf.end() ||
          placement.getOffset() + bytes > it->second.second)
        return alloc.emitError()
               << "strata-materialize-arenas: [" << placement.getOffset()
               << ", " << placement.getOffset() + bytes << ") is outside the '"
               << placement.getTier() << "' arena ("
               << (it == arenaOf.end() ? 0 : it->second.second) << " B)";
      builder.setInsertionPoint(alloc);
      Value offset = arith::ConstantIndexOp::create(builder, alloc.getLoc(),
                                                    placement.getOffset());
      auto view =
          memref::ViewOp::create(builder, alloc.getLoc(), type,
                                 it->second.first, offset, ValueRange{});
      alloc.replaceAllUsesWith(view.getResult());
      alloc.erase();
      ++numViews;
    }
    return success();
  }

  /// Arenas are aligned at least like the plans' default offsets.
  static constexpr int64_t kArenaAlignment = 64;
};

} // namespace

void mlir::strata::registerTierCopyBufferization(DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *context, StrataDialect *) {
    PrefetchOp::attachInterface<CopyOpBufferization<PrefetchOp>>(*context);
    EvictOp::attachInterface<CopyOpBufferization<EvictOp>>(*context);
  });
}
