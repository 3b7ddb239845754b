//===- GroupedConv.cpp - Grouped 2-D convolution as one linalg op ---------===//

#include "strata/Support/GroupedConv.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"

#include <numeric>

using namespace mlir;
using namespace mlir::strata;

// Loops of the op buildGroupedConv2D makes, in order (buildBlockedConv2D:
// the block in the group's place).
enum : unsigned { kN, kOH, kOW, kG, kF, kKH, kKW, kC, kNumLoops };

/// `init + lhs * rhs` summed over the reduction loops, as a linalg.generic
/// with `maps` (lhs, rhs, init) over loops of `iterators`.
static Value buildMultiplyAccumulate(OpBuilder &builder, Location loc,
                                     Value lhs, Value rhs, Value init,
                                     ArrayRef<AffineMap> maps,
                                     ArrayRef<utils::IteratorType> iterators) {
  auto op = linalg::GenericOp::create(
      builder, loc, init.getType(), ValueRange{lhs, rhs}, ValueRange{init},
      maps, iterators, [](OpBuilder &b, Location l, ValueRange args) {
        Value product = arith::MulFOp::create(b, l, args[0], args[1]);
        Value sum = arith::AddFOp::create(b, l, args[2], product);
        linalg::YieldOp::create(b, l, sum);
      });
  return op.getResult(0);
}

/// The loop of result `i` of `map`, or -1 if it is not a plain loop.
static int64_t plainLoop(AffineMap map, unsigned i) {
  auto dim = dyn_cast<AffineDimExpr>(map.getResult(i));
  return dim ? int64_t(dim.getPosition()) : -1;
}

/// Whether `op` is a linalg.generic of two inputs and one init over
/// `numLoops` loops.
static bool isTwoInputGeneric(linalg::LinalgOp op, unsigned numLoops) {
  return isa<linalg::GenericOp>(op.getOperation()) &&
         op.getNumDpsInputs() == 2 && op.getNumDpsInits() == 1 &&
         op.getNumLoops() == numLoops;
}

/// The input's window rows and columns, `oh * s + kh * d` and
/// `ow * s + kw * d`, over loops with the output's rows at `oh` (its
/// columns next) and the window's rows at `kh` (its columns next).
static std::pair<AffineExpr, AffineExpr>
getWindowExprs(MLIRContext *context, ArrayRef<int64_t> strides,
               ArrayRef<int64_t> dilations, unsigned oh = kOH,
               unsigned kh = kKH) {
  auto d = [&](unsigned loop) { return getAffineDimExpr(loop, context); };
  return {d(oh) * strides[0] + d(kh) * dilations[0],
          d(oh + 1) * strides[1] + d(kh + 1) * dilations[1]};
}

/// `op` as a 2-D convolution with outer loop `outer`, if its image loops
/// are output dimensions 1 and 2 and its window the filter's dimensions
/// `window` and `window + 1`.
static std::optional<SplitConv2D> matchWindow(linalg::LinalgOp op,
                                              int64_t outer, unsigned window) {
  FailureOr<linalg::ConvolutionDimensions> dims =
      linalg::inferConvolutionDims(op);
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  AffineMap filter = maps[1], output = maps[2];
  if (failed(dims) || dims->outputImage.size() != 2 ||
      dims->filterLoop.size() != 2 || dims->strides.size() != 2 ||
      dims->dilations.size() != 2 ||
      int64_t(dims->outputImage[0]) != plainLoop(output, 1) ||
      int64_t(dims->outputImage[1]) != plainLoop(output, 2) ||
      int64_t(dims->filterLoop[0]) != plainLoop(filter, window) ||
      int64_t(dims->filterLoop[1]) != plainLoop(filter, window + 1))
    return std::nullopt;
  SplitConv2D result;
  result.outerLoop = outer;
  result.strides.assign(dims->strides.begin(), dims->strides.end());
  result.dilations.assign(dims->dilations.begin(), dims->dilations.end());
  return result;
}

/// The iterators of a 2-D convolution's loops (kN ... kC): the window and
/// the input channel reduce.
static SmallVector<utils::IteratorType> getConvIterators() {
  SmallVector<utils::IteratorType> iterators(kNumLoops,
                                             utils::IteratorType::parallel);
  iterators[kKH] = iterators[kKW] = iterators[kC] =
      utils::IteratorType::reduction;
  return iterators;
}

Value mlir::strata::buildGroupedConv2D(OpBuilder &builder, Location loc,
                                       Value input, Value filter, Value init,
                                       ArrayRef<int64_t> strides,
                                       ArrayRef<int64_t> dilations) {
  MLIRContext *context = builder.getContext();
  auto d = [&](unsigned loop) { return getAffineDimExpr(loop, context); };
  auto [h, w] = getWindowExprs(context, strides, dilations);
  SmallVector<AffineMap> maps = {
      AffineMap::get(kNumLoops, 0, {d(kN), h, w, d(kG), d(kC)}, context),
      AffineMap::get(kNumLoops, 0, {d(kKH), d(kKW), d(kG), d(kC), d(kF)},
                     context),
      AffineMap::get(kNumLoops, 0, {d(kN), d(kOH), d(kOW), d(kG), d(kF)},
                     context)};
  return buildMultiplyAccumulate(builder, loc, input, filter, init, maps,
                                 getConvIterators());
}

// Loops of buildShuffledGroupedConv2D: the grouped convolution's, its
// input channel loop the run (kC's place) and one more, the channel of the
// run.
enum : unsigned { kS = kC, kR = kNumLoops, kNumShuffledLoops };

// Loops of buildShuffledGroupedConv2D with groups of super-groups: batch,
// output rows and columns, super-group, group of it, output channel,
// window rows and columns, run, channel of the run's window.
enum : unsigned {
  kWN,
  kWOH,
  kWOW,
  kWSuper,
  kWGroup,
  kWF,
  kWKH,
  kWKW,
  kWRun,
  kWChannel,
  kNumWindowedLoops
};

/// The step between the windows of consecutive groups of a super-group
/// (A in GroupedConv.h): J = A * (P - 1) + W, read off the input's run
/// length J and the filter's P and W.
static int64_t getWindowStep(ShapedType input, ShapedType filter) {
  int64_t subgroups = filter.getDimSize(3), window = filter.getDimSize(5);
  assert(subgroups > 1 && "a filter of rank 7 splits groups in 2 or more");
  return (input.getDimSize(5) - window) / (subgroups - 1);
}

ShuffleWindows mlir::strata::getShuffleWindows(int64_t runs, int64_t perGroup) {
  ShuffleWindows windows;
  windows.subgroups = runs / std::gcd(runs, perGroup);
  windows.runLength = perGroup * windows.subgroups / runs;
  windows.step = perGroup / runs;
  windows.window = windows.runLength - windows.step * (windows.subgroups - 1);
  return windows;
}

/// The maps (input, filter, output) of buildShuffledGroupedConv2D with a
/// filter of rank 7.
static SmallVector<AffineMap> getWindowedMaps(MLIRContext *context,
                                              ArrayRef<int64_t> strides,
                                              ArrayRef<int64_t> dilations,
                                              int64_t step) {
  auto d = [&](unsigned loop) { return getAffineDimExpr(loop, context); };
  auto [h, w] = getWindowExprs(context, strides, dilations, kWOH, kWKH);
  return {
      AffineMap::get(kNumWindowedLoops, 0,
                     {d(kWN), h, w, d(kWRun), d(kWSuper),
                      d(kWGroup) * step + d(kWChannel)},
                     context),
      AffineMap::get(kNumWindowedLoops, 0,
                     {d(kWKH), d(kWKW), d(kWSuper), d(kWGroup), d(kWRun),
                      d(kWChannel), d(kWF)},
                     context),
      AffineMap::get(kNumWindowedLoops, 0,
                     {d(kWN), d(kWOH), d(kWOW), d(kWSuper), d(kWGroup), d(kWF)},
                     context)};
}

/// The iterators of buildShuffledGroupedConv2D with a filter of rank 7.
static SmallVector<utils::IteratorType> getWindowedIterators() {
  SmallVector<utils::IteratorType> iterators(kNumWindowedLoops,
                                             utils::IteratorType::parallel);
  for (unsigned loop : {kWKH, kWKW, kWRun, kWChannel})
    iterators[loop] = utils::IteratorType::reduction;
  return iterators;
}

Value mlir::strata::buildShuffledGroupedConv2D(OpBuilder &builder, Location loc,
                                               Value input, Value filter,
                                               Value init,
                                               ArrayRef<int64_t> strides,
                                               ArrayRef<int64_t> dilations) {
  if (cast<ShapedType>(filter.getType()).getRank() == 7) {
    int64_t step = getWindowStep(cast<ShapedType>(input.getType()),
                                 cast<ShapedType>(filter.getType()));
    return buildMultiplyAccumulate(
        builder, loc, input, filter, init,
        getWindowedMaps(builder.getContext(), strides, dilations, step),
        getWindowedIterators());
  }
  MLIRContext *context = builder.getContext();
  auto d = [&](unsigned loop) { return getAffineDimExpr(loop, context); };
  auto [h, w] = getWindowExprs(context, strides, dilations);
  SmallVector<AffineMap> maps = {
      AffineMap::get(kNumShuffledLoops, 0, {d(kN), h, w, d(kS), d(kG), d(kR)},
                     context),
      AffineMap::get(kNumShuffledLoops, 0,
                     {d(kKH), d(kKW), d(kG), d(kS), d(kR), d(kF)}, context),
      AffineMap::get(kNumShuffledLoops, 0,
                     {d(kN), d(kOH), d(kOW), d(kG), d(kF)}, context)};
  SmallVector<utils::IteratorType> iterators = getConvIterators();
  iterators.push_back(utils::IteratorType::reduction);
  return buildMultiplyAccumulate(builder, loc, input, filter, init, maps,
                                 iterators);
}

/// `op` as a shuffled grouped convolution (buildShuffledGroupedConv2D).
static std::optional<SplitConv2D>
matchShuffledGroupedConv2D(linalg::LinalgOp op) {
  if (!isTwoInputGeneric(op, kNumShuffledLoops) ||
      !linalg::isaConvolutionOpInterface(op))
    return std::nullopt;
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  AffineMap input = maps[0], filter = maps[1], output = maps[2];
  if (input.getNumResults() != 6 || filter.getNumResults() != 6 ||
      output.getNumResults() != 5 || !output.isProjectedPermutation())
    return std::nullopt;
  int64_t n = plainLoop(output, 0), g = plainLoop(output, 3),
          f = plainLoop(output, 4), s = plainLoop(filter, 3),
          r = plainLoop(filter, 4);
  if (s < 0 || r < 0 || plainLoop(input, 0) != n || plainLoop(input, 3) != s ||
      plainLoop(input, 4) != g || plainLoop(input, 5) != r ||
      plainLoop(filter, 2) != g || plainLoop(filter, 5) != f)
    return std::nullopt;
  std::optional<SplitConv2D> result = matchWindow(op, g, /*window=*/0);
  if (result)
    result->runLoop = s;
  return result;
}

/// Whether the body of `op` is buildMultiplyAccumulate's (linalg's
/// convolution interface, which checks it, refuses the op with windows:
/// see isaConvolution).
static bool isMultiplyAccumulate(linalg::LinalgOp op) {
  return linalg::detail::isContractionBody(
      *op.getBlock(), [](Operation *product, Operation *sum) {
        return isa<arith::MulFOp>(product) && isa<arith::AddFOp>(sum);
      });
}

/// `op` as a shuffled grouped convolution with groups of super-groups
/// (buildShuffledGroupedConv2D with a filter of rank 7).
static std::optional<SplitConv2D>
matchWindowedGroupedConv2D(linalg::LinalgOp op) {
  if (!isTwoInputGeneric(op, kNumWindowedLoops))
    return std::nullopt;
  auto inputType = cast<ShapedType>(op.getDpsInputOperand(0)->get().getType());
  auto filterType = cast<ShapedType>(op.getDpsInputOperand(1)->get().getType());
  if (inputType.getRank() != 6 || filterType.getRank() != 7)
    return std::nullopt;
  // The loops are in the builder's order: the maps must be its maps, with
  // the builder's strides and dilations.
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  auto coefficient = [&](AffineExpr expr, unsigned loop) -> int64_t {
    SmallVector<AffineExpr> dims;
    for (unsigned i = 0; i < kNumWindowedLoops; ++i)
      dims.push_back(getAffineConstantExpr(i == loop, op.getContext()));
    auto value = dyn_cast<AffineConstantExpr>(
        simplifyAffineExpr(expr.replaceDims(dims), kNumWindowedLoops, 0));
    return value ? value.getValue() : 0;
  };
  SplitConv2D result;
  result.outerLoop = kWSuper;
  result.runLoop = kWRun;
  result.subgroupLoop = kWGroup;
  result.strides = {coefficient(maps[0].getResult(1), kWOH),
                    coefficient(maps[0].getResult(2), kWOW)};
  result.dilations = {coefficient(maps[0].getResult(1), kWKH),
                      coefficient(maps[0].getResult(2), kWKW)};
  // The step from the map: a tile of one group has lost it from its
  // shapes.
  int64_t step = coefficient(maps[0].getResult(5), kWGroup);
  bool same = maps == getWindowedMaps(op.getContext(), result.strides,
                                      result.dilations, step) &&
              op.getIteratorTypesArray() == getWindowedIterators() &&
              isMultiplyAccumulate(op);
  if (!same)
    return std::nullopt;
  return result;
}

std::optional<SplitConv2D>
mlir::strata::matchGroupedConv2D(linalg::LinalgOp op) {
  if (std::optional<SplitConv2D> shuffled = matchShuffledGroupedConv2D(op))
    return shuffled;
  if (std::optional<SplitConv2D> windowed = matchWindowedGroupedConv2D(op))
    return windowed;
  if (!isTwoInputGeneric(op, kNumLoops) ||
      !linalg::isaConvolutionOpInterface(op))
    return std::nullopt;
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  AffineMap input = maps[0], filter = maps[1], output = maps[2];
  if (input.getNumResults() != 5 || filter.getNumResults() != 5 ||
      output.getNumResults() != 5 || !output.isProjectedPermutation())
    return std::nullopt;
  int64_t n = plainLoop(output, 0), g = plainLoop(output, 3),
          f = plainLoop(output, 4), c = plainLoop(filter, 3);
  if (plainLoop(input, 0) != n || plainLoop(input, 3) != g ||
      plainLoop(filter, 2) != g || plainLoop(filter, 4) != f || c < 0 ||
      plainLoop(input, 4) != c)
    return std::nullopt;
  return matchWindow(op, g, /*window=*/0);
}

bool mlir::strata::isaConvolution(linalg::LinalgOp op) {
  return linalg::isaConvolutionOpInterface(op) ||
         matchWindowedGroupedConv2D(op).has_value();
}

Value mlir::strata::buildBlockedConv2D(OpBuilder &builder, Location loc,
                                       Value input, Value filter, Value init,
                                       ArrayRef<int64_t> strides,
                                       ArrayRef<int64_t> dilations) {
  // The grouped convolution's loops, with the block in the group's place.
  MLIRContext *context = builder.getContext();
  auto d = [&](unsigned loop) { return getAffineDimExpr(loop, context); };
  auto [h, w] = getWindowExprs(context, strides, dilations);
  SmallVector<AffineMap> maps = {
      AffineMap::get(kNumLoops, 0, {d(kN), h, w, d(kC)}, context),
      AffineMap::get(kNumLoops, 0, {d(kG), d(kKH), d(kKW), d(kC), d(kF)},
                     context),
      AffineMap::get(kNumLoops, 0, {d(kN), d(kOH), d(kOW), d(kG), d(kF)},
                     context)};
  return buildMultiplyAccumulate(builder, loc, input, filter, init, maps,
                                 getConvIterators());
}

std::optional<SplitConv2D>
mlir::strata::matchBlockedConv2D(linalg::LinalgOp op) {
  if (!isTwoInputGeneric(op, kNumLoops) ||
      !linalg::isaConvolutionOpInterface(op))
    return std::nullopt;
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  AffineMap input = maps[0], filter = maps[1], output = maps[2];
  if (input.getNumResults() != 4 || filter.getNumResults() != 5 ||
      output.getNumResults() != 5 || !output.isProjectedPermutation())
    return std::nullopt;
  int64_t n = plainLoop(output, 0), block = plainLoop(output, 3),
          f = plainLoop(output, 4), c = plainLoop(filter, 3);
  if (plainLoop(input, 0) != n || plainLoop(filter, 0) != block ||
      plainLoop(filter, 4) != f || c < 0 || plainLoop(input, 3) != c ||
      input.isFunctionOfDim(block))
    return std::nullopt;
  return matchWindow(op, block, /*window=*/1);
}

// Loops of the blocked matmul: batch, rows, block, column of the block,
// reduction.
enum : unsigned { kMB, kMM, kMBlock, kMN, kMK, kMatmulLoops };

Value mlir::strata::buildBlockedMatmul(OpBuilder &builder, Location loc,
                                       Value lhs, Value rhs, Value init) {
  MLIRContext *context = builder.getContext();
  auto d = [&](unsigned loop) { return getAffineDimExpr(loop, context); };
  SmallVector<AffineMap> maps = {
      AffineMap::get(kMatmulLoops, 0, {d(kMB), d(kMM), d(kMK)}, context),
      AffineMap::get(kMatmulLoops, 0, {d(kMBlock), d(kMK), d(kMN)}, context),
      AffineMap::get(kMatmulLoops, 0, {d(kMB), d(kMM), d(kMBlock), d(kMN)},
                     context)};
  SmallVector<utils::IteratorType> iterators(kMatmulLoops,
                                             utils::IteratorType::parallel);
  iterators[kMK] = utils::IteratorType::reduction;
  return buildMultiplyAccumulate(builder, loc, lhs, rhs, init, maps, iterators);
}

std::optional<int64_t> mlir::strata::matchBlockedMatmul(linalg::LinalgOp op) {
  if (!isTwoInputGeneric(op, kMatmulLoops) ||
      !linalg::isaContractionOpInterface(op))
    return std::nullopt;
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  for (AffineMap map : maps)
    if (!map.isProjectedPermutation())
      return std::nullopt;
  auto loop = plainLoop;
  AffineMap lhs = maps[0], rhs = maps[1], out = maps[2];
  if (lhs.getNumResults() != 3 || rhs.getNumResults() != 3 ||
      out.getNumResults() != 4)
    return std::nullopt;
  int64_t b = loop(out, 0), m = loop(out, 1), block = loop(out, 2),
          n = loop(out, 3), k = loop(lhs, 2);
  if (loop(lhs, 0) != b || loop(lhs, 1) != m || loop(rhs, 0) != block ||
      loop(rhs, 1) != k || loop(rhs, 2) != n ||
      op.getIteratorTypesArray()[k] != utils::IteratorType::reduction)
    return std::nullopt;
  return block;
}
