//===- Helpers.cpp - NodeContext and TOSA emission helpers ----------------===//

#include "Importer.h"

#include "dialects/Strata/IR/StrataOps.h"
#include "strata/Support/Limits.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Matchers.h"

#include <cmath>
#include <limits>
#include <numeric>

using namespace mlir;
using namespace mlir::strata::onnx_import;
namespace onnx_import = mlir::strata::onnx_import;

//===----------------------------------------------------------------------===//
// NodeContext
//===----------------------------------------------------------------------===//

InFlightDiagnostic onnx_import::emitNodeError(Location loc,
                                              const onnx::NodeProto &node,
                                              int64_t opset) {
  InFlightDiagnostic diag = emitError(loc);
  diag << "node ";
  if (!node.name().empty())
    diag << "'" << node.name() << "' ";
  diag << "(" << node.op_type() << ", opset " << opset << "): ";
  return diag;
}

std::string NodeContext::describe() const {
  std::string text = "node ";
  if (!node.name().empty())
    text += "'" + node.name() + "' ";
  return text + "(" + node.op_type() + ", opset " + std::to_string(opset) + ")";
}

Value NodeContext::checkedIndices(Value indices, int64_t size) {
  Value checked = strata::CheckIndexOp::create(
      b, loc, indices.getType(), indices, b.getI64IntegerAttr(size),
      b.getStringAttr(describe()));
  return cast(b, loc, checked, b.getI32Type());
}

LogicalResult NodeContext::fail(const Twine &reason) {
  emitNodeError(errorLoc, node, opset) << reason;
  return failure();
}

LogicalResult NodeContext::requireFloat(unsigned i) {
  if (isFloat(inputElementType(i)))
    return success();
  std::string text;
  llvm::raw_string_ostream os(text);
  os << inputElementType(i);
  return fail("input #" + Twine(i) + " has element type " + text +
              "; only floating-point types are supported here");
}

FailureOr<int64_t> NodeContext::normalizeAxis(int64_t axis, int64_t rank) {
  // A scalar has no axis: every caller indexes the shape with the result.
  int64_t normalized = axis < 0 ? axis + rank : axis;
  if (normalized < 0 || normalized >= rank) {
    (void)fail("axis " + Twine(axis) + " is out of range for rank " +
               Twine(rank));
    return failure();
  }
  return normalized;
}

FailureOr<SmallVector<int64_t>> NodeContext::coerceTo2D(unsigned i,
                                                        int64_t axis) {
  int64_t rank = inputRank(i);
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis > rank) {
    (void)fail("axis is out of range");
    return failure();
  }
  SmallVector<int64_t> flat = {1, 1};
  for (int64_t d = 0; d < rank; ++d)
    flat[d < axis ? 0 : 1] *= inputShape(i)[d];
  return flat;
}

LogicalResult NodeContext::normalizeAxes(SmallVector<int64_t> &axes,
                                         int64_t rank) {
  for (int64_t &a : axes) {
    FailureOr<int64_t> norm = normalizeAxis(a, rank);
    if (failed(norm))
      return failure();
    a = *norm;
  }
  llvm::sort(axes);
  if (std::adjacent_find(axes.begin(), axes.end()) != axes.end())
    return fail("axes has duplicates");
  return success();
}

LogicalResult NodeContext::getAxes(unsigned inputIndex, int64_t inputOpset,
                                   SmallVector<int64_t> &axes, bool &given) {
  given = false;
  axes.clear();
  if (opset >= inputOpset) {
    if (!hasInput(inputIndex))
      return success();
    FailureOr<SmallVector<int64_t>> a = constIntsInput(inputIndex, "axes");
    if (failed(a))
      return failure();
    axes = *a;
    given = true;
    return success();
  }
  if (hasAttr("axes")) {
    axes = getInts("axes");
    given = true;
  }
  return success();
}

const onnx::AttributeProto *NodeContext::findAttr(StringRef name) const {
  for (const onnx::AttributeProto &attr : node.attribute())
    if (attr.name() == name)
      return &attr;
  return nullptr;
}

int64_t NodeContext::getInt(StringRef name, int64_t dflt) const {
  const onnx::AttributeProto *attr = findAttr(name);
  return attr ? attr->i() : dflt;
}

double NodeContext::getFloat(StringRef name, double dflt) const {
  const onnx::AttributeProto *attr = findAttr(name);
  return attr ? attr->f() : dflt;
}

std::string NodeContext::getString(StringRef name, StringRef dflt) const {
  const onnx::AttributeProto *attr = findAttr(name);
  return attr ? attr->s() : dflt.str();
}

SmallVector<int64_t> NodeContext::getInts(StringRef name) const {
  SmallVector<int64_t> values;
  if (const onnx::AttributeProto *attr = findAttr(name))
    values.assign(attr->ints().begin(), attr->ints().end());
  return values;
}

SmallVector<double> NodeContext::getFloats(StringRef name) const {
  SmallVector<double> values;
  if (const onnx::AttributeProto *attr = findAttr(name))
    values.assign(attr->floats().begin(), attr->floats().end());
  return values;
}

std::optional<DenseElementsAttr> NodeContext::constInput(unsigned i) const {
  if (!hasInput(i))
    return std::nullopt;
  DenseElementsAttr attr;
  if (matchPattern(inputs[i], m_Constant(&attr)))
    return attr;
  if (specialize)
    return specialize(inputs[i]);
  return std::nullopt;
}

/// Inputs read on the host at import time (shapes, axes, scales, norm
/// parameters) are small; a splat constant can claim any size, so larger
/// ones are refused instead of expanded.
/// Fails at `n` with "SUBJECT HAS N elements; the importer VERB at most
/// 2^20 at import time" unless `shape` is within kMaxHostConstantElements.
static LogicalResult checkHostLimit(NodeContext &n, ArrayRef<int64_t> shape,
                                    const Twine &subject, StringRef has,
                                    StringRef verb) {
  std::optional<int64_t> count = strata::getCheckedNumElements(shape);
  if (count && *count <= kMaxHostConstantElements)
    return success();
  return n.fail(subject + " " + has + " " +
                (count ? Twine(*count) : Twine("more than 2^63")) +
                " elements; the importer " + verb + " at most " +
                Twine(kMaxHostConstantElements) + " at import time");
}

LogicalResult NodeContext::checkHostElements(ArrayRef<int64_t> shape,
                                             StringRef what) {
  return checkHostLimit(*this, shape, what, "would have", "builds");
}

LogicalResult NodeContext::checkHostConstantSize(unsigned i, StringRef what,
                                                 DenseElementsAttr attr) {
  return checkHostLimit(*this, attr.getType().getShape(),
                        "input #" + Twine(i) + " (" + what + ")", "has",
                        "reads");
}

FailureOr<SmallVector<int64_t>> NodeContext::constIntsInput(unsigned i,
                                                            StringRef what) {
  std::optional<DenseElementsAttr> attr = constInput(i);
  if (!attr || !isa<IntegerType>(attr->getElementType())) {
    (void)fail("input #" + Twine(i) + " (" + what +
               ") must be an integer constant known at import time");
    return failure();
  }
  if (failed(checkHostConstantSize(i, what, *attr)))
    return failure();
  SmallVector<int64_t> values;
  for (const APInt &v : attr->getValues<APInt>())
    values.push_back(v.getSExtValue());
  return values;
}

FailureOr<SmallVector<double>> NodeContext::constFloatsInput(unsigned i,
                                                             StringRef what) {
  std::optional<DenseElementsAttr> attr = constInput(i);
  if (!attr) {
    (void)fail("input #" + Twine(i) + " (" + what +
               ") must be a constant known at import time");
    return failure();
  }
  if (failed(checkHostConstantSize(i, what, *attr)))
    return failure();
  SmallVector<double> values;
  if (isa<FloatType>(attr->getElementType())) {
    for (APFloat v : attr->getValues<APFloat>()) {
      bool lost;
      v.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost);
      values.push_back(v.convertToDouble());
    }
  } else {
    for (const APInt &v : attr->getValues<APInt>())
      values.push_back(double(v.getSExtValue()));
  }
  return values;
}

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

RankedTensorType onnx_import::tensorType(ArrayRef<int64_t> shape,
                                         Type elementType) {
  return RankedTensorType::get(shape, elementType);
}

bool onnx_import::isFloat(Type t) { return isa<FloatType>(t); }

int64_t onnx_import::saturatingCast(double value) {
  // Converting NaN or an out-of-range double to an integer is undefined.
  if (std::isnan(value))
    return 0;
  if (value >= 0x1p63)
    return std::numeric_limits<int64_t>::max();
  if (value < -0x1p63)
    return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(value);
}

static Attribute scalarAttr(Type elementType, double value) {
  if (auto ft = dyn_cast<FloatType>(elementType))
    return FloatAttr::get(ft, value);
  auto it = cast<IntegerType>(elementType);
  if (it.getWidth() == 1)
    return IntegerAttr::get(it, APInt(1, value != 0));
  return IntegerAttr::get(it, APInt(it.getWidth(), saturatingCast(value),
                                    /*isSigned=*/true, /*implicitTrunc=*/true));
}

Value onnx_import::splatConst(OpBuilder &b, Location loc, RankedTensorType type,
                              double value) {
  auto attr =
      DenseElementsAttr::get(type, scalarAttr(type.getElementType(), value));
  return arith::ConstantOp::create(b, loc, attr);
}

Value onnx_import::scalarConst(OpBuilder &b, Location loc, Type elementType,
                               int64_t rank, double value) {
  SmallVector<int64_t> shape(rank, 1);
  return splatConst(b, loc, tensorType(shape, elementType), value);
}

Value onnx_import::scalarLike(NodeContext &n, Value like, double value) {
  return scalarConst(n.b, n.loc, typeOf(like).getElementType(),
                     typeOf(like).getRank(), value);
}

Value onnx_import::intsConst(OpBuilder &b, Location loc, RankedTensorType type,
                             ArrayRef<int64_t> values) {
  SmallVector<Attribute> attrs;
  for (int64_t v : values)
    attrs.push_back(scalarAttr(type.getElementType(), double(v)));
  return arith::ConstantOp::create(b, loc, DenseElementsAttr::get(type, attrs));
}

Value onnx_import::constFromAttr(OpBuilder &b, Location loc,
                                 DenseElementsAttr attr) {
  return arith::ConstantOp::create(b, loc, attr);
}

Value onnx_import::zeroPoint(OpBuilder &b, Location loc, Type elementType) {
  return splatConst(b, loc, tensorType({1}, elementType), 0);
}

Value onnx_import::constShape(OpBuilder &b, Location loc,
                              ArrayRef<int64_t> values) {
  auto type = tensorType({(int64_t)values.size()}, b.getIndexType());
  SmallVector<APInt> ints;
  for (int64_t v : values)
    ints.push_back(APInt(64, v, /*isSigned=*/true));
  return tosa::ConstShapeOp::create(
      b, loc, tosa::shapeType::get(b.getContext(), values.size()),
      DenseIntElementsAttr::get(type, ints));
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

Value onnx_import::reshape(OpBuilder &b, Location loc, Value x,
                           ArrayRef<int64_t> shape) {
  RankedTensorType type = typeOf(x);
  if (type.getShape() == shape)
    return x;
  return tosa::ReshapeOp::create(b, loc,
                                 tensorType(shape, type.getElementType()), x,
                                 constShape(b, loc, shape));
}

Value onnx_import::transpose(OpBuilder &b, Location loc, Value x,
                             ArrayRef<int64_t> perm) {
  RankedTensorType type = typeOf(x);
  bool identity = true;
  SmallVector<int64_t> shape;
  SmallVector<int32_t> perms;
  for (auto [i, p] : llvm::enumerate(perm)) {
    identity &= (int64_t)i == p;
    shape.push_back(type.getDimSize(p));
    perms.push_back(p);
  }
  if (identity)
    return x;
  return tosa::TransposeOp::create(b, loc,
                                   tensorType(shape, type.getElementType()), x,
                                   b.getDenseI32ArrayAttr(perms));
}

Value onnx_import::slice(OpBuilder &b, Location loc, Value x,
                         ArrayRef<int64_t> start, ArrayRef<int64_t> size) {
  RankedTensorType type = typeOf(x);
  if (type.getShape() == size)
    return x;
  return tosa::SliceOp::create(b, loc, tensorType(size, type.getElementType()),
                               x, constShape(b, loc, start),
                               constShape(b, loc, size));
}

Value onnx_import::pad(OpBuilder &b, Location loc, Value x,
                       ArrayRef<int64_t> low, ArrayRef<int64_t> high,
                       double padValue) {
  RankedTensorType type = typeOf(x);
  SmallVector<int64_t> padding, shape;
  bool none = true;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    padding.push_back(low[d]);
    padding.push_back(high[d]);
    none &= low[d] == 0 && high[d] == 0;
    shape.push_back(type.getDimSize(d) + low[d] + high[d]);
  }
  if (none)
    return x;
  Value padConst =
      splatConst(b, loc, tensorType({1}, type.getElementType()), padValue);
  return tosa::PadOp::create(b, loc, tensorType(shape, type.getElementType()),
                             x, constShape(b, loc, padding), padConst);
}

Value onnx_import::cast(OpBuilder &b, Location loc, Value x, Type elementType) {
  RankedTensorType type = typeOf(x);
  if (type.getElementType() == elementType)
    return x;
  return tosa::CastOp::create(b, loc, tensorType(type.getShape(), elementType),
                              x);
}

Value onnx_import::expandRank(OpBuilder &b, Location loc, Value x,
                              int64_t rank) {
  RankedTensorType type = typeOf(x);
  if (type.getRank() >= rank)
    return x;
  SmallVector<int64_t> shape(rank - type.getRank(), 1);
  llvm::append_range(shape, type.getShape());
  return reshape(b, loc, x, shape);
}

FailureOr<SmallVector<int64_t>>
onnx_import::broadcastShapes(ArrayRef<int64_t> a, ArrayRef<int64_t> c) {
  size_t rank = std::max(a.size(), c.size());
  SmallVector<int64_t> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t dc = i < rank - c.size() ? 1 : c[i - (rank - c.size())];
    if (da != dc && da != 1 && dc != 1)
      return failure();
    out[i] = da == 1 ? dc : da;
  }
  return out;
}

Value onnx_import::broadcastTo(OpBuilder &b, Location loc, Value x,
                               ArrayRef<int64_t> shape) {
  x = expandRank(b, loc, x, shape.size());
  RankedTensorType type = typeOf(x);
  if (type.getShape() == shape)
    return x;
  SmallVector<int64_t> multiples;
  for (auto [have, want] : llvm::zip(type.getShape(), shape))
    multiples.push_back(have == want ? 1 : want);
  return tosa::TileOp::create(b, loc, tensorType(shape, type.getElementType()),
                              x, constShape(b, loc, multiples));
}

//===----------------------------------------------------------------------===//
// Arithmetic
//===----------------------------------------------------------------------===//

/// Equal ranks and the broadcast result type, with `elementType` (or the
/// operands' element type).
static RankedTensorType prepareBinary(OpBuilder &b, Location loc, Value &x,
                                      Value &y, Type elementType = {}) {
  int64_t rank = std::max(typeOf(x).getRank(), typeOf(y).getRank());
  x = expandRank(b, loc, x, rank);
  y = expandRank(b, loc, y, rank);
  // Shapes that do not broadcast give x's shape: the op then fails to
  // verify, which the importer reports at the node (it checks every node's
  // ops), instead of crashing here.
  FailureOr<SmallVector<int64_t>> broadcast =
      broadcastShapes(typeOf(x).getShape(), typeOf(y).getShape());
  SmallVector<int64_t> shape = succeeded(broadcast)
                                   ? *broadcast
                                   : SmallVector<int64_t>(typeOf(x).getShape());
  return tensorType(shape,
                    elementType ? elementType : typeOf(x).getElementType());
}

template <typename OpTy>
static Value binary(OpBuilder &b, Location loc, Value x, Value y) {
  RankedTensorType type = prepareBinary(b, loc, x, y);
  return OpTy::create(b, loc, type, x, y);
}

Value onnx_import::add(OpBuilder &b, Location loc, Value x, Value y) {
  return binary<tosa::AddOp>(b, loc, x, y);
}
Value onnx_import::sub(OpBuilder &b, Location loc, Value x, Value y) {
  return binary<tosa::SubOp>(b, loc, x, y);
}
Value onnx_import::mul(OpBuilder &b, Location loc, Value x, Value y) {
  RankedTensorType type = prepareBinary(b, loc, x, y);
  Value shift = splatConst(b, loc, tensorType({1}, b.getI8Type()), 0);
  return tosa::MulOp::create(b, loc, type, x, y, shift);
}
Value onnx_import::div(OpBuilder &b, Location loc, Value x, Value y) {
  Value r = tosa::ReciprocalOp::create(b, loc, y.getType(), y);
  return mul(b, loc, x, r);
}
Value onnx_import::maximum(OpBuilder &b, Location loc, Value x, Value y) {
  return binary<tosa::MaximumOp>(b, loc, x, y);
}
Value onnx_import::minimum(OpBuilder &b, Location loc, Value x, Value y) {
  return binary<tosa::MinimumOp>(b, loc, x, y);
}
Value onnx_import::pow(OpBuilder &b, Location loc, Value x, Value y) {
  return binary<tosa::PowOp>(b, loc, x, y);
}

static SmallVector<int64_t> keptShape(Value x, int64_t axis) {
  SmallVector<int64_t> shape(typeOf(x).getShape());
  shape[axis] = 1;
  return shape;
}

Value onnx_import::reduceSum(OpBuilder &b, Location loc, Value x,
                             int64_t axis) {
  return tosa::ReduceSumOp::create(
      b, loc, tensorType(keptShape(x, axis), typeOf(x).getElementType()), x,
      b.getI32IntegerAttr(axis));
}

Value onnx_import::reduceMax(OpBuilder &b, Location loc, Value x,
                             int64_t axis) {
  return tosa::ReduceMaxOp::create(
      b, loc, tensorType(keptShape(x, axis), typeOf(x).getElementType()), x,
      b.getI32IntegerAttr(axis));
}

Value onnx_import::reduceSumAxes(OpBuilder &b, Location loc, Value x,
                                 ArrayRef<int64_t> axes) {
  for (int64_t axis : axes)
    x = reduceSum(b, loc, x, axis);
  return x;
}

Value onnx_import::reduceMeanAxes(OpBuilder &b, Location loc, Value x,
                                  ArrayRef<int64_t> axes) {
  int64_t count = 1;
  for (int64_t axis : axes)
    count *= typeOf(x).getDimSize(axis);
  Value sum = reduceSumAxes(b, loc, x, axes);
  Type et = typeOf(x).getElementType();
  return mul(b, loc, sum,
             scalarConst(b, loc, et, typeOf(sum).getRank(), 1.0 / count));
}

Value onnx_import::matmul(OpBuilder &b, Location loc, Value x, Value y) {
  RankedTensorType xt = typeOf(x), yt = typeOf(y);
  Type et = xt.getElementType();
  // Promote 1-D operands as NumPy does; the added dimension is dropped
  // from the result.
  bool xVector = xt.getRank() == 1, yVector = yt.getRank() == 1;
  if (xVector)
    x = reshape(b, loc, x, {1, xt.getDimSize(0)});
  if (yVector)
    y = reshape(b, loc, y, {yt.getDimSize(0), 1});
  xt = typeOf(x);
  yt = typeOf(y);
  int64_t m = xt.getDimSize(xt.getRank() - 2);
  int64_t k = xt.getDimSize(xt.getRank() - 1);
  int64_t n = yt.getDimSize(yt.getRank() - 1);
  ArrayRef<int64_t> xBatch = xt.getShape().drop_back(2);
  ArrayRef<int64_t> yBatch = yt.getShape().drop_back(2);
  SmallVector<int64_t> batch = *broadcastShapes(xBatch, yBatch);
  int64_t batchSize = 1;
  for (int64_t d : batch)
    batchSize *= d;

  int64_t yBatchSize = 1;
  for (int64_t d : yBatch)
    yBatchSize *= d;
  // A shared right operand (all of y's batch dimensions are 1): fold the
  // batch into the rows of one matmul. Otherwise materialize the broadcast
  // batch on both sides.
  bool shared = yBatchSize == 1;
  int64_t batches = shared ? 1 : batchSize, rows = shared ? batchSize * m : m;
  SmallVector<int64_t> fullX(batch), fullY(batch);
  fullX.append({m, k});
  fullY.append({k, n});
  Value a = reshape(b, loc, shared ? x : broadcastTo(b, loc, x, fullX),
                    {batches, rows, k});
  Value c = reshape(b, loc, shared ? y : broadcastTo(b, loc, y, fullY),
                    {batches, k, n});
  Value out =
      tosa::MatMulOp::create(b, loc, tensorType({batches, rows, n}, et), a, c,
                             zeroPoint(b, loc, et), zeroPoint(b, loc, et));
  SmallVector<int64_t> shape(batch);
  if (!xVector)
    shape.push_back(m);
  if (!yVector)
    shape.push_back(n);
  return reshape(b, loc, out, shape);
}

Value onnx_import::applyAlongAxis(OpBuilder &b, Location loc, Value x,
                                  int64_t axis, Value matrix) {
  RankedTensorType type = typeOf(x);
  int64_t rank = type.getRank(), in = type.getDimSize(axis);
  int64_t out = typeOf(matrix).getDimSize(1);
  SmallVector<int64_t> perm, inverse(rank);
  for (int64_t d = 0; d < rank; ++d)
    if (d != axis)
      perm.push_back(d);
  perm.push_back(axis);
  for (int64_t d = 0; d < rank; ++d)
    inverse[perm[d]] = d;
  Value moved = transpose(b, loc, x, perm);
  SmallVector<int64_t> movedShape(typeOf(moved).getShape());
  Value flat = reshape(b, loc, moved, {type.getNumElements() / in, in});
  movedShape.back() = out;
  Value y = reshape(b, loc, matmul(b, loc, flat, matrix), movedShape);
  return transpose(b, loc, y, inverse);
}

std::optional<SmallVector<int64_t>> onnx_import::getConstInts(Value v) {
  DenseElementsAttr attr;
  if (!v || !matchPattern(v, m_Constant(&attr)) ||
      !isa<IntegerType>(attr.getElementType()))
    return std::nullopt;
  SmallVector<int64_t> values;
  bool isBool = attr.getElementType().isInteger(1);
  for (const APInt &x : attr.getValues<APInt>())
    values.push_back(isBool ? (int64_t)x.getZExtValue() : x.getSExtValue());
  return values;
}

Value onnx_import::stridedSlice(OpBuilder &b, Location loc, Value x,
                                int64_t axis, int64_t start, int64_t count,
                                int64_t step) {
  SmallVector<int64_t> shape(typeOf(x).getShape());
  int64_t rank = shape.size();
  int64_t dim = shape[axis];
  int64_t span = std::min(dim - start, count * step);
  SmallVector<int64_t> begin(rank, 0), size(shape);
  begin[axis] = start;
  size[axis] = span;
  x = slice(b, loc, x, begin, size);
  if (step == 1)
    return x;
  // Pad to count * step, view as [count, step] and keep column 0.
  SmallVector<int64_t> low(rank, 0), high(rank, 0);
  high[axis] = count * step - span;
  x = pad(b, loc, x, low, high, 0);
  SmallVector<int64_t> split(shape);
  split[axis] = count;
  split.insert(split.begin() + axis + 1, step);
  x = reshape(b, loc, x, split);
  SmallVector<int64_t> begin2(rank + 1, 0), size2(split);
  size2[axis + 1] = 1;
  x = slice(b, loc, x, begin2, size2);
  SmallVector<int64_t> out(shape);
  out[axis] = count;
  return reshape(b, loc, x, out);
}
