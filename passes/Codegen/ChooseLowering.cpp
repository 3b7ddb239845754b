//===- ChooseLowering.cpp - Lowering plans for kernel contractions --------===//
//
// Implements `strata-choose-lowering`: a `#strata.lowering` plan for every
// matmul, batch matmul, convolution and pooling op of a kernel, sized for
// the host's (or the given) vector unit.
//
//===----------------------------------------------------------------------===//

#include "passes/Codegen/Passes.h"

#include "dialects/Strata/IR/StrataAttrs.h"
#include "dialects/Strata/IR/StrataDialect.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "strata/CostModel/Features.h"
#include "strata/CostModel/LearnedModel.h"
#include "strata/CostModel/RegisterTile.h"
#include "strata/Support/GroupedConv.h"
#include "llvm/Support/Debug.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/X86TargetParser.h"

#define DEBUG_TYPE "strata-choose-lowering"

namespace mlir::strata {
#define GEN_PASS_DEF_STRATACHOOSELOWERING
#include "passes/Codegen/Passes.h.inc"
} // namespace mlir::strata

using namespace mlir;
using namespace mlir::strata;

unsigned mlir::strata::getHostVectorBits() {
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  if (features.lookup("avx512f"))
    return 512;
  if (features.lookup("avx2") && features.lookup("fma"))
    return 256;
  return 128;
}

unsigned mlir::strata::getHostVectorRegisters() {
  return llvm::sys::getHostCPUFeatures().lookup("avx512f") ? 32 : 16;
}

FailureOr<CPUVectorUnit> mlir::strata::getCPUVectorUnit(StringRef cpu,
                                                        std::string &error) {
  if (cpu.empty() || cpu == "host")
    return CPUVectorUnit{getHostVectorBits(), getHostVectorRegisters()};
  if (llvm::X86::parseArchX86(cpu, /*Only64Bit=*/true) == llvm::X86::CK_None) {
    error = ("unknown CPU '" + cpu +
             "'; expected an x86-64 CPU name as LLVM spells it, e.g. "
             "haswell, skylake-avx512, znver4 (llc -mcpu=help lists them)")
                .str();
    return failure();
  }
  SmallVector<StringRef> features;
  llvm::X86::getFeaturesForCPU(cpu, features);
  auto has = [&](StringRef f) { return llvm::is_contained(features, f); };
  if (has("avx512f"))
    return CPUVectorUnit{512, 32};
  if (has("avx2") && has("fma"))
    return CPUVectorUnit{256, 16};
  return CPUVectorUnit{128, 16};
}

using VectorUnit = VectorUnitModel;

namespace {
/// The two loops a register tile is built on: `n` indexes the output's
/// contiguous dimension (vectorized), `m` the one before it (rows of the
/// accumulator). -1 when the op has no such loop.
struct AccumulatorLoops {
  int64_t m = -1;
  int64_t n = -1;
};
} // namespace

/// The loop that indexes result dimension `dim` of the output, if it is a
/// parallel loop read by that dimension alone.
static int64_t outputLoop(linalg::LinalgOp op, int64_t dim) {
  AffineMap map = op.getIndexingMapMatchingResult(op->getResult(0));
  if (dim < 0 || dim >= static_cast<int64_t>(map.getNumResults()))
    return -1;
  auto expr = dyn_cast<AffineDimExpr>(map.getResult(dim));
  if (!expr)
    return -1;
  int64_t loop = expr.getPosition();
  if (op.getIteratorTypesArray()[loop] != utils::IteratorType::parallel)
    return -1;
  return loop;
}

/// Whether `loop` is a plain dimension of an input that loop `n` indexes
/// (the weights): rows along it would each need other weights.
static bool selectsWeights(linalg::LinalgOp op, int64_t n, int64_t loop) {
  for (OpOperand *input : op.getDpsInputOperands()) {
    AffineMap map = op.getMatchingIndexingMap(input);
    if (map.isFunctionOfDim(n) &&
        llvm::is_contained(map.getResults(),
                           getAffineDimExpr(loop, op.getContext())))
      return true;
  }
  return false;
}

/// The accumulator's loops: `n` is the output's last dimension; `m` the
/// nearest dimension before it whose loop is not a plain dimension of an
/// input that `n` indexes (the weights): a grouped convolution's group or
/// a blocked filter's block would need another row of weights per
/// accumulator row, so its rows are the output columns.
static AccumulatorLoops findTileLoops(linalg::LinalgOp op) {
  int64_t rank = op.getRank(op.getDpsInitOperand(0));
  AccumulatorLoops loops;
  loops.n = outputLoop(op, rank - 1);
  if (loops.n < 0)
    return loops;
  for (int64_t dim = rank - 2; dim >= 0; --dim) {
    int64_t loop = outputLoop(op, dim);
    if (loop < 0)
      return loops;
    if (!selectsWeights(op, loops.n, loop)) {
      loops.m = loop;
      return loops;
    }
  }
  return loops;
}

/// The output loop outside the accumulator's rows (a convolution's output
/// height), if it is a parallel loop of its own that does not select
/// weights; -1 otherwise.
static int64_t getOuterRowLoop(linalg::LinalgOp op,
                               const AccumulatorLoops &loops) {
  if (loops.m < 0)
    return -1;
  AffineMap map = op.getIndexingMapMatchingResult(op->getResult(0));
  std::optional<unsigned> dimM =
      map.getResultPosition(getAffineDimExpr(loops.m, op.getContext()));
  if (!dimM || *dimM == 0)
    return -1;
  int64_t loop = outputLoop(op, *dimM - 1);
  if (loop < 0 || loop == loops.n || selectsWeights(op, loops.n, loop))
    return -1;
  return loop;
}

/// Cycles per reduction step to compute `extent` iterations of a loop with
/// register tile `size`: full tiles, then the peeled remainder, a smaller
/// static tile.
static double loopCycles(int64_t extent, int64_t size, int64_t other,
                         bool isRow, const VectorUnit &unit) {
  auto cost = [&](int64_t tile) {
    return isRow ? estimateRegisterStepCycles(tile, other, unit)
                 : estimateRegisterStepCycles(other, tile, unit);
  };
  double cycles = (extent / size) * cost(size);
  if (int64_t rest = extent % size)
    cycles += cost(rest);
  return cycles;
}

namespace {
/// One register tile candidate and what the cycle model says of it.
struct RegisterTile {
  int64_t m = 1, n = 1;
  double cycles = 0; ///< Per reduction step, over the whole output.
  double loads = 0;  ///< Loads and broadcasts per FMA.
};
} // namespace

/// Every register tile the vector unit can hold, best first by the cycle
/// model: fewest cycles, then fewest loads per FMA, then the bigger tile.
static SmallVector<RegisterTile> rankRegisterTiles(linalg::LinalgOp op,
                                                   const VectorUnit &unit) {
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  AccumulatorLoops loops = findTileLoops(op);
  if (loops.n < 0)
    return {RegisterTile()};
  int64_t extentN = ranges[loops.n];
  int64_t extentM = loops.m >= 0 ? ranges[loops.m] : 1;
  int64_t budget = unit.registers * 3 / 4;
  // Widths of a power-of-two number of registers (or half of one):
  // others are slow in LLVM (strata-tile-kernels splits them, see
  // getGoodVectorWidth there), and so are the remainders they leave.
  SmallVector<int64_t> widths;
  for (int64_t w = unit.lanes / 2; w <= 4 * unit.lanes; w *= 2)
    if (w <= extentN)
      widths.push_back(w);
  if (extentN <= 4 * unit.lanes && !llvm::is_contained(widths, extentN))
    widths.push_back(extentN);
  SmallVector<RegisterTile> tiles;
  for (int64_t n : widths) {
    int64_t vectors = llvm::divideCeil(n, unit.lanes);
    for (int64_t m = 1; m <= std::min<int64_t>(extentM, 16); ++m) {
      if (m * vectors > budget)
        break;
      RegisterTile tile;
      tile.m = m;
      tile.n = n;
      tile.cycles =
          (extentN / n) * loopCycles(extentM, m, n, /*isRow=*/true, unit);
      if (int64_t rest = extentN % n)
        tile.cycles += loopCycles(extentM, m, rest, /*isRow=*/true, unit);
      tile.loads = double(m + vectors) / double(m * vectors);
      tiles.push_back(tile);
    }
  }
  if (tiles.empty())
    return {RegisterTile()};
  llvm::stable_sort(tiles, [](const RegisterTile &a, const RegisterTile &b) {
    if (a.cycles != b.cycles)
      return a.cycles < b.cycles;
    if (a.loads != b.loads)
      return a.loads < b.loads;
    return a.m * a.n > b.m * b.n;
  });
  return tiles;
}

/// Outer tiles a plan makes at least, where the output rows allow: enough
/// for the threads of a small machine to share.
static constexpr int64_t kMinParallelTiles = 4;

/// The plan of `op` with register tile `regTile`: its outer tile and loop
/// order follow from it.
static LoweringAttr makePlan(linalg::LinalgOp op, const VectorUnit &unit,
                             const RegisterTile &regTile) {
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  int64_t numLoops = ranges.size();
  AccumulatorLoops loops = findTileLoops(op);

  // Register tile: every loop 1 except the accumulator's two.
  SmallVector<int64_t> reg(numLoops, 1);
  int64_t bestM = regTile.m, bestN = regTile.n;
  if (loops.n >= 0) {
    reg[loops.n] = bestN;
    if (loops.m >= 0)
      reg[loops.m] = bestM;
  }

  // Outer tile. The weights a tile reads (reduction extent x its columns)
  // should stay within a quarter of the 1 MiB L2 while the tile's rows
  // reuse them (half of it measured 2x slower on 2048^3: rows of B 8 KiB
  // apart alias in the caches).
  int64_t reduction = 1;
  for (auto [extent, iterator] : llvm::zip_equal(ranges, iterators))
    if (iterator == utils::IteratorType::reduction)
      reduction *= extent;
  SmallVector<int64_t> tile(numLoops, 0);
  for (int64_t i = 0; i < numLoops; ++i)
    if (iterators[i] == utils::IteratorType::parallel)
      tile[i] = 1;
  // The largest multiple of the register tile at most `value` (and at
  // least one register tile) that divides the loop, so that outer tiles
  // are all full. If no multiple divides the loop (1000 with 64-wide
  // tiles): the whole loop, or with `partial`, the largest multiple (the
  // last outer tile is a partial one, which strata-tile-kernels splits
  // off). (A divisor that is not a multiple, 125, would leave every outer
  // tile an odd remainder, measured 3x slower.)
  auto roundTo = [](int64_t value, int64_t multiple, int64_t extent,
                    bool partial = false) {
    int64_t target = std::max(std::min(value, extent), multiple);
    for (int64_t size = target / multiple * multiple; size >= multiple;
         size -= multiple)
      if (size <= extent && extent % size == 0)
        return size;
    if (partial && target < extent)
      return target / multiple * multiple;
    return extent;
  };
  constexpr int64_t kL1Budget = 32 * 1024;      // weights read per row
  constexpr int64_t kL2Budget = 256 * 1024;     // weights of a tile
  constexpr int64_t kBlockBudget = 64 * 1024;   // a block of them
  constexpr int64_t kOutputBudget = 256 * 1024; // partial sums of a tile
  if (loops.n >= 0) {
    int64_t extentN = ranges[loops.n];
    // Output rows (every parallel loop but the columns'): with one, the
    // weights are read once whatever the tile.
    int64_t rowCount = 1;
    for (int64_t i = 0; i < numLoops; ++i)
      if (iterators[i] == utils::IteratorType::parallel && i != loops.n)
        rowCount *= ranges[i];
    if (reduction * bestN * 4 <= kL2Budget) {
      // All of the reduction fits: rows of the tile reuse whole columns.
      tile[loops.n] = roundTo(kL2Budget / 4 / reduction, bestN, extentN,
                              /*partial=*/rowCount > 1);
      if (loops.m >= 0) {
        int64_t mTile = (64 * 1024 / 4) / tile[loops.n];
        tile[loops.m] = roundTo(mTile, bestM, ranges[loops.m]);
        // A blocked filter (strata-pack-constants) is large: each block is
        // read once, by one tile spanning as many output rows as the
        // partial sums allow, not once per row.
        int64_t outerRow = getOuterRowLoop(op, loops);
        if (outerRow >= 0 && matchBlockedConv2D(op)) {
          int64_t fit = std::max<int64_t>(
              kOutputBudget / 4 / (tile[loops.m] * tile[loops.n]), 1);
          tile[outerRow] = roundTo(fit, 1, ranges[outerRow]);
        } else if (outerRow >= 0 && tile[loops.m] == ranges[loops.m] &&
                   tile[loops.m] < mTile &&
                   reduction * tile[loops.n] * 4 > kL1Budget) {
          // Short rows (a 13x13 output) and weights beyond L1: the tile
          // spans several rows, so that its weights serve about mTile
          // output pixels. (squeezenet's last 1x1 convolution, 512 x 1000
          // channels: 1 row per tile read its 2 MB of weights 13 times.)
          // Tiles of equal height, the last one possibly a row shorter
          // (13 rows by 9: 7 + 6).
          int64_t extent = ranges[outerRow];
          int64_t count = llvm::divideCeil(extent, mTile / tile[loops.m]);
          tile[outerRow] = llvm::divideCeil(extent, count);
        }
      }
    } else {
      // Block the reduction: the innermost reduction loop by a block whose
      // weights for one register column stay in L1/L2, the others by 1;
      // the tile spans every row (and as many outer rows as the partial
      // sums allow), so that each block is read once per tile.
      // A tile of 64 columns that does not divide the loop leaves a
      // partial one, except with one row (a matrix-vector product: the
      // weights are read once whatever the tile): whole rows of weights,
      // read as one sequential run per block. (A 4096 x 1000 product ran
      // 1.3-1.7x slower in tiles of 512 or 256 columns, even at 2 threads.)
      tile[loops.n] = roundTo(bestN, bestN, extentN,
                              /*partial=*/rowCount > 1);
      int64_t innermost = -1;
      for (int64_t i = 0; i < numLoops; ++i)
        if (iterators[i] == utils::IteratorType::reduction) {
          tile[i] = 1;
          innermost = i;
        }
      int64_t block = std::max<int64_t>(kBlockBudget / 4 / tile[loops.n], 1);
      tile[innermost] = roundTo(block, 1, ranges[innermost]);
      int64_t rows = 1;
      if (loops.m >= 0) {
        tile[loops.m] = ranges[loops.m];
        rows = ranges[loops.m];
      }
      // The outer row loop (a convolution's output height).
      int64_t outerRow = getOuterRowLoop(op, loops);
      if (outerRow >= 0) {
        int64_t fit =
            std::max<int64_t>(kOutputBudget / 4 / (rows * tile[loops.n]), 1);
        tile[outerRow] = roundTo(fit, 1, ranges[outerRow]);
      }
    }
  }

  // Threads share the outer tiles: a plan that made a handful of them
  // (a 14x14 layer's whole output in one tile, so that its weights are read
  // once) splits the output rows until there are kMinParallelTiles, if the
  // rows allow. The tiles only split the output, so the results do not
  // change.
  if (loops.n >= 0) {
    auto countTiles = [&] {
      int64_t count = 1;
      for (int64_t i = 0; i < numLoops; ++i)
        if (iterators[i] == utils::IteratorType::parallel && tile[i] > 0)
          count *= llvm::divideCeil(ranges[i], tile[i]);
      return count;
    };
    int64_t outerRow = getOuterRowLoop(op, loops);
    if (outerRow >= 0 && countTiles() < kMinParallelTiles) {
      int64_t extent = ranges[outerRow];
      for (int64_t size = tile[outerRow] - 1; size >= 1; --size) {
        if (extent % size != 0)
          continue;
        tile[outerRow] = size;
        if (countTiles() >= kMinParallelTiles)
          break;
      }
    }
  }

  // Register loops: parallel loops outside (m before n), reductions inside,
  // each group in the op's loop order.
  SmallVector<int64_t> order;
  for (int64_t i = 0; i < numLoops; ++i)
    if (iterators[i] == utils::IteratorType::parallel && i != loops.n)
      order.push_back(i);
  if (loops.n >= 0)
    order.push_back(loops.n);
  for (int64_t i = 0; i < numLoops; ++i)
    if (iterators[i] == utils::IteratorType::reduction)
      order.push_back(i);
  return LoweringAttr::get(op.getContext(), tile, reg, order, unit.lanes);
}

SmallVector<LoweringAttr>
mlir::strata::enumerateLoweringPlans(linalg::LinalgOp op, unsigned bits,
                                     unsigned registers) {
  VectorUnit unit{bits / 32, registers};
  SmallVector<LoweringAttr> plans;
  for (const RegisterTile &tile : rankRegisterTiles(op, unit)) {
    LoweringAttr plan = makePlan(op, unit, tile);
    if (!llvm::is_contained(plans, plan))
      plans.push_back(plan);
  }
  return plans;
}

/// Whether `op` is one the tile-and-vectorize lowering handles: a
/// contraction or convolution on static f32 tensors.
static bool isPlannable(linalg::LinalgOp op) {
  if (!op.hasPureTensorSemantics() || op.hasDynamicShape() ||
      op->getNumResults() != 1 || op.getNumDpsInits() != 1)
    return false;
  if (!getElementTypeOrSelf(op->getResult(0).getType()).isF32())
    return false;
  if (linalg::isaContractionOpInterface(op))
    return true;
  return isa<linalg::Conv2DNhwcHwcfOp, linalg::Conv3DNdhwcDhwcfOp,
             linalg::DepthwiseConv2DNhwcHwcOp, linalg::PoolingNhwcSumOp,
             linalg::PoolingNhwcMaxOp, linalg::PoolingNhwcMinOp>(
             op.getOperation()) ||
         matchGroupedConv2D(op).has_value() ||
         matchBlockedConv2D(op).has_value() ||
         matchBlockedMatmul(op).has_value();
}

namespace {
/// A depthwise convolution with channel multiplier 1 (what TOSA's
/// depthwise_conv2d lowers to) as the multiplier-free op, which has a 1-D
/// form the vectorizer handles.
struct DepthwiseWithoutMultiplier final
    : OpRewritePattern<linalg::DepthwiseConv2DNhwcHwcmOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::DepthwiseConv2DNhwcHwcmOp op,
                                PatternRewriter &rewriter) const override {
    auto filterType = dyn_cast<RankedTensorType>(op.getInputs()[1].getType());
    auto initType = dyn_cast<RankedTensorType>(op.getOutputs()[0].getType());
    if (!filterType || !initType || !op.hasPureTensorSemantics() ||
        filterType.getDimSize(3) != 1)
      return rewriter.notifyMatchFailure(op, "multiplier is not 1");
    Location loc = op.getLoc();
    SmallVector<ReassociationIndices> filterMap = {{0}, {1}, {2, 3}};
    SmallVector<ReassociationIndices> outputMap = {{0}, {1}, {2}, {3, 4}};
    Value filter = tensor::CollapseShapeOp::create(
        rewriter, loc, op.getInputs()[1], filterMap);
    // A fill of the initial value is made again at the lower rank, so that
    // the accumulator is not a view of a rank-5 buffer.
    Value init;
    if (auto fill = op.getOutputs()[0].getDefiningOp<linalg::FillOp>()) {
      SmallVector<int64_t> shape(initType.getShape().drop_back());
      Value empty = tensor::EmptyOp::create(rewriter, loc, shape,
                                            initType.getElementType());
      init = linalg::FillOp::create(rewriter, loc, fill.getInputs()[0], empty)
                 .getResult(0);
    } else {
      init = tensor::CollapseShapeOp::create(rewriter, loc, op.getOutputs()[0],
                                             outputMap);
    }
    auto conv = linalg::DepthwiseConv2DNhwcHwcOp::create(
        rewriter, loc, init.getType(), ValueRange{op.getInputs()[0], filter},
        ValueRange{init}, op.getStrides(), op.getDilations());
    rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(
        op, initType, conv->getResult(0), outputMap);
    return success();
  }
};

/// A depthwise convolution with a channel multiplier above 1 as a grouped
/// convolution (one input channel per group, the multiplier its output
/// channels), which is planned and vectorized like a convolution.
struct DepthwiseWithMultiplier final
    : OpRewritePattern<linalg::DepthwiseConv2DNhwcHwcmOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::DepthwiseConv2DNhwcHwcmOp op,
                                PatternRewriter &rewriter) const override {
    auto inputType = dyn_cast<RankedTensorType>(op.getInputs()[0].getType());
    auto filterType = dyn_cast<RankedTensorType>(op.getInputs()[1].getType());
    if (!inputType || !filterType || !op.hasPureTensorSemantics() ||
        filterType.getDimSize(3) == 1)
      return rewriter.notifyMatchFailure(op, "multiplier is 1");
    Location loc = op.getLoc();
    // NHWC -> NHWC1 (groups of one channel); HWCM -> HWC1M.
    SmallVector<int64_t> inputShape(inputType.getShape());
    inputShape.push_back(1);
    SmallVector<int64_t> filterShape(filterType.getShape());
    filterShape.insert(filterShape.begin() + 3, 1);
    Value input = tensor::ExpandShapeOp::create(
        rewriter, loc, inputType.clone(inputShape), op.getInputs()[0],
        SmallVector<ReassociationIndices>{{0}, {1}, {2}, {3, 4}});
    Value filter = tensor::ExpandShapeOp::create(
        rewriter, loc, filterType.clone(filterShape), op.getInputs()[1],
        SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}, {4}});
    SmallVector<int64_t> strides(op.getStrides().getValues<int64_t>());
    SmallVector<int64_t> dilations(op.getDilations().getValues<int64_t>());
    rewriter.replaceOp(op, buildGroupedConv2D(rewriter, loc, input, filter,
                                              op.getOutputs()[0], strides,
                                              dilations));
    return success();
  }
};

/// Whether `value` is the result of a grouped or blocked op (GroupedConv.h),
/// directly or through elementwise ops (its epilogue).
static bool comesFromSplitOp(Value value) {
  auto op = value.getDefiningOp<linalg::LinalgOp>();
  while (op) {
    if (matchGroupedConv2D(op) || matchBlockedConv2D(op) ||
        matchBlockedMatmul(op))
      return true;
    if (!linalg::isElementwise(op) || op.getNumDpsInputs() == 0)
      return false;
    op = op.getDpsInputOperand(0)->get().getDefiningOp<linalg::LinalgOp>();
  }
  return false;
}

/// An elementwise op of a grouped convolution's epilogue reads per-channel
/// constants broadcast through unit dimensions (`(d0, 0, 0, d3)` of a
/// 1x1x1xC tensor); reshape propagation needs projected permutations, so
/// such an operand is collapsed to its other dimensions first.
struct CollapseBroadcastUnitDims final : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    if (!linalg::isElementwise(op) || !op.hasPureTensorSemantics() ||
        !llvm::any_of(op.getDpsInputs(), [](Value input) {
          auto collapse = input.getDefiningOp<tensor::CollapseShapeOp>();
          return collapse && comesFromSplitOp(collapse.getSrc());
        }))
      return rewriter.notifyMatchFailure(op, "not a grouped conv epilogue");
    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    SmallVector<Value> inputs(op.getDpsInputs());
    bool changed = false;
    for (auto [i, input] : llvm::enumerate(inputs)) {
      auto type = dyn_cast<RankedTensorType>(input.getType());
      if (!type)
        continue;
      SmallVector<AffineExpr> kept;
      SmallVector<int64_t> shape;
      SmallVector<ReassociationIndices> groups;
      ReassociationIndices pending;
      for (auto [dim, expr] : llvm::enumerate(maps[i].getResults())) {
        auto constant = dyn_cast<AffineConstantExpr>(expr);
        pending.push_back(dim);
        if (constant && constant.getValue() == 0 && type.getDimSize(dim) == 1)
          continue;
        kept.push_back(expr);
        shape.push_back(type.getDimSize(dim));
        groups.push_back(pending);
        pending.clear();
      }
      if (kept.size() == maps[i].getNumResults())
        continue;
      if (!groups.empty())
        llvm::append_range(groups.back(), pending);
      else
        groups.clear(); // Rank 0: every dimension goes.
      inputs[i] = tensor::CollapseShapeOp::create(
          rewriter, op.getLoc(), type.clone(shape), input, groups);
      maps[i] = AffineMap::get(maps[i].getNumDims(), 0, kept, op.getContext());
      changed = true;
    }
    if (!changed)
      return rewriter.notifyMatchFailure(op, "no broadcast unit dimension");
    rewriter.modifyOpInPlace(op, [&] {
      op.getInputsMutable().assign(inputs);
      op.setIndexingMapsAttr(rewriter.getAffineMapArrayAttr(maps));
    });
    return success();
  }
};

struct StrataChooseLoweringPass final
    : strata::impl::StrataChooseLoweringBase<StrataChooseLoweringPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (!func->hasAttr(StrataDialect::getKernelAttrName()))
      return;
    std::string error;
    FailureOr<CPUVectorUnit> target = getCPUVectorUnit(cpu, error);
    if (failed(target)) {
      func.emitError() << "strata-choose-lowering: " << error;
      return signalPassFailure();
    }
    unsigned bits = vectorBits ? unsigned(vectorBits) : target->bits;
    if (bits < 64 || !llvm::isPowerOf2_32(bits)) {
      func.emitError() << "strata-choose-lowering: vector-bits must be a "
                          "power of two of at least 64, got "
                       << bits;
      return signalPassFailure();
    }
    VectorUnit unit;
    unit.lanes = bits / 32;
    // Registers follow the vector width asked for (AVX-512 has 32, AVX2
    // 16), else the CPU's.
    unit.registers = registers    ? int64_t(registers)
                     : vectorBits ? (bits >= 512 ? 32 : 16)
                                  : int64_t(target->registers);
    if (unit.registers < 4) {
      func.emitError() << "strata-choose-lowering: registers must be at "
                          "least 4, got "
                       << unit.registers;
      return signalPassFailure();
    }
    // Forms with a vectorizable equivalent are rewritten into it first.
    RewritePatternSet patterns(&getContext());
    patterns.add<DepthwiseWithoutMultiplier, DepthwiseWithMultiplier,
                 CollapseBroadcastUnitDims>(&getContext());
    // The epilogue of a grouped convolution (bias, scale, activation) reads
    // the result with its channels merged again; it is expanded to the
    // convolution's (group, channel) dimensions, the merge moved after it,
    // so that it runs on the convolution's tiles.
    linalg::populateFoldReshapeOpsByExpansionPatterns(
        patterns, [](OpOperand *operand) {
          // A blocked convolution's initial value (a bias broadcast) is
          // made at the blocked shape.
          if (auto expand =
                  dyn_cast<tensor::ExpandShapeOp>(operand->getOwner()))
            return llvm::any_of(expand->getUsers(), [](Operation *user) {
              auto linalgOp = dyn_cast<linalg::LinalgOp>(user);
              return linalgOp && (matchBlockedConv2D(linalgOp) ||
                                  matchBlockedMatmul(linalgOp));
            });
          auto collapse =
              operand->get().getDefiningOp<tensor::CollapseShapeOp>();
          auto consumer = dyn_cast<linalg::LinalgOp>(operand->getOwner());
          return collapse && consumer && linalg::isElementwise(consumer) &&
                 comesFromSplitOp(collapse.getSrc());
        });
    linalg::FillOp::getCanonicalizationPatterns(patterns, &getContext());
    // The epilogue of such a convolution (TOSA's bias add, on the rank-5
    // result) loses the unit multiplier dimension too, so it can be fused
    // into the convolution's tiles.
    linalg::ControlDropUnitDims unitDims;
    unitDims.controlFn = [](Operation *op) -> SmallVector<unsigned> {
      auto generic = dyn_cast<linalg::GenericOp>(op);
      if (!generic)
        return {};
      for (Value input : generic.getDpsInputs())
        if (auto expand = input.getDefiningOp<tensor::ExpandShapeOp>())
          if (expand.getSrc().getDefiningOp<linalg::DepthwiseConv2DNhwcHwcOp>())
            return {generic.getNumLoops() - 1}; // The multiplier.
      return {};
    };
    linalg::populateFoldUnitExtentDimsPatterns(patterns, unitDims);
    tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns,
                                                         &getContext());
    tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, &getContext());
    if (failed(applyPatternsGreedily(func, std::move(patterns))))
      return signalPassFailure();
    StringRef name = StrataDialect::getLoweringAttrName();
    SmallVector<linalg::LinalgOp> ops;
    func.walk([&](linalg::LinalgOp op) {
      if (!op->hasAttr(name) && isPlannable(op))
        ops.push_back(op);
    });
    for (linalg::LinalgOp op : ops) {
      SmallVector<LoweringAttr> plans =
          enumerateLoweringPlans(op, bits, unsigned(unit.registers));
      numCandidates += plans.size();
      FailureOr<LoweringAttr> plan = pick(func, op, plans);
      if (failed(plan))
        return signalPassFailure();
      LLVM_DEBUG(llvm::dbgs()
                 << "plan for " << op->getName() << ": " << *plan << "\n");
      op->setAttr(name, *plan);
      ++numPlans;
    }
  }

  LogicalResult initialize(MLIRContext *context) override {
    StringRef spec = costModel;
    if (spec == "analytic" || spec == "measured")
      return success();
    if (spec != "learned" && !spec.starts_with("learned:"))
      return emitError(UnknownLoc::get(context))
             << "strata-choose-lowering: unknown cost-model '" << spec
             << "'; expected analytic, learned, learned:FILE or measured";
    std::string path = spec.consume_front("learned:")
                           ? spec.str()
                           : getDefaultLearnedModelPath();
    auto loaded = loadLearnedModel(path);
    if (!loaded)
      return emitError(UnknownLoc::get(context))
             << "strata-choose-lowering: "
             << llvm::toString(loaded.takeError());
    model = std::move(*loaded);
    return success();
  }

  /// The plan the cost model prices cheapest (ties: the cycle model's
  /// order).
  FailureOr<LoweringAttr> pick(func::FuncOp func, linalg::LinalgOp op,
                               ArrayRef<LoweringAttr> plans) {
    if (candidate >= 0)
      return plans[std::min<size_t>(candidate, plans.size() - 1)];
    StringRef spec = costModel;
    if (spec == "analytic" || plans.size() == 1)
      return plans.front();
    StringRef name = StrataDialect::getLoweringAttrName();
    // Only the best-ranked: what the learned model was trained on, and
    // what measuring can afford.
    plans = plans.take_front(
        std::min<size_t>(plans.size(), std::max<unsigned>(top, 1)));
    SmallVector<double> seconds;
    if (model) {
      SmallVector<FeatureVector> rows;
      for (LoweringAttr plan : plans) {
        op->setAttr(name, plan);
        FailureOr<FeatureVector> features = extractFeatures(func);
        op->removeAttr(name);
        if (failed(features))
          return plans.front(); // Not priceable: the cycle model's choice.
        rows.push_back(*features);
      }
      if (llvm::Error err = model->predictSeconds(rows, seconds)) {
        func.emitError() << "strata-choose-lowering: "
                         << llvm::toString(std::move(err));
        return failure();
      }
    } else {
      KernelTimer &timer = getTimer();
      if (!timer) {
        func.emitError() << "strata-choose-lowering: cost-model=measured "
                            "needs a kernel timer; the Strata tools "
                            "(strata-opt, strata-run, strata-compile) have "
                            "one, a plugin loaded into mlir-opt does not";
        return failure();
      }
      for (LoweringAttr plan : plans) {
        op->setAttr(name, plan);
        FailureOr<double> time = timer(func);
        op->removeAttr(name);
        if (failed(time)) {
          func.emitError() << "strata-choose-lowering: timing the kernel "
                              "with plan "
                           << plan << " failed";
          return failure();
        }
        seconds.push_back(*time);
      }
    }
    size_t best = 0;
    for (size_t i = 1; i < seconds.size(); ++i)
      if (seconds[i] < seconds[best])
        best = i;
    return plans[best];
  }

  static KernelTimer &getTimer() {
    static KernelTimer timer;
    return timer;
  }

  std::shared_ptr<const LearnedModelFile> model;
};
} // namespace

void mlir::strata::setLoweringPlanTimer(KernelTimer timer) {
  StrataChooseLoweringPass::getTimer() = std::move(timer);
}
