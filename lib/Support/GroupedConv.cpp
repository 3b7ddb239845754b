//===- GroupedConv.cpp - Grouped 2-D convolution as one linalg op ---------===//

#include "strata/Support/GroupedConv.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"

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
  AffineExpr h = d(kOH) * strides[0] + d(kKH) * dilations[0];
  AffineExpr w = d(kOW) * strides[1] + d(kKW) * dilations[1];
  SmallVector<AffineMap> maps = {
      AffineMap::get(kNumLoops, 0, {d(kN), h, w, d(kG), d(kC)}, context),
      AffineMap::get(kNumLoops, 0, {d(kKH), d(kKW), d(kG), d(kC), d(kF)},
                     context),
      AffineMap::get(kNumLoops, 0, {d(kN), d(kOH), d(kOW), d(kG), d(kF)},
                     context)};
  return buildMultiplyAccumulate(builder, loc, input, filter, init, maps,
                                 getConvIterators());
}

std::optional<GroupedConv2D>
mlir::strata::matchGroupedConv2D(linalg::LinalgOp op) {
  if (!isa<linalg::GenericOp>(op.getOperation()) || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || op.getNumLoops() != kNumLoops ||
      !linalg::isaConvolutionOpInterface(op))
    return std::nullopt;
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  for (AffineMap map : maps)
    if (map.getNumResults() != 5)
      return std::nullopt;
  AffineMap input = maps[0], filter = maps[1], output = maps[2];
  if (!output.isProjectedPermutation())
    return std::nullopt;
  // The loop of result `i` of `map`, or -1 if it is not a plain loop.
  auto loop = [](AffineMap map, unsigned i) -> int64_t {
    auto dim = dyn_cast<AffineDimExpr>(map.getResult(i));
    return dim ? int64_t(dim.getPosition()) : -1;
  };
  int64_t n = loop(output, 0), g = loop(output, 3), f = loop(output, 4);
  int64_t c = loop(filter, 3);
  if (loop(input, 0) != n || loop(input, 3) != g || loop(filter, 2) != g ||
      loop(filter, 4) != f || c < 0 || loop(input, 4) != c)
    return std::nullopt;
  FailureOr<linalg::ConvolutionDimensions> dims =
      linalg::inferConvolutionDims(op);
  if (failed(dims) || dims->depth.size() != 1 ||
      dims->depth[0] != unsigned(g) || dims->outputImage.size() != 2 ||
      dims->filterLoop.size() != 2 || dims->strides.size() != 2 ||
      dims->dilations.size() != 2)
    return std::nullopt;
  // The image loops must be output dimensions 1 and 2, and the window's
  // filter dimensions 0 and 1, in that order.
  if (int64_t(dims->outputImage[0]) != loop(output, 1) ||
      int64_t(dims->outputImage[1]) != loop(output, 2) ||
      int64_t(dims->filterLoop[0]) != loop(filter, 0) ||
      int64_t(dims->filterLoop[1]) != loop(filter, 1))
    return std::nullopt;
  GroupedConv2D result;
  result.groupLoop = g;
  result.strides.assign(dims->strides.begin(), dims->strides.end());
  result.dilations.assign(dims->dilations.begin(), dims->dilations.end());
  return result;
}

Value mlir::strata::buildBlockedConv2D(OpBuilder &builder, Location loc,
                                       Value input, Value filter, Value init,
                                       ArrayRef<int64_t> strides,
                                       ArrayRef<int64_t> dilations) {
  // Loops: n, oh, ow, block, channel of the block, kh, kw, c (the grouped
  // convolution's, with the block in the group's place).
  MLIRContext *context = builder.getContext();
  auto d = [&](unsigned loop) { return getAffineDimExpr(loop, context); };
  AffineExpr h = d(kOH) * strides[0] + d(kKH) * dilations[0];
  AffineExpr w = d(kOW) * strides[1] + d(kKW) * dilations[1];
  SmallVector<AffineMap> maps = {
      AffineMap::get(kNumLoops, 0, {d(kN), h, w, d(kC)}, context),
      AffineMap::get(kNumLoops, 0, {d(kG), d(kKH), d(kKW), d(kC), d(kF)},
                     context),
      AffineMap::get(kNumLoops, 0, {d(kN), d(kOH), d(kOW), d(kG), d(kF)},
                     context)};
  return buildMultiplyAccumulate(builder, loc, input, filter, init, maps,
                                 getConvIterators());
}

std::optional<BlockedConv2D>
mlir::strata::matchBlockedConv2D(linalg::LinalgOp op) {
  if (!isa<linalg::GenericOp>(op.getOperation()) || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || op.getNumLoops() != kNumLoops ||
      !linalg::isaConvolutionOpInterface(op))
    return std::nullopt;
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  AffineMap input = maps[0], filter = maps[1], output = maps[2];
  if (input.getNumResults() != 4 || filter.getNumResults() != 5 ||
      output.getNumResults() != 5 || !output.isProjectedPermutation())
    return std::nullopt;
  auto loop = [](AffineMap map, unsigned i) -> int64_t {
    auto dim = dyn_cast<AffineDimExpr>(map.getResult(i));
    return dim ? int64_t(dim.getPosition()) : -1;
  };
  int64_t n = loop(output, 0), block = loop(output, 3), f = loop(output, 4);
  int64_t c = loop(filter, 3);
  if (loop(input, 0) != n || loop(filter, 0) != block || loop(filter, 4) != f ||
      c < 0 || loop(input, 3) != c || input.isFunctionOfDim(block))
    return std::nullopt;
  FailureOr<linalg::ConvolutionDimensions> dims =
      linalg::inferConvolutionDims(op);
  if (failed(dims) || dims->outputImage.size() != 2 ||
      dims->filterLoop.size() != 2 || dims->strides.size() != 2 ||
      dims->dilations.size() != 2 ||
      int64_t(dims->outputImage[0]) != loop(output, 1) ||
      int64_t(dims->outputImage[1]) != loop(output, 2) ||
      int64_t(dims->filterLoop[0]) != loop(filter, 1) ||
      int64_t(dims->filterLoop[1]) != loop(filter, 2))
    return std::nullopt;
  BlockedConv2D result;
  result.blockLoop = block;
  result.strides.assign(dims->strides.begin(), dims->strides.end());
  result.dilations.assign(dims->dilations.begin(), dims->dilations.end());
  return result;
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
  if (!isa<linalg::GenericOp>(op.getOperation()) || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || op.getNumLoops() != kMatmulLoops ||
      !linalg::isaContractionOpInterface(op))
    return std::nullopt;
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  for (AffineMap map : maps)
    if (!map.isProjectedPermutation())
      return std::nullopt;
  auto loop = [](AffineMap map, unsigned i) -> int64_t {
    return cast<AffineDimExpr>(map.getResult(i)).getPosition();
  };
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
