//===- ConvertMisc.cpp - ONNX ops that become masks and constants ---------===//
//
// Operators whose result is a pattern known at import time, applied to the
// data with a select or a comparison: Trilu (a triangular mask), Hardmax
// (compare with an iota along the axis), EyeLike and Range (constants),
// IsNaN and IsInf (comparisons), OneHot (iota comparison), CumSum
// (triangular matmul) and GatherElements (tosa.gather on flat positions).
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::strata::onnx_import;

/// Boolean constant of `shape` from a predicate on the last two indices.
static FailureOr<Value> matrixMask(NodeContext &n, ArrayRef<int64_t> shape,
                                   function_ref<bool(int64_t, int64_t)> keep) {
  int64_t rows = shape[shape.size() - 2], cols = shape.back();
  if (failed(n.checkHostElements({rows, cols}, "the mask")))
    return failure();
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
  FailureOr<Value> built =
      matrixMask(n, n.inputShape(0), [&](int64_t i, int64_t j) {
        return upper ? j - i >= k : j - i <= k;
      });
  if (failed(built))
    return failure();
  Value mask = *built;
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
  if (failed(n.checkHostElements(shape, "the identity matrix")))
    return failure();
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
  double steps = std::ceil((l - s) / d);
  if (std::isnan(steps) || steps > double(kMaxHostConstantElements))
    return n.fail("the range has more than " + Twine(kMaxHostConstantElements) +
                  " elements (or its length is not a number)");
  int64_t count = std::max<int64_t>(0, static_cast<int64_t>(steps));
  if (count == 0)
    return n.fail("empty ranges are not supported");
  auto type = tensorType({count}, et);
  SmallVector<Attribute> values;
  for (int64_t i = 0; i < count; ++i) {
    double v = s + i * d;
    values.push_back(
        isFloat(et) ? Attribute(n.b.getFloatAttr(et, v))
                    : Attribute(n.b.getIntegerAttr(et, saturatingCast(v))));
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
    FailureOr<SmallVector<int64_t>> flat = n.coerceTo2D(0, n.getInt("axis", 1));
    if (failed(flat))
      return failure();
    work = *flat;
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
  if (failed(n.checkHostElements(iotaShape, "the position table")))
    return failure();
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

/// Wraps negative indices (i < 0 -> i + size) and casts to i32.
static Value wrapIndices(NodeContext &n, Value idx, int64_t size) {
  Type it = typeOf(idx).getElementType();
  int64_t rank = typeOf(idx).getRank();
  Value isNegative = tosa::GreaterOp::create(
      n.b, n.loc, tensorType(typeOf(idx).getShape(), n.b.getI1Type()),
      scalarConst(n.b, n.loc, it, rank, 0), idx);
  Value wrapped = add(n.b, n.loc, idx, scalarConst(n.b, n.loc, it, rank, size));
  idx = tosa::SelectOp::create(n.b, n.loc, idx.getType(), isNegative, wrapped,
                               idx);
  return cast(n.b, n.loc, idx, n.b.getI32Type());
}

static LogicalResult convertGatherElements(NodeContext &n) {
  int64_t rank = n.inputRank(0);
  if (n.inputRank(1) != rank)
    return n.fail("indices must have the rank of data");
  if (!isa<IntegerType>(n.inputElementType(1)) ||
      n.inputElementType(1).isInteger(1))
    return n.fail("indices must be int32 or int64");
  FailureOr<int64_t> axis = n.normalizeAxis(n.getInt("axis", 0), rank);
  if (failed(axis))
    return failure();
  ArrayRef<int64_t> data = n.inputShape(0), idxShape = n.inputShape(1);
  for (int64_t d = 0; d < rank; ++d)
    if (d != *axis && idxShape[d] > data[d])
      return n.fail("indices exceed data outside the axis");
  // Flat position = base(coordinates off the axis) + index * stride(axis).
  SmallVector<int64_t> strides(rank, 1);
  for (int64_t d = rank - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * data[d + 1];
  int64_t count = 1;
  for (int64_t d : idxShape)
    count *= d;
  if (count == 0)
    return n.fail("empty indices are not supported");
  if (failed(n.checkHostElements(idxShape, "the offset table")))
    return failure();
  SmallVector<int64_t> base;
  for (int64_t i = 0; i < count; ++i) {
    int64_t rest = i, offset = 0;
    for (int64_t d = rank - 1; d >= 0; --d) {
      int64_t coord = rest % idxShape[d];
      rest /= idxShape[d];
      if (d != *axis)
        offset += coord * strides[d];
    }
    base.push_back(offset);
  }
  Type i32 = n.b.getI32Type();
  // Constant indices are checked now; others at run time.
  if (std::optional<SmallVector<int64_t>> constant = getConstInts(n.input(1)))
    for (int64_t i : *constant)
      if (i < -data[*axis] || i >= data[*axis])
        return n.fail("index " + Twine(i) +
                      " is out of range for a dimension of size " +
                      Twine(data[*axis]));
  Value idx = n.checkedIndices(n.input(1), data[*axis]);
  idx = reshape(n.b, n.loc, idx, {1, count});
  Value flat =
      add(n.b, n.loc,
          mul(n.b, n.loc, idx, scalarConst(n.b, n.loc, i32, 2, strides[*axis])),
          intsConst(n.b, n.loc, tensorType({1, count}, i32), base));
  int64_t total = typeOf(n.input(0)).getNumElements();
  Type et = n.inputElementType(0);
  Value values = reshape(n.b, n.loc, n.input(0), {1, total, 1});
  Value gathered = tosa::GatherOp::create(
      n.b, n.loc, tensorType({1, count, 1}, et), values, flat);
  n.setOutput(0, reshape(n.b, n.loc, gathered, idxShape));
  return success();
}

static LogicalResult convertOneHot(NodeContext &n) {
  if (!isa<IntegerType>(n.inputElementType(0)) &&
      !isFloat(n.inputElementType(0)))
    return n.fail("unsupported indices type");
  FailureOr<SmallVector<double>> depthV = n.constFloatsInput(1, "depth");
  if (failed(depthV))
    return failure();
  if (depthV->size() != 1 || !(depthV->front() >= 1) ||
      depthV->front() > double(int64_t(1) << 32))
    return n.fail("depth must be a positive scalar (at most 2^32)");
  int64_t depth = (int64_t)depthV->front();
  int64_t rank = n.inputRank(0) + 1;
  FailureOr<int64_t> axis = n.normalizeAxis(n.getInt("axis", -1), rank);
  if (failed(axis))
    return failure();
  if (n.inputType(2).getNumElements() != 2)
    return n.fail("values must hold [off, on]");
  Value indices = n.input(0);
  if (isFloat(n.inputElementType(0))) {
    // Fractional indices truncate.
    indices = cast(n.b, n.loc, indices, n.b.getI64Type());
  }
  Value idx = wrapIndices(n, indices, depth);
  SmallVector<int64_t> outShape(n.inputShape(0));
  outShape.insert(outShape.begin() + *axis, depth);
  SmallVector<int64_t> kept(outShape);
  kept[*axis] = 1;
  idx = reshape(n.b, n.loc, idx, kept);
  SmallVector<int64_t> iotaShape(rank, 1), iota;
  iotaShape[*axis] = depth;
  if (failed(n.checkHostElements(iotaShape, "the depth table")))
    return failure();
  for (int64_t i = 0; i < depth; ++i)
    iota.push_back(i);
  Type i32 = n.b.getI32Type();
  Value hit = tosa::EqualOp::create(
      n.b, n.loc, tensorType(outShape, n.b.getI1Type()),
      broadcastTo(n.b, n.loc,
                  intsConst(n.b, n.loc, tensorType(iotaShape, i32), iota),
                  outShape),
      broadcastTo(n.b, n.loc, idx, outShape));
  Type vt = n.inputElementType(2);
  Value off = reshape(n.b, n.loc, slice(n.b, n.loc, n.input(2), {0}, {1}),
                      SmallVector<int64_t>(rank, 1));
  Value on = reshape(n.b, n.loc, slice(n.b, n.loc, n.input(2), {1}, {1}),
                     SmallVector<int64_t>(rank, 1));
  n.setOutput(0,
              tosa::SelectOp::create(n.b, n.loc, tensorType(outShape, vt), hit,
                                     broadcastTo(n.b, n.loc, on, outShape),
                                     broadcastTo(n.b, n.loc, off, outShape)));
  return success();
}

/// CumSum on floats: a matmul with a constant (strictly) triangular matrix
/// along the axis, like Resize's interpolation matrices.
static LogicalResult convertCumSum(NodeContext &n) {
  if (!isFloat(n.inputElementType(0)))
    return n.fail("only floating-point CumSum is supported");
  FailureOr<SmallVector<int64_t>> axisV = n.constIntsInput(1, "axis");
  if (failed(axisV))
    return failure();
  if (axisV->size() != 1)
    return n.fail("axis must be a scalar");
  int64_t rank = n.inputRank(0);
  FailureOr<int64_t> axis = n.normalizeAxis(axisV->front(), rank);
  if (failed(axis))
    return failure();
  bool exclusive = n.getInt("exclusive", 0) != 0;
  bool reverse = n.getInt("reverse", 0) != 0;
  int64_t len = n.inputShape(0)[*axis];
  if (failed(n.checkHostElements({len, len}, "the prefix-sum matrix")))
    return failure();
  // M[i][j] = 1 when input i contributes to output j.
  Type et = n.inputElementType(0);
  SmallVector<Attribute> m;
  for (int64_t i = 0; i < len; ++i)
    for (int64_t j = 0; j < len; ++j) {
      bool in =
          reverse ? (exclusive ? i > j : i >= j) : (exclusive ? i < j : i <= j);
      m.push_back(n.b.getFloatAttr(et, in ? 1.0 : 0.0));
    }
  Value mat = constFromAttr(
      n.b, n.loc, DenseElementsAttr::get(tensorType({len, len}, et), m));
  n.setOutput(0, applyAlongAxis(n.b, n.loc, n.input(0), *axis, mat));
  return success();
}

void mlir::strata::onnx_import::addMiscConverters(ConverterTable &t) {
  t["GatherElements"] = convertGatherElements;
  t["OneHot"] = convertOneHot;
  t["CumSum"] = convertCumSum;
  t["Trilu"] = convertTrilu;
  t["EyeLike"] = convertEyeLike;
  t["Range"] = convertRange;
  t["Hardmax"] = convertHardmax;
  t["IsNaN"] = convertIsNanInf;
  t["IsInf"] = convertIsNanInf;
}
