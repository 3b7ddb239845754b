//===- ConvertMisc.cpp - ONNX ops that become masks and constants ---------===//
//
// Operators whose result is a pattern known at import time, applied to the
// data with a select or a comparison: Trilu (a triangular mask), Hardmax
// (compare with an iota along the axis), EyeLike and Range (constants),
// IsNaN and IsInf (comparisons).
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::strata::onnx_import;

/// Boolean constant of `shape` from a predicate on the last two indices.
static Value matrixMask(NodeContext &n, ArrayRef<int64_t> shape,
                        function_ref<bool(int64_t, int64_t)> keep) {
  int64_t rows = shape[shape.size() - 2], cols = shape.back();
  SmallVector<bool> bits;
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j)
      bits.push_back(keep(i, j));
  SmallVector<int64_t> maskShape(shape.size() - 2, 1);
  maskShape.append({rows, cols});
  return constFromAttr(
      n.b, n.loc,
      DenseElementsAttr::get(tensorType(maskShape, n.b.getI1Type()), bits));
}

static LogicalResult convertTrilu(NodeContext &n) {
  if (n.inputRank(0) < 2)
    return n.fail("expects an input of rank >= 2");
  int64_t k = 0;
  if (n.hasInput(1)) {
    FailureOr<SmallVector<int64_t>> kv = n.constIntsInput(1, "k");
    if (failed(kv) || kv->size() != 1)
      return n.fail("k must be a scalar constant");
    k = kv->front();
  }
  bool upper = n.getInt("upper", 1) != 0;
  Value x = n.input(0);
  Value mask = matrixMask(n, n.inputShape(0), [&](int64_t i, int64_t j) {
    return upper ? j - i >= k : j - i <= k;
  });
  Value zero = broadcastTo(n.b, n.loc, scalarLike(n, x, 0), n.inputShape(0));
  mask = broadcastTo(n.b, n.loc, mask, n.inputShape(0));
  n.setOutput(0,
              tosa::SelectOp::create(n.b, n.loc, x.getType(), mask, x, zero));
  return success();
}

static LogicalResult convertEyeLike(NodeContext &n) {
  if (n.inputRank(0) != 2)
    return n.fail("expects a matrix");
  Type et = n.inputElementType(0);
  if (n.hasAttr("dtype")) {
    et = getElementType(n.b.getContext(), n.getInt("dtype", 1));
    if (!et)
      return n.fail("unsupported dtype " +
                    getOnnxTypeName(n.getInt("dtype", 1)));
  }
  int64_t k = n.getInt("k", 0);
  ArrayRef<int64_t> shape = n.inputShape(0);
  SmallVector<int64_t> values;
  for (int64_t i = 0; i < shape[0]; ++i)
    for (int64_t j = 0; j < shape[1]; ++j)
      values.push_back(j - i == k ? 1 : 0);
  n.setOutput(0, intsConst(n.b, n.loc, tensorType(shape, et), values));
  return success();
}

static LogicalResult convertRange(NodeContext &n) {
  Type et = n.inputElementType(0);
  if (et.isInteger(1))
    return n.fail("boolean ranges are not supported");
  FailureOr<SmallVector<double>> start = n.constFloatsInput(0, "start"),
                                 limit = n.constFloatsInput(1, "limit"),
                                 delta = n.constFloatsInput(2, "delta");
  if (failed(start) || failed(limit) || failed(delta))
    return failure();
  if (start->size() != 1 || limit->size() != 1 || delta->size() != 1 ||
      delta->front() == 0)
    return n.fail("start, limit and delta must be scalars, delta non-zero");
  double s = start->front(), l = limit->front(), d = delta->front();
  int64_t count = std::max<int64_t>(0, (int64_t)std::ceil((l - s) / d));
  if (count == 0)
    return n.fail("empty ranges are not supported");
  auto type = tensorType({count}, et);
  SmallVector<Attribute> values;
  for (int64_t i = 0; i < count; ++i) {
    double v = s + i * d;
    values.push_back(isFloat(et)
                         ? Attribute(n.b.getFloatAttr(et, v))
                         : Attribute(n.b.getIntegerAttr(et, (int64_t)v)));
  }
  n.setOutput(0,
              constFromAttr(n.b, n.loc, DenseElementsAttr::get(type, values)));
  return success();
}

static LogicalResult convertHardmax(NodeContext &n) {
  if (failed(n.requireFloat(0)))
    return failure();
  int64_t rank = n.inputRank(0);
  Value x = n.input(0);
  ArrayRef<int64_t> shape = n.inputShape(0);
  int64_t axis;
  SmallVector<int64_t> work(shape);
  if (n.opset < 13) {
    // Coerced to 2-D at `axis`, like Softmax before opset 13.
    int64_t a = n.getInt("axis", 1);
    if (a < 0)
      a += rank;
    if (a < 0 || a > rank)
      return n.fail("axis is out of range");
    int64_t outer = 1, inner = 1;
    for (int64_t i = 0; i < rank; ++i)
      (i < a ? outer : inner) *= shape[i];
    work = {outer, inner};
    x = reshape(n.b, n.loc, x, work);
    axis = 1;
  } else {
    FailureOr<int64_t> a = n.normalizeAxis(n.getInt("axis", -1), rank);
    if (failed(a))
      return failure();
    axis = *a;
  }
  // The first maximal element along the axis: compare an iota with argmax.
  SmallVector<int64_t> reduced;
  for (auto [i, d] : llvm::enumerate(work))
    if ((int64_t)i != axis)
      reduced.push_back(d);
  Type i32 = n.b.getI32Type();
  Value idx = tosa::ArgMaxOp::create(n.b, n.loc, tensorType(reduced, i32), x,
                                     n.b.getI32IntegerAttr(axis));
  SmallVector<int64_t> kept(work);
  kept[axis] = 1;
  idx = reshape(n.b, n.loc, idx, kept);
  SmallVector<int64_t> iotaShape(work.size(), 1), iota;
  iotaShape[axis] = work[axis];
  for (int64_t i = 0; i < work[axis]; ++i)
    iota.push_back(i);
  Value positions = intsConst(n.b, n.loc, tensorType(iotaShape, i32), iota);
  Value hit =
      tosa::EqualOp::create(n.b, n.loc, tensorType(work, n.b.getI1Type()),
                            broadcastTo(n.b, n.loc, positions, work),
                            broadcastTo(n.b, n.loc, idx, work));
  Value y = cast(n.b, n.loc, hit, n.inputElementType(0));
  n.setOutput(0, reshape(n.b, n.loc, y, shape));
  return success();
}

static LogicalResult convertIsNanInf(NodeContext &n) {
  if (failed(n.requireFloat(0)))
    return failure();
  Value x = n.input(0);
  auto boolType = tensorType(n.inputShape(0), n.b.getI1Type());
  if (n.node.op_type() == "IsNaN") {
    // NaN is the only value not equal to itself.
    Value eq = tosa::EqualOp::create(n.b, n.loc, boolType, x, x);
    n.setOutput(0, tosa::LogicalNotOp::create(n.b, n.loc, boolType, eq));
    return success();
  }
  double inf = std::numeric_limits<double>::infinity();
  bool positive = n.getInt("detect_positive", 1) != 0;
  bool negative = n.getInt("detect_negative", 1) != 0;
  Value result = splatConst(n.b, n.loc, boolType, 0);
  if (positive)
    result = tosa::LogicalOrOp::create(
        n.b, n.loc, boolType, result,
        tosa::EqualOp::create(
            n.b, n.loc, boolType, x,
            broadcastTo(n.b, n.loc, scalarLike(n, x, inf), n.inputShape(0))));
  if (negative)
    result = tosa::LogicalOrOp::create(
        n.b, n.loc, boolType, result,
        tosa::EqualOp::create(
            n.b, n.loc, boolType, x,
            broadcastTo(n.b, n.loc, scalarLike(n, x, -inf), n.inputShape(0))));
  n.setOutput(0, result);
  return success();
}

void mlir::strata::onnx_import::addMiscConverters(ConverterTable &t) {
  t["Trilu"] = convertTrilu;
  t["EyeLike"] = convertEyeLike;
  t["Range"] = convertRange;
  t["Hardmax"] = convertHardmax;
  t["IsNaN"] = convertIsNanInf;
  t["IsInf"] = convertIsNanInf;
}
