//===- FuseKernelBodies.cpp - One loop nest per kernel --------------------===//
//
// Implements `strata-fuse-kernel-bodies`: elementwise fusion inside kernel
// functions (recomputing a producer for each consumer rather than
// materializing it) and tile-and-fuse of matmul/convolution epilogues.
//
//===----------------------------------------------------------------------===//

#include "passes/Conversion/Passes.h"
#include "strata/Support/GroupedConv.h"

#include "dialects/Strata/IR/StrataDialect.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/SmallPtrSet.h"

#define DEBUG_TYPE "strata-fuse-kernel-bodies"

namespace mlir::strata {
#define GEN_PASS_DEF_STRATAFUSEKERNELBODIES
#include "passes/Conversion/Passes.h.inc"
} // namespace mlir::strata

using namespace mlir;
using namespace mlir::strata;

static bool isContraction(Operation *op) {
  auto linalgOp = dyn_cast_or_null<linalg::LinalgOp>(op);
  return linalgOp && (linalg::isaContractionOpInterface(linalgOp) ||
                      isaConvolution(linalgOp));
}

/// An epilogue root: an all-parallel linalg op, not itself a contraction,
/// that reads the result of a contraction.
static bool isEpilogueRoot(linalg::LinalgOp op) {
  if (isContraction(op) || op.getNumLoops() == 0 ||
      op.getNumLoops() != op.getNumParallelLoops() ||
      !op.hasPureTensorSemantics())
    return false;
  return llvm::any_of(op.getDpsInputs(),
                      [](Value v) { return isContraction(v.getDefiningOp()); });
}

/// Tile sizes for `root`: innermost loops whole while the tile stays within
/// `budget` elements, the next one tiled by its largest divisor that fits,
/// the rest by 1. Empty when the whole op fits (nothing to gain).
static SmallVector<int64_t> chooseTileSizes(linalg::LinalgOp root,
                                            int64_t budget) {
  SmallVector<int64_t> ranges = root.getStaticLoopRanges();
  if (llvm::any_of(ranges, ShapedType::isDynamic))
    return {};
  SmallVector<int64_t> sizes(ranges.size(), 1);
  int64_t product = 1;
  for (int64_t i = ranges.size() - 1; i >= 0; --i) {
    if (product * ranges[i] <= budget) {
      sizes[i] = 0; // Whole.
      product *= ranges[i];
      continue;
    }
    for (int64_t d = std::max<int64_t>(budget / product, 1); d >= 1; --d)
      if (ranges[i] % d == 0) {
        sizes[i] = d;
        break;
      }
    return sizes;
  }
  return {};
}

namespace {
struct StrataFuseKernelBodiesPass final
    : strata::impl::StrataFuseKernelBodiesBase<StrataFuseKernelBodiesPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (!func->hasAttr(StrataDialect::getKernelAttrName()) || func.isExternal())
      return;
    if (tileElements < 1) {
      func.emitError("strata-fuse-kernel-bodies: tile-elements must be at "
                     "least 1");
      return signalPassFailure();
    }
    if (failed(fuseElementwise(func)))
      return signalPassFailure();

    SmallVector<linalg::LinalgOp> roots;
    func.walk([&](linalg::LinalgOp op) {
      if (tileEpilogues && isEpilogueRoot(op))
        roots.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp root : llvm::reverse(roots))
      if (succeeded(fuseIntoEpilogue(rewriter, root)))
        ++numEpilogues;

    // The untiled originals and their slices are dead now (the greedy
    // driver erases dead ops); a tile's destination becomes a tile-sized
    // empty tensor, so the tile buffer is all the kernel allocates.
    RewritePatternSet cleanup(&getContext());
    tensor::populateFoldTensorEmptyPatterns(cleanup);
    if (failed(applyPatternsGreedily(func, std::move(cleanup))))
      return signalPassFailure();
  }

  /// Fuses elementwise producers into consumers; a producer the kernel
  /// returns stays (it is written anyway).
  LogicalResult fuseElementwise(func::FuncOp func) {
    RewritePatternSet patterns(&getContext());
    linalg::ControlFusionFn control = [](OpOperand *fused) {
      Operation *producer = fused->get().getDefiningOp();
      return producer && llvm::none_of(producer->getUsers(), [](Operation *u) {
               return isa<func::ReturnOp>(u);
             });
    };
    linalg::populateElementwiseOpsFusionPatterns(patterns, control);
    linalg::GenericOp::getCanonicalizationPatterns(patterns, &getContext());
    return applyPatternsGreedily(func, std::move(patterns));
  }

  LogicalResult fuseIntoEpilogue(RewriterBase &rewriter,
                                 linalg::LinalgOp root) {
    SmallVector<int64_t> sizes = chooseTileSizes(root, tileElements);
    if (sizes.empty())
      return failure();
    scf::SCFTilingOptions tiling;
    tiling.setTileSizes(getAsIndexOpFoldResult(&getContext(), sizes));
    scf::SCFTileAndFuseOptions options;
    options.setTilingOptions(tiling);
    Operation *rootOp = root;
    // The ops the tile loop replaces: the root and the linalg ops it reads
    // through (contraction, fill, bias broadcast, ...).
    llvm::SmallPtrSet<Operation *, 8> chain;
    SmallVector<Operation *> worklist = {rootOp};
    while (!worklist.empty()) {
      Operation *op = worklist.pop_back_val();
      if (!chain.insert(op).second)
        continue;
      for (Value operand : op->getOperands())
        if (auto producer = operand.getDefiningOp<linalg::LinalgOp>())
          worklist.push_back(producer);
    }
    options.setFusionControlFn(
        [rootOp, &chain](tensor::ExtractSliceOp slice, OpResult producer, bool)
            -> std::optional<scf::SCFTileAndFuseOptions::ControlFnResult> {
          if (!isa<linalg::LinalgOp>(producer.getOwner()))
            return std::nullopt;
          Operation *outer = slice;
          while (auto loop = outer->getParentOfType<scf::ForOp>())
            outer = loop;
          scf::SCFTileAndFuseOptions::ControlFnResult result;
          Block *block = rootOp->getBlock();
          for (Operation *user : producer.getUsers()) {
            if (chain.contains(user) || outer->isAncestor(user))
              continue;
            // Needed outside the loop too: the loop yields the tiles, which
            // only users after it can read; otherwise keep the original.
            Operation *top = block->findAncestorOpInBlock(*user);
            if (!top || !outer->isBeforeInBlock(top))
              return std::nullopt;
            result.yieldProducerReplacement = true;
          }
          return result;
        });
    rewriter.setInsertionPoint(root);
    FailureOr<scf::SCFTileAndFuseResult> result =
        scf::tileConsumerAndFuseProducersUsingSCF(
            rewriter, cast<TilingInterface>(rootOp), options);
    if (failed(result))
      return failure();
    Operation *outer = result->loops.front();
    for (auto [original, replacement] : result->replacements)
      rewriter.replaceUsesWithIf(original, replacement, [&](OpOperand &use) {
        return !outer->isAncestor(use.getOwner());
      });
    return success();
  }
};
} // namespace
