//===- TileKernels.cpp - Tile, fuse and vectorize planned kernels ---------===//
//
// Implements `strata-tile-kernels`: honours each op's `#strata.lowering`
// plan on tensors. Outer tiles (scf.forall) hold the whole chain (initial
// value, contraction, epilogue); register tiles inside hold the
// accumulator; reduction loops run innermost; remainders are peeled; then
// every structured op is vectorized.
//
//===----------------------------------------------------------------------===//

#include "passes/Codegen/Passes.h"

#include "dialects/Strata/IR/StrataAttrs.h"
#include "dialects/Strata/IR/StrataDialect.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Transforms/Patterns.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Utils/AffineCanonicalizationUtils.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "strata/Support/GroupedConv.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/Support/Debug.h"

#define DEBUG_TYPE "strata-tile-kernels"

namespace mlir::strata {
#define GEN_PASS_DEF_STRATATILEKERNELS
#include "passes/Codegen/Passes.h.inc"
} // namespace mlir::strata

using namespace mlir;
using namespace mlir::strata;

/// Marks the loops register tiling creates: the ones peeling looks at.
static constexpr StringLiteral kTileLoopAttr = "strata.tile_loop";
/// Marks a loop that is a peeled remainder (or was already peeled).
static constexpr StringLiteral kPeeledAttr = "strata.peeled";

static bool isAllParallel(linalg::LinalgOp op) {
  return op.getNumLoops() > 0 && op.getNumLoops() == op.getNumParallelLoops();
}

/// The epilogue of `op`: the chain of all-parallel linalg ops that read its
/// result as their only tensor of that shape, each the only user of the
/// previous one; returns the last (or `op` itself).
static linalg::LinalgOp findAnchor(linalg::LinalgOp op) {
  linalg::LinalgOp anchor = op;
  while (anchor->getNumResults() == 1 && anchor->getResult(0).hasOneUse()) {
    auto user = dyn_cast<linalg::LinalgOp>(*anchor->getResult(0).user_begin());
    if (!user || !isAllParallel(user) || !user.hasPureTensorSemantics() ||
        user->getNumResults() != 1 ||
        user->getResult(0).getType() != anchor->getResult(0).getType() ||
        user->getBlock() != op->getBlock())
      break;
    // The anchor's iteration space must be the output's, element for
    // element, so the plan's tile sizes carry over.
    OpOperand *read = nullptr;
    for (OpOperand *input : user.getDpsInputOperands())
      if (input->get() == anchor->getResult(0))
        read = input;
    if (!read || !user.getMatchingIndexingMap(read).isIdentity())
      break;
    anchor = user;
  }
  return anchor;
}

/// The plan's sizes of the parallel loops, by output dimension (the
/// anchor's loops).
static SmallVector<int64_t> sizesByOutputDim(linalg::LinalgOp op,
                                             ArrayRef<int64_t> sizes) {
  AffineMap map = op.getIndexingMapMatchingResult(op->getResult(0));
  SmallVector<int64_t> result;
  for (AffineExpr expr : map.getResults())
    result.push_back(sizes[cast<AffineDimExpr>(expr).getPosition()]);
  return result;
}

/// The plan's order restricted to the parallel loops, by output dimension.
static SmallVector<int64_t> parallelOrderByOutputDim(linalg::LinalgOp op,
                                                     ArrayRef<int64_t> order) {
  AffineMap map = op.getIndexingMapMatchingResult(op->getResult(0));
  SmallVector<int64_t> dimOfLoop(op.getNumLoops(), -1);
  for (auto [dim, expr] : llvm::enumerate(map.getResults()))
    dimOfLoop[cast<AffineDimExpr>(expr).getPosition()] = dim;
  SmallVector<int64_t> result;
  for (int64_t loop : order)
    if (dimOfLoop[loop] >= 0)
      result.push_back(dimOfLoop[loop]);
  return result;
}

/// The plan's sizes of the parallel loops as tile sizes of `root`: the
/// planned op itself (its reduction loops untiled) or its epilogue, whose
/// loops are the output's dimensions.
static SmallVector<int64_t> rootSizes(linalg::LinalgOp planned,
                                      linalg::LinalgOp root,
                                      ArrayRef<int64_t> sizes) {
  if (root != planned)
    return sizesByOutputDim(planned, sizes);
  SmallVector<int64_t> result(sizes);
  for (auto [size, iterator] :
       llvm::zip_equal(result, planned.getIteratorTypesArray()))
    if (iterator == utils::IteratorType::reduction)
      size = 0;
  return result;
}

/// The plan's loop order as an interchange of `root`'s loops.
static SmallVector<int64_t> rootOrder(linalg::LinalgOp planned,
                                      linalg::LinalgOp root,
                                      ArrayRef<int64_t> order) {
  if (root != planned)
    return parallelOrderByOutputDim(planned, order);
  return SmallVector<int64_t>(order);
}

/// Whether `op` reads, through a chain of linalg ops, the result of
/// `planned` (i.e. `op` is part of `planned`'s epilogue).
static bool findAnchorChainContains(Operation *op, Operation *planned) {
  for (Value operand : op->getOperands()) {
    Operation *producer = operand.getDefiningOp();
    if (producer == planned)
      return true;
    if (isa_and_nonnull<linalg::LinalgOp>(producer) &&
        producer->getBlock() == op->getBlock() &&
        findAnchorChainContains(producer, planned))
      return true;
  }
  return false;
}

/// Whether `op` is a pooling (max, min or sum over a window).
static bool isPooling(linalg::LinalgOp op) {
  return isa<linalg::PoolingNhwcMaxOp, linalg::PoolingNhwcMinOp,
             linalg::PoolingNhwcSumOp, linalg::PoolingNhwcMaxUnsignedOp,
             linalg::PoolingNhwcMinUnsignedOp>(op.getOperation());
}

/// Tiles `root` by `sizes` (interchanged by `interchange`) and fuses every
/// linalg producer in its block that feeds it; returns the tiled root and
/// the tiled copy of `planned` (nullptr if it was not fused).
static FailureOr<std::pair<Operation *, Operation *>>
tileAndFuse(RewriterBase &rewriter, linalg::LinalgOp root, Operation *planned,
            ArrayRef<int64_t> sizes, ArrayRef<int64_t> interchange, bool forall,
            bool fusePads = false) {
  scf::SCFTilingOptions tiling;
  tiling.setTileSizes(getAsIndexOpFoldResult(rewriter.getContext(), sizes));
  tiling.setInterchange(interchange);
  if (forall)
    tiling.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
  scf::SCFTileAndFuseOptions options;
  options.setTilingOptions(tiling);
  // Fuse the chain from `planned` to the root and the initial values
  // (fill, bias broadcast) of each: their tiles are disjoint, so nothing is
  // computed twice. Other producers (a filter's transpose, a residual) are
  // computed whole before the loops; a tile of them would be recomputed
  // by every tile that reads it.
  Operation *rootOp = root;
  llvm::SmallPtrSet<Operation *, 8> chain;
  for (Operation *op = rootOp; op;) {
    chain.insert(op);
    auto linalgOp = cast<linalg::LinalgOp>(op);
    for (OpOperand &init : linalgOp.getDpsInitsMutable())
      if (auto producer = init.get().getDefiningOp<linalg::LinalgOp>())
        chain.insert(producer);
    if (op == planned) {
      // A pooling's padded input is padded tile by tile: each outer tile
      // pads the window it reads, which stays in cache, instead of the
      // whole input being copied into a padded buffer before the tiles
      // (inception_v2's 13 pools at 2 threads: 1.9 -> 0.86 ms). Not for
      // convolutions: windows of neighbouring tiles overlap, and copying
      // them tile by tile cost more than it saved (shufflenet's depthwise
      // convolutions, 1 thread: 5.1 -> 6.8 ms).
      if (fusePads && isPooling(linalgOp))
        for (OpOperand *input : linalgOp.getDpsInputOperands())
          if (auto pad = input->get().getDefiningOp<tensor::PadOp>())
            if (pad->hasOneUse())
              chain.insert(pad);
      break;
    }
    Operation *next = nullptr;
    for (OpOperand *input : linalgOp.getDpsInputOperands())
      if (auto producer = input->get().getDefiningOp<linalg::LinalgOp>())
        if (producer == planned || findAnchorChainContains(producer, planned))
          next = producer;
    op = next;
  }
  options.setFusionControlFn(
      [&](tensor::ExtractSliceOp, OpResult producer,
          bool) -> std::optional<scf::SCFTileAndFuseOptions::ControlFnResult> {
        if (!chain.contains(producer.getOwner()))
          return std::nullopt;
        // A fused op that is also read elsewhere keeps its untiled
        // original for those readers (yielding its tiles instead would
        // carry a second tile buffer through every loop).
        return scf::SCFTileAndFuseOptions::ControlFnResult();
      });
  rewriter.setInsertionPoint(root);
  FailureOr<scf::SCFTileAndFuseResult> result =
      scf::tileConsumerAndFuseProducersUsingSCF(
          rewriter, cast<TilingInterface>(rootOp), options);
  if (failed(result))
    return failure();
  Operation *tiledPlanned = nullptr;
  Operation *tiledRoot = result->tiledAndFusedOps.front();
  for (Operation *op : result->tiledAndFusedOps)
    if (op->getName() == planned->getName() &&
        op->getAttr(StrataDialect::getLoweringAttrName()) ==
            planned->getAttr(StrataDialect::getLoweringAttrName()))
      tiledPlanned = op;
  if (!result->loops.empty()) {
    Operation *outer = result->loops.front();
    for (auto [original, replacement] : result->replacements)
      rewriter.replaceUsesWithIf(original, replacement, [&](OpOperand &use) {
        return !outer->isAncestor(use.getOwner());
      });
    for (LoopLikeOpInterface loop : result->loops)
      if (!forall)
        loop->setAttr(kTileLoopAttr, rewriter.getUnitAttr());
  }
  return std::make_pair(tiledRoot, tiledPlanned);
}

/// Tiles `op` by `sizes` (0: untiled), its loops nested as `interchange`
/// says, as scf.for loops marked for peeling (or one scf.forall), and
/// replaces it; returns the tiled op.
static FailureOr<Operation *> tileOp(RewriterBase &rewriter, Operation *op,
                                     ArrayRef<int64_t> sizes,
                                     ArrayRef<int64_t> interchange = {},
                                     bool forall = false) {
  scf::SCFTilingOptions tiling;
  tiling.setTileSizes(getAsIndexOpFoldResult(rewriter.getContext(), sizes));
  tiling.setInterchange(interchange);
  if (forall)
    tiling.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
  rewriter.setInsertionPoint(op);
  FailureOr<scf::SCFTilingResult> result =
      scf::tileUsingSCF(rewriter, cast<TilingInterface>(op), tiling);
  if (failed(result))
    return failure();
  rewriter.replaceOp(op, result->replacements);
  if (!forall)
    for (LoopLikeOpInterface loop : result->loops)
      loop->setAttr(kTileLoopAttr, rewriter.getUnitAttr());
  return result->tiledOps.front();
}

/// The loops of `op` with the parallel ones first (in the op's order) and
/// the reductions after them in the plan's `order`.
static SmallVector<int64_t> parallelThenReductions(linalg::LinalgOp op,
                                                   ArrayRef<int64_t> order) {
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  SmallVector<int64_t> interchange;
  for (auto [i, iterator] : llvm::enumerate(iterators))
    if (iterator == utils::IteratorType::parallel)
      interchange.push_back(i);
  for (int64_t loop : order)
    if (iterators[loop] == utils::IteratorType::reduction)
      interchange.push_back(loop);
  return interchange;
}

/// `sizes` with every parallel loop's entry 0: the op's reduction tiles.
static SmallVector<int64_t> reductionSizes(linalg::LinalgOp op,
                                           ArrayRef<int64_t> sizes) {
  SmallVector<int64_t> result(sizes);
  for (auto [size, iterator] :
       llvm::zip_equal(result, op.getIteratorTypesArray()))
    if (iterator == utils::IteratorType::parallel)
      size = 0;
  return result;
}

/// Tiles the reduction loops of `op` by `sizes`, nested in `order`.
static LogicalResult tileReductions(RewriterBase &rewriter, linalg::LinalgOp op,
                                    ArrayRef<int64_t> sizes,
                                    ArrayRef<int64_t> order) {
  SmallVector<int64_t> tileSizes = reductionSizes(op, sizes);
  if (llvm::all_of(tileSizes, [](int64_t size) { return size == 0; }))
    return success();
  return tileOp(rewriter, op, tileSizes, parallelThenReductions(op, order));
}

/// Whether a loop's trip count is static and its step divides it.
static bool divides(scf::ForOp loop) {
  std::optional<int64_t> lb = getConstantIntValue(loop.getLowerBound());
  std::optional<int64_t> ub = getConstantIntValue(loop.getUpperBound());
  std::optional<int64_t> step = getConstantIntValue(loop.getStep());
  return lb && ub && step && (*ub - *lb) % *step == 0;
}

/// Splits `forall` along each dimension in `dims` whose step does not
/// divide its range into a loop over the full tiles and, after it, a loop
/// over the last, partial tile (which writes into the first loop's
/// results). The tile sizes in the full loop become the step, so register
/// tiles along that dimension have static shapes; the partial loop has one
/// iteration along it, which canonicalization folds. (Along the other
/// dimensions a partial tile is only a shorter loop of register tiles.)
/// Returns the number of splits.
static int64_t peelForall(RewriterBase &rewriter, scf::ForallOp forall,
                          ArrayRef<bool> dims) {
  SmallVector<scf::ForallOp> worklist = {forall};
  int64_t splits = 0;
  while (!worklist.empty()) {
    scf::ForallOp loop = worklist.pop_back_val();
    std::optional<SmallVector<OpFoldResult>> lbs = loop.getLoopLowerBounds();
    std::optional<SmallVector<OpFoldResult>> ubs = loop.getLoopUpperBounds();
    std::optional<SmallVector<OpFoldResult>> steps = loop.getLoopSteps();
    if (!lbs || !ubs || !steps)
      continue;
    std::optional<SmallVector<int64_t>> lb = getConstantIntValues(*lbs);
    std::optional<SmallVector<int64_t>> ub = getConstantIntValues(*ubs);
    std::optional<SmallVector<int64_t>> step = getConstantIntValues(*steps);
    if (!lb || !ub || !step)
      continue;
    for (int64_t dim = 0, e = lb->size(); dim < e; ++dim) {
      int64_t range = (*ub)[dim] - (*lb)[dim];
      if (dim >= static_cast<int64_t>(dims.size()) || !dims[dim] ||
          (*step)[dim] <= 0 || range <= (*step)[dim] ||
          range % (*step)[dim] == 0)
        continue;
      int64_t split = (*ub)[dim] - range % (*step)[dim];
      // The partial tile: a copy of the loop from `split`, continuing the
      // full tiles' results.
      rewriter.setInsertionPointAfter(loop);
      auto partial = cast<scf::ForallOp>(rewriter.clone(*loop));
      rewriter.replaceUsesWithIf(
          loop->getResults(), partial->getResults(),
          [&](OpOperand &use) { return use.getOwner() != partial; });
      partial.getOutputsMutable().assign(loop->getResults());
      SmallVector<int64_t> partialLb(*lb);
      partialLb[dim] = split;
      partial.setStaticLowerBound(partialLb);
      SmallVector<int64_t> fullUb(*ub);
      fullUb[dim] = split;
      loop.setStaticUpperBound(fullUb);
      // In the full tiles, min(step, ub - iv) is the step.
      rewriter.setInsertionPoint(loop);
      Location loc = loop.getLoc();
      Value ubValue = arith::ConstantIndexOp::create(rewriter, loc, split);
      Value stepValue =
          arith::ConstantIndexOp::create(rewriter, loc, (*step)[dim]);
      Value iv = loop.getInductionVar(dim);
      SmallVector<affine::AffineMinOp> mins;
      loop.walk([&](affine::AffineMinOp min) {
        if (llvm::is_contained(min->getOperands(), iv))
          mins.push_back(min);
      });
      for (affine::AffineMinOp min : mins)
        (void)scf::rewritePeeledMinMaxOp(rewriter, min, iv, ubValue, stepValue,
                                         /*insideLoop=*/true);
      worklist.push_back(loop);
      worklist.push_back(partial);
      ++splits;
      break;
    }
  }
  return splits;
}

namespace {
/// A tile loop carries its tile with a dynamic type (`tensor<8x?xf32>`)
/// even when peeling made every size static; an op that writes into a
/// `tensor.cast` of a static tensor is recreated on the static tensor (and
/// its result cast), so that it vectorizes.
struct StaticInitFromCast final : OpInterfaceRewritePattern<linalg::LinalgOp> {
  using OpInterfaceRewritePattern::OpInterfaceRewritePattern;
  LogicalResult matchAndRewrite(linalg::LinalgOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics() || op->getNumResults() != 1 ||
        op.getNumDpsInits() != 1)
      return rewriter.notifyMatchFailure(op, "not one tensor init");
    auto cast = op.getDpsInitOperand(0)->get().getDefiningOp<tensor::CastOp>();
    if (!cast || !tensor::preservesStaticInformation(
                     cast.getType(), cast.getSource().getType()))
      return rewriter.notifyMatchFailure(op, "init is not a cast of a more "
                                             "static tensor");
    for (OpOperand *input : op.getDpsInputOperands())
      if (auto type = dyn_cast<ShapedType>(input->get().getType()))
        if (!type.hasStaticShape())
          return rewriter.notifyMatchFailure(op, "dynamic input");
    IRMapping mapping;
    mapping.map(cast.getResult(), cast.getSource());
    Operation *clone = rewriter.clone(*op, mapping);
    clone->getResult(0).setType(cast.getSource().getType());
    rewriter.replaceOpWithNewOp<tensor::CastOp>(op, op->getResult(0).getType(),
                                                clone->getResult(0));
    return success();
  }
};
} // namespace

/// `value` without its dimensions `dims` (each of extent 1): a
/// rank-reducing slice.
static Value dropUnitDims(PatternRewriter &rewriter, Location loc, Value value,
                          ArrayRef<int64_t> dims) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> shape;
  for (auto [dim, size] : llvm::enumerate(type.getShape()))
    if (!llvm::is_contained(dims, int64_t(dim)))
      shape.push_back(size);
  SmallVector<OpFoldResult> offsets(type.getRank(), rewriter.getIndexAttr(0));
  SmallVector<OpFoldResult> strides(type.getRank(), rewriter.getIndexAttr(1));
  SmallVector<OpFoldResult> sizes =
      getAsIndexOpFoldResult(rewriter.getContext(), type.getShape());
  return tensor::ExtractSliceOp::create(rewriter, loc, type.clone(shape), value,
                                        offsets, sizes, strides);
}

/// `result` written back into all of `dest` (a rank-expanding insert).
static Value insertWhole(PatternRewriter &rewriter, Location loc, Value result,
                         Value dest) {
  auto type = cast<RankedTensorType>(dest.getType());
  SmallVector<OpFoldResult> offsets(type.getRank(), rewriter.getIndexAttr(0));
  SmallVector<OpFoldResult> strides(type.getRank(), rewriter.getIndexAttr(1));
  return tensor::InsertSliceOp::create(
      rewriter, loc, result, dest, offsets,
      getAsIndexOpFoldResult(rewriter.getContext(), type.getShape()), strides);
}

namespace {
/// A tile of a blocked matmul (strata-pack-constants) with one batch and
/// one block is a plain linalg.matmul on rank-reduced slices.
struct BlockedMatmulTileToMatmul final
    : OpInterfaceRewritePattern<linalg::LinalgOp> {
  using OpInterfaceRewritePattern::OpInterfaceRewritePattern;
  LogicalResult matchAndRewrite(linalg::LinalgOp op,
                                PatternRewriter &rewriter) const override {
    std::optional<int64_t> block = matchBlockedMatmul(op);
    if (!block || !op.hasPureTensorSemantics() || op.hasDynamicShape())
      return rewriter.notifyMatchFailure(op, "not a static blocked matmul");
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    // Loops: batch (0), rows, block, columns, reduction.
    if (ranges[*block] != 1 || ranges[0] != 1)
      return rewriter.notifyMatchFailure(op, "more than one block or batch");
    Location loc = op.getLoc();
    Value init = op.getDpsInitOperand(0)->get();
    Value lhs =
        dropUnitDims(rewriter, loc, op.getDpsInputOperand(0)->get(), {0});
    Value rhs =
        dropUnitDims(rewriter, loc, op.getDpsInputOperand(1)->get(), {0});
    Value acc = dropUnitDims(rewriter, loc, init, {0, 2});
    auto matmul = linalg::MatmulOp::create(
        rewriter, loc, acc.getType(), ValueRange{lhs, rhs}, ValueRange{acc});
    rewriter.replaceOp(op,
                       insertWhole(rewriter, loc, matmul->getResult(0), init));
    return success();
  }
};

/// A tile of a grouped convolution that holds one group (of a blocked one,
/// one block of output channels) is a plain convolution: the group
/// dimension is dropped from its operands (rank-reducing slices) and the
/// tile becomes linalg.conv_2d_nhwc_hwcf, which the convolution
/// decomposition and the vectorizer handle.
struct GroupedConvTileToConv2D final
    : OpInterfaceRewritePattern<linalg::LinalgOp> {
  using OpInterfaceRewritePattern::OpInterfaceRewritePattern;
  LogicalResult matchAndRewrite(linalg::LinalgOp op,
                                PatternRewriter &rewriter) const override {
    std::optional<SplitConv2D> split = matchGroupedConv2D(op);
    bool grouped = split.has_value();
    if (!grouped)
      split = matchBlockedConv2D(op);
    if (!split || !op.hasPureTensorSemantics() || op.hasDynamicShape())
      return rewriter.notifyMatchFailure(op, "not a static grouped conv");
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    if (ranges[split->outerLoop] != 1)
      return rewriter.notifyMatchFailure(op, "more than one group");
    bool shuffled = split->runLoop >= 0;
    if (shuffled && ranges[split->runLoop] != 1)
      return rewriter.notifyMatchFailure(op, "more than one run");
    bool windowed = split->subgroupLoop >= 0;
    if (windowed && ranges[split->subgroupLoop] != 1)
      return rewriter.notifyMatchFailure(op, "more than one group");
    Location loc = op.getLoc();
    Value init = op.getDpsInitOperand(0)->get();
    // A grouped convolution's input has the group at dimension 3 and its
    // filter at dimension 2 (a shuffled one's input the run at 3 and the
    // group at 4, its filter the group at 2 and the run at 3; with groups
    // of super-groups the input the run at 3 and the super-group at 4, its
    // filter the super-group at 2, the group at 3 and the run at 4, its
    // output the super-group at 3 and the group at 4); a blocked one's
    // input has no block, its filter has it at dimension 0. (The slice of
    // a windowed input starts at its group's window: the tile reads it
    // from 0.)
    Value input = op.getDpsInputOperand(0)->get();
    if (shuffled)
      input = dropUnitDims(rewriter, loc, input, {3, 4});
    else if (grouped)
      input = dropUnitDims(rewriter, loc, input, {3});
    SmallVector<int64_t> filterUnits = {grouped ? 2 : 0};
    if (shuffled)
      filterUnits.push_back(3);
    if (windowed)
      filterUnits.push_back(4);
    Value filter = dropUnitDims(rewriter, loc, op.getDpsInputOperand(1)->get(),
                                filterUnits);
    SmallVector<int64_t> accUnits = {3};
    if (windowed)
      accUnits.push_back(4);
    Value acc = dropUnitDims(rewriter, loc, init, accUnits);
    auto conv = linalg::Conv2DNhwcHwcfOp::create(
        rewriter, loc, acc.getType(), ValueRange{input, filter},
        ValueRange{acc}, rewriter.getI64TensorAttr(split->strides),
        rewriter.getI64TensorAttr(split->dilations));
    rewriter.replaceOp(op,
                       insertWhole(rewriter, loc, conv->getResult(0), init));
    return success();
  }
};

/// A tile of a 3-D convolution with one output and one filter depth is a
/// plain 2-D convolution on rank-reduced slices. Register tiles have both
/// (the plan tiles every loop but the accumulator's two by 1), so every
/// planned 3-D convolution lowers this way: a model's, and what
/// strata.fold-input-layout makes of a convolution of an NCHW image (the
/// channels as depth, one channel).
struct Conv3DTileToConv2D final : OpRewritePattern<linalg::Conv3DNdhwcDhwcfOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::Conv3DNdhwcDhwcfOp op,
                                PatternRewriter &rewriter) const override {
    auto linalgOp = cast<linalg::LinalgOp>(op.getOperation());
    if (!linalgOp.hasPureTensorSemantics() || linalgOp.hasDynamicShape())
      return rewriter.notifyMatchFailure(op, "not a static 3-D convolution");
    // Loops: n, od, oh, ow, f, kd, kh, kw, c.
    SmallVector<int64_t> ranges = linalgOp.getStaticLoopRanges();
    if (ranges[1] != 1 || ranges[5] != 1)
      return rewriter.notifyMatchFailure(op, "more than one depth");
    Location loc = op.getLoc();
    Value init = op.getOutputs()[0];
    Value input = dropUnitDims(rewriter, loc, op.getInputs()[0], {1});
    Value filter = dropUnitDims(rewriter, loc, op.getInputs()[1], {0});
    Value acc = dropUnitDims(rewriter, loc, init, {1});
    SmallVector<int64_t> strides(op.getStrides().getValues<int64_t>());
    SmallVector<int64_t> dilations(op.getDilations().getValues<int64_t>());
    auto conv = linalg::Conv2DNhwcHwcfOp::create(
        rewriter, loc, acc.getType(), ValueRange{input, filter},
        ValueRange{acc},
        rewriter.getI64TensorAttr(ArrayRef<int64_t>(strides).drop_front()),
        rewriter.getI64TensorAttr(ArrayRef<int64_t>(dilations).drop_front()));
    rewriter.replaceOp(op,
                       insertWhole(rewriter, loc, conv->getResult(0), init));
    return success();
  }
};
} // namespace

/// Iterations of a tile worth vectorizing whole: a register tile, or a few
/// vectors of an elementwise op. Larger ops (a reduction nobody tiled)
/// would become vectors of thousands of lanes.
static constexpr int64_t kMaxVectorIterations = 4096;

/// Whether `op` is vectorized: static shapes (peeling leaves static tiles
/// wherever the kernel's shapes are static; masked vectorization of
/// dynamic tiles does not lower reliably yet), a small iteration space, and
/// no i1 tensors (a vector of i1 is stored as packed bits, a memref of i1
/// as bytes).
static bool isVectorizable(linalg::LinalgOp op) {
  if (op.hasDynamicShape())
    return false;
  int64_t iterations = 1;
  for (int64_t range : op.getStaticLoopRanges())
    iterations *= range;
  if (iterations > kMaxVectorIterations)
    return false;
  for (Value value : llvm::concat<Value>(op->getOperands(), op->getResults()))
    if (auto type = dyn_cast<ShapedType>(value.getType()))
      if (type.getElementType().isInteger(1))
        return false;
  return true;
}

/// The widest vector at most `extent` lanes that LLVM compiles well for
/// registers of `lanes` lanes: a power-of-two number of registers, or a
/// power-of-two part of one. Other widths (48 lanes: three zmm) are padded
/// in memory, and the backend copies such vectors through the stack with
/// memcpy: a 7x48 convolution tile ran 13x slower than 7x64.
static int64_t getGoodVectorWidth(int64_t extent, int64_t lanes) {
  if (extent >= lanes)
    return lanes * int64_t(llvm::bit_floor(uint64_t(extent / lanes)));
  return int64_t(llvm::bit_floor(uint64_t(extent)));
}

/// The loop of `op`'s last result dimension (the one vectors run along),
/// if that dimension is a loop of its own. (A reduction along its row is
/// tiled into partial results along that loop first.)
static std::optional<unsigned> getVectorLoop(linalg::LinalgOp op) {
  if (op->getNumResults() == 0 || op.getNumDpsInits() != 1)
    return std::nullopt;
  AffineMap map = op.getIndexingMapMatchingResult(op->getResult(0));
  if (map.getNumResults() == 0)
    return std::nullopt;
  auto dim = dyn_cast<AffineDimExpr>(map.getResults().back());
  if (!dim)
    return std::nullopt;
  return dim.getPosition();
}

namespace {
struct StrataTileKernelsPass final
    : strata::impl::StrataTileKernelsBase<StrataTileKernelsPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (!func->hasAttr(StrataDialect::getKernelAttrName()) || func.isExternal())
      return;
    std::string error;
    FailureOr<CPUVectorUnit> target = getCPUVectorUnit(cpu, error);
    if (failed(target)) {
      func.emitError() << "strata-tile-kernels: " << error;
      return signalPassFailure();
    }
    unsigned bits = vectorBits ? unsigned(vectorBits) : target->bits;
    int64_t lanes = std::max<int64_t>(bits / 32, 1);
    IRRewriter rewriter(&getContext());
    StringRef planName = StrataDialect::getLoweringAttrName();

    SmallVector<linalg::LinalgOp> planned;
    func.walk([&](linalg::LinalgOp op) {
      if (op->hasAttr(planName))
        planned.push_back(op);
    });
    for (linalg::LinalgOp op : planned) {
      if (failed(tilePlanned(rewriter, op))) {
        op->emitError("strata-tile-kernels: cannot tile this op as its "
                      "lowering plan says");
        return signalPassFailure();
      }
      ++numTiled;
    }
    // Ops without a plan: vector_width lanes along the innermost loop.
    SmallVector<linalg::LinalgOp> others;
    func.walk([&](linalg::LinalgOp op) {
      if (!op->hasAttr(planName) && op.hasPureTensorSemantics() &&
          op.getNumLoops() > 0 && !op->getParentOfType<scf::ForOp>() &&
          !op->getParentOfType<scf::ForallOp>())
        others.push_back(op);
    });
    for (linalg::LinalgOp op : others)
      (void)tileForVectors(rewriter, op, lanes);

    if (failed(simplify(func)) || failed(peelAll(rewriter, func)) ||
        failed(simplify(func)) || failed(splitWidths(rewriter, func, lanes)))
      return signalPassFailure();
    vectorizeAll(rewriter, func);
    if (failed(simplify(func)))
      return signalPassFailure();
    func.walk([](Operation *op) {
      op->removeAttr(kTileLoopAttr);
      op->removeAttr(kPeeledAttr);
    });
  }

  LogicalResult tilePlanned(RewriterBase &rewriter, linalg::LinalgOp op) {
    auto plan =
        cast<LoweringAttr>(op->getAttr(StrataDialect::getLoweringAttrName()));
    if (op->getNumResults() != 1 || !op.hasPureTensorSemantics())
      return op->emitError("a planned op must have one tensor result"),
             failure();
    linalg::LinalgOp anchor = findAnchor(op);
    Operation *current = op;
    linalg::LinalgOp currentAnchor = anchor;

    // Outer tiles: independent, the whole chain in each.
    SmallVector<int64_t> outer = rootSizes(op, anchor, plan.getTile());
    SmallVector<int64_t> shape = op.getStaticLoopRanges();
    SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
    bool tiles = false, blocked = false;
    for (auto [i, size] : llvm::enumerate(plan.getTile())) {
      bool partial = size != 0 && size < shape[i];
      if (iterators[i] == utils::IteratorType::parallel)
        tiles |= partial;
      else
        blocked |= partial;
    }
    // An outer tile that does not divide its loop (1000 output channels
    // by 128) leaves one partial tile, split off once the tile is done
    // where the register tile spans more than one iteration of the loop.
    // (The forall's dimensions are the root's tiled loops, in order.)
    scf::ForallOp forall;
    SmallVector<bool> peelDims;
    if (tiles) {
      auto tiled = tileAndFuse(rewriter, anchor, op, outer, {},
                               /*forall=*/true, /*fusePads=*/true);
      if (failed(tiled) || !tiled->second)
        return failure();
      currentAnchor = cast<linalg::LinalgOp>(tiled->first);
      current = tiled->second;
      forall = current->getParentOfType<scf::ForallOp>();
      SmallVector<int64_t> regByRoot =
          rootSizes(op, anchor, plan.getRegisterTile());
      for (auto [size, reg] : llvm::zip_equal(outer, regByRoot))
        if (size != 0)
          peelDims.push_back(reg > 1);
    }
    auto peelOuter = [&](LogicalResult result) {
      if (succeeded(result) && forall)
        numPeeled += peelForall(rewriter, forall, peelDims);
      return result;
    };

    if (blocked)
      return peelOuter(tileBlocked(rewriter, cast<linalg::LinalgOp>(current),
                                   currentAnchor, plan));

    // Register tiles of the parallel loops, in the plan's order.
    auto currentOp = cast<linalg::LinalgOp>(current);
    SmallVector<int64_t> reg =
        rootSizes(currentOp, currentAnchor, plan.getRegisterTile());
    SmallVector<int64_t> order =
        rootOrder(currentOp, currentAnchor, plan.getOrder());
    auto tiled = tileAndFuse(rewriter, currentAnchor, current, reg, order,
                             /*forall=*/false);
    if (failed(tiled) || !tiled->second)
      return failure();
    // Then the reductions, innermost.
    return peelOuter(tileReductions(rewriter,
                                    cast<linalg::LinalgOp>(tiled->second),
                                    plan.getRegisterTile(), plan.getOrder()));
  }

  /// The reduction is blocked (the plan tiles reduction loops at the outer
  /// level): inside the outer tile, the blocks of the reduction run one
  /// after another (scf.for, outermost), each over every register tile, so
  /// that a block of the weights stays in cache while the whole outer tile
  /// reads it; the partial sums stay in the output tile. The initial value
  /// and the epilogue are tiled by the register tile on their own, before
  /// and after the blocks.
  LogicalResult tileBlocked(RewriterBase &rewriter, linalg::LinalgOp op,
                            linalg::LinalgOp anchor, LoweringAttr plan) {
    SmallVector<int64_t> byDim = sizesByOutputDim(op, plan.getRegisterTile());
    bool anchorIsOp = anchor.getOperation() == op.getOperation();
    Operation *init = nullptr;
    if (Value value = op.getDpsInitOperand(0)->get())
      init = value.getDefiningOp<linalg::LinalgOp>();

    // The reduction blocks, in the plan's order; inside each, the register
    // tiles: parallel loops in the plan's order, then the reductions.
    FailureOr<Operation *> blocked =
        tileOp(rewriter, op, reductionSizes(op, plan.getTile()),
               parallelThenReductions(op, plan.getOrder()));
    if (failed(blocked) ||
        failed(tileOp(rewriter, *blocked, plan.getRegisterTile(),
                      plan.getOrder())))
      return failure();

    // The initial value and the epilogue, by register tiles.
    if (init && failed(tileBy(rewriter, cast<linalg::LinalgOp>(init), byDim)))
      return failure();
    if (!anchorIsOp && failed(tileBy(rewriter, anchor, byDim)))
      return failure();
    return success();
  }

  /// Tiles all-parallel `op` (its loops are the output's dimensions) by
  /// `sizes`.
  LogicalResult tileBy(RewriterBase &rewriter, linalg::LinalgOp op,
                       ArrayRef<int64_t> sizes) {
    if (!isAllParallel(op) || op.getNumLoops() != sizes.size())
      return success();
    return tileOp(rewriter, op, sizes);
  }

  /// Tiles an op without a plan so that each tile is at most a few vectors:
  /// every loop by 1 (an scf.forall, so threads share the tiles) except the
  /// innermost, by four vectors.
  LogicalResult tileForVectors(RewriterBase &rewriter, linalg::LinalgOp op,
                               int64_t lanes) {
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    if (llvm::any_of(ranges, ShapedType::isDynamic))
      return failure();
    if (!isAllParallel(op))
      return tileReductionForVectors(rewriter, op, lanes);
    if (succeeded(tileTransposeForVectors(rewriter, op, lanes)))
      return success();
    // Outer loops by 1 as independent tiles (threads share them), the
    // innermost by four vectors in sequence (its remainder is peeled).
    Operation *target = op;
    int64_t outer = 1;
    for (int64_t range : ArrayRef<int64_t>(ranges).drop_back())
      outer *= range;
    if (outer > 1) {
      SmallVector<int64_t> sizes(ranges.size(), 1);
      sizes.back() = 0;
      FailureOr<Operation *> tiled =
          tileOp(rewriter, target, sizes, {}, /*forall=*/true);
      if (failed(tiled))
        return failure();
      target = *tiled;
    }
    if (ranges.back() <= 4 * lanes)
      return success();
    SmallVector<int64_t> sizes(ranges.size(), 0);
    sizes.back() = 4 * lanes;
    return tileOp(rewriter, target, sizes);
  }

  /// An elementwise op whose first input is contiguous along another loop
  /// than its output (a layout transpose, NHWC to NCHW): square blocks of
  /// one vector along both loops, so that each block is read as whole
  /// vectors of the input and written as whole vectors of the output (the
  /// transpose happens in registers, one shuffle: TransposeAsShuffle in
  /// strata-lower-vector-tiles), instead of a vector of the output
  /// gathered from elements a row apart in the input. A short output loop
  /// (a channel shuffle's 4 groups) is whole in the block: 16 x 4.
  LogicalResult tileTransposeForVectors(RewriterBase &rewriter,
                                        linalg::LinalgOp op, int64_t lanes) {
    std::optional<unsigned> outLoop = getVectorLoop(op);
    if (!outLoop || op.getNumDpsInputs() == 0)
      return failure();
    AffineMap inputMap = op.getMatchingIndexingMap(op.getDpsInputOperand(0));
    if (inputMap.getNumResults() == 0)
      return failure();
    auto inDim = dyn_cast<AffineDimExpr>(inputMap.getResults().back());
    if (!inDim || inDim.getPosition() == *outLoop)
      return failure();
    unsigned inLoop = inDim.getPosition();
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    if (ranges[inLoop] < 8 || ranges[*outLoop] < 2)
      return failure();
    Operation *target = op;
    SmallVector<int64_t> outer(ranges.size(), 1);
    outer[inLoop] = outer[*outLoop] = 0;
    if (llvm::any_of(llvm::enumerate(ranges), [&](auto item) {
          return outer[item.index()] == 1 && item.value() > 1;
        })) {
      FailureOr<Operation *> tiled =
          tileOp(rewriter, target, outer, {}, /*forall=*/true);
      if (failed(tiled))
        return failure();
      target = *tiled;
    }
    SmallVector<int64_t> block(ranges.size(), 0);
    block[inLoop] = std::min(ranges[inLoop], lanes);
    block[*outLoop] = std::min(ranges[*outLoop], lanes);
    return tileOp(rewriter, target, block);
  }

  /// Tiles a reduction without a plan (softmax's max and sum, a mean, a
  /// global pooling written as a reduction) for vectors along the loop its
  /// first input is contiguous in: if that loop is parallel (a sum over the
  /// rows of an NHWC tensor), by four vectors, with every reduction loop by
  /// 1 inside it, so the partial sums stay a loop-carried vector; if it is
  /// the reduction (softmax along its row), by chunks of four vectors, each
  /// reduced into the row's result. The other parallel loops are scf.forall
  /// tiles of 1, shared by the threads.
  LogicalResult tileReductionForVectors(RewriterBase &rewriter,
                                        linalg::LinalgOp op, int64_t lanes) {
    if (op->getNumResults() != 1 || op.getNumDpsInputs() == 0)
      return failure();
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
    AffineMap inputMap = op.getMatchingIndexingMap(op.getDpsInputOperand(0));
    if (inputMap.getNumResults() == 0)
      return failure();
    auto contiguous = dyn_cast<AffineDimExpr>(inputMap.getResults().back());
    if (!contiguous)
      return failure();
    unsigned vectorLoop = contiguous.getPosition();
    int64_t numLoops = op.getNumLoops();

    Operation *target = op;
    SmallVector<int64_t> outer(numLoops, 0);
    bool anyOuter = false;
    for (int64_t i = 0; i < numLoops; ++i)
      if (iterators[i] == utils::IteratorType::parallel && i != vectorLoop &&
          ranges[i] > 1) {
        outer[i] = 1;
        anyOuter = true;
      }
    if (anyOuter) {
      FailureOr<Operation *> tiled =
          tileOp(rewriter, target, outer, {}, /*forall=*/true);
      if (failed(tiled))
        return failure();
      target = *tiled;
    }
    // A reduction along the vector loop alone (softmax's row max and sum):
    // partial results, one per lane of four vectors, accumulate chunk by
    // chunk with elementwise ops (vectors), and are reduced once per row
    // after the loop; reducing every chunk to a scalar would be a chain of
    // scalar ops per chunk.
    int64_t chunk = 4 * lanes;
    if (iterators[vectorLoop] == utils::IteratorType::reduction &&
        op.getNumReductionLoops() == 1 && ranges[vectorLoop] > chunk) {
      SmallVector<int64_t> sizes(numLoops, 0);
      sizes[vectorLoop] = chunk;
      scf::SCFTilingOptions tiling;
      tiling.setTileSizes(getAsIndexOpFoldResult(rewriter.getContext(), sizes));
      tiling.setReductionTilingStrategy(
          ReductionTilingStrategy::PartialReductionOuterReduction);
      tiling.setReductionDims({vectorLoop});
      rewriter.setInsertionPoint(target);
      FailureOr<scf::SCFTilingResult> result =
          scf::tileUsingSCF(rewriter, cast<TilingInterface>(target), tiling);
      if (succeeded(result)) {
        rewriter.replaceOp(target, result->replacements);
        for (LoopLikeOpInterface loop : result->loops)
          loop->setAttr(kTileLoopAttr, rewriter.getUnitAttr());
        return success();
      }
    }
    // Inside a tile: the vector loop by four vectors, reductions by 1
    // (the vector loop itself when it is the reduction), the vector loop
    // outermost.
    SmallVector<int64_t> inner(numLoops, 0);
    for (int64_t i = 0; i < numLoops; ++i)
      if (iterators[i] == utils::IteratorType::reduction)
        inner[i] = 1;
    inner[vectorLoop] = std::min<int64_t>(ranges[vectorLoop], 4 * lanes);
    SmallVector<int64_t> interchange = {int64_t(vectorLoop)};
    for (int64_t i = 0; i < numLoops; ++i)
      if (i != int64_t(vectorLoop))
        interchange.push_back(i);
    return tileOp(rewriter, target, inner, interchange);
  }

  /// Peels every tile loop whose step does not divide its range, until
  /// none is left (the remainder copies of inner loops included).
  LogicalResult peelAll(RewriterBase &rewriter, func::FuncOp func) {
    while (true) {
      SmallVector<scf::ForOp> loops;
      func.walk([&](scf::ForOp loop) {
        if (loop->hasAttr(kTileLoopAttr) && !loop->hasAttr(kPeeledAttr) &&
            !divides(loop))
          loops.push_back(loop);
      });
      if (loops.empty())
        return success();
      for (scf::ForOp loop : loops) {
        scf::ForOp remainder;
        rewriter.setInsertionPoint(loop);
        if (succeeded(
                scf::peelForLoopAndSimplifyBounds(rewriter, loop, remainder)) &&
            remainder) {
          remainder->setAttr(kPeeledAttr, rewriter.getUnitAttr());
          ++numPeeled;
        }
        loop->setAttr(kPeeledAttr, rewriter.getUnitAttr());
      }
    }
  }

  /// Splits every op about to be vectorized whose vectors would have a
  /// width LLVM compiles badly (a peeled remainder of 40 lanes, a 48-lane
  /// register tile) into pieces of good widths (32 + 8; 32 + 16).
  LogicalResult splitWidths(RewriterBase &rewriter, func::FuncOp func,
                            int64_t lanes) {
    // Each round halves what is left of a width at least.
    for (int round = 0; round < 16; ++round) {
      SmallVector<std::pair<linalg::LinalgOp, unsigned>> ops;
      func.walk([&](linalg::LinalgOp op) {
        if (!op.hasPureTensorSemantics() || !isVectorizable(op))
          return;
        std::optional<unsigned> loop = getVectorLoop(op);
        if (!loop)
          return;
        int64_t extent = op.getStaticLoopRanges()[*loop];
        if (getGoodVectorWidth(extent, lanes) != extent)
          ops.push_back({op, *loop});
      });
      if (ops.empty())
        return success();
      for (auto [op, loop] : ops) {
        SmallVector<int64_t> sizes(op.getNumLoops(), 0);
        sizes[loop] = getGoodVectorWidth(op.getStaticLoopRanges()[loop], lanes);
        if (failed(tileOp(rewriter, op, sizes)))
          return op->emitError("strata-tile-kernels: cannot split this op "
                               "into vectors of good widths"),
                 failure();
      }
      if (failed(simplify(func)) || failed(peelAll(rewriter, func)) ||
          failed(simplify(func)))
        return failure();
    }
    return success();
  }

  /// Folds the constant tile sizes peeling leaves into static tensor types.
  LogicalResult simplify(func::FuncOp func) {
    RewritePatternSet patterns(&getContext());
    linalg::populateLinalgTilingCanonicalizationPatterns(patterns);
    tensor::populateFoldTensorEmptyPatterns(patterns);
    patterns.add<StaticInitFromCast>(&getContext());
    // Tile sizes min(step, ub - iv) in loops whose step divides the range
    // (inner loops of a full outer tile split off a partial one).
    scf::populateSCFForLoopCanonicalizationPatterns(patterns);
    // Canonicalization of the dialects tiling produces (static tile sizes,
    // casts folded into their users).
    const StringRef dialects[] = {"tensor", "linalg", "scf", "affine", "arith"};
    for (Dialect *dialect : getContext().getLoadedDialects())
      if (llvm::is_contained(dialects, dialect->getNamespace()))
        dialect->getCanonicalizationPatterns(patterns);
    for (RegisteredOperationName name : getContext().getRegisteredOperations())
      if (llvm::is_contained(dialects, name.getDialectNamespace()))
        name.getCanonicalizationPatterns(patterns, &getContext());
    return applyPatternsGreedily(func, std::move(patterns));
  }

  void vectorizeAll(RewriterBase &rewriter, func::FuncOp func) {
    // 2-D convolutions and pooling with unit height become their 1-D form,
    // which the vectorizer handles.
    {
      RewritePatternSet patterns(&getContext());
      patterns.add<GroupedConvTileToConv2D, BlockedMatmulTileToMatmul,
                   Conv3DTileToConv2D>(&getContext());
      linalg::populateDecomposeConvolutionPatterns(patterns);
      (void)applyPatternsGreedily(func, std::move(patterns));
    }
    // The decomposition casts the input window to a dynamic type; fold it.
    (void)simplify(func);
    SmallVector<linalg::LinalgOp> ops;
    func.walk([&](linalg::LinalgOp op) {
      if (op.hasPureTensorSemantics())
        ops.push_back(op);
    });
    for (linalg::LinalgOp op : ops) {
      if (!isVectorizable(op)) {
        ++numNotVectorized;
        continue;
      }
      SmallVector<int64_t> sizes;
      rewriter.setInsertionPoint(op);
      SmallVector<bool> scalable(sizes.size(), false);
      FailureOr<linalg::VectorizationResult> result = linalg::vectorize(
          rewriter, op, sizes, scalable,
          /*vectorizeNDExtract=*/true, /*flatten1DDepthwiseConv=*/false,
          /*assumeDynamicDimsMatchVecSizes=*/false,
          /*createNamedContraction=*/true);
      if (failed(result)) {
        LLVM_DEBUG(llvm::dbgs() << "not vectorized: " << *op << "\n");
        ++numNotVectorized;
        continue;
      }
      rewriter.replaceOp(op, result->replacements);
      ++numVectorized;
    }
  }
};
} // namespace
