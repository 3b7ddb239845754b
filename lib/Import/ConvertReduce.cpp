//===- ConvertReduce.cpp - ONNX reductions, ArgMax/ArgMin, softmaxes ------===//
//
// Reduce* ops take their axes from an attribute (older opsets) or an input
// (ReduceSum from opset 13, the others from 18); TOSA reduces one axis at a
// time keeping it, and keepdims=0 becomes a final reshape. Softmax is
// linalg.softmax; opsets before 13 first coerce the input to 2-D at `axis`.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include <cmath>

using namespace mlir;
using namespace mlir::strata::onnx_import;

static SmallVector<int64_t> dropAxes(ArrayRef<int64_t> shape,
                                     ArrayRef<int64_t> axes) {
  SmallVector<int64_t> out;
  for (auto [i, d] : llvm::enumerate(shape))
    if (!llvm::is_contained(axes, (int64_t)i))
      out.push_back(d);
  return out;
}

template <typename OpTy>
static Value reduceEach(NodeContext &n, Value x, ArrayRef<int64_t> axes) {
  for (int64_t axis : axes) {
    SmallVector<int64_t> shape(typeOf(x).getShape());
    shape[axis] = 1;
    x = OpTy::create(n.b, n.loc, tensorType(shape, typeOf(x).getElementType()),
                     x, n.b.getI32IntegerAttr(axis));
  }
  return x;
}

static LogicalResult convertReduce(NodeContext &n) {
  StringRef op = n.node.op_type();
  Value x = n.input(0);
  Type et = n.inputElementType(0);
  int64_t rank = n.inputRank(0);
  bool intOk = op == "ReduceSum" || op == "ReduceMax" || op == "ReduceMin" ||
               op == "ReduceProd";
  if (!intOk && failed(n.requireFloat(0)))
    return failure();
  if (et.isInteger(1))
    return n.fail("boolean inputs are not supported");
  if (rank == 0) {
    n.setOutput(0, x);
    return success();
  }
  // ReduceSum took its axes as an input from opset 13, the others from 18.
  SmallVector<int64_t> axes;
  bool given;
  if (failed(n.getAxes(1, op == "ReduceSum" ? 13 : 18, axes, given)))
    return failure();
  if (axes.empty()) {
    if (n.getInt("noop_with_empty_axes", 0) != 0) {
      n.setOutput(0, x);
      return success();
    }
    for (int64_t i = 0; i < rank; ++i)
      axes.push_back(i);
  }
  // Repeated axes (also -1 next to rank-1) reduce once.
  for (int64_t &a : axes)
    if (a < 0)
      a += rank;
  llvm::sort(axes);
  axes.erase(std::unique(axes.begin(), axes.end()), axes.end());
  if (failed(n.normalizeAxes(axes, rank)))
    return failure();
  bool keepDims = n.getInt("keepdims", 1) != 0;
  for (int64_t a : axes)
    if (n.inputShape(0)[a] == 0)
      return n.fail("reductions over empty dimensions are not supported");

  Value r;
  if (op == "ReduceSum")
    r = reduceSumAxes(n.b, n.loc, x, axes);
  else if (op == "ReduceMean")
    r = reduceMeanAxes(n.b, n.loc, x, axes);
  else if (op == "ReduceMax")
    r = reduceEach<tosa::ReduceMaxOp>(n, x, axes);
  else if (op == "ReduceMin")
    r = reduceEach<tosa::ReduceMinOp>(n, x, axes);
  else if (op == "ReduceProd")
    r = reduceEach<tosa::ReduceProductOp>(n, x, axes);
  else if (op == "ReduceSumSquare")
    r = reduceSumAxes(n.b, n.loc, mul(n.b, n.loc, x, x), axes);
  else if (op == "ReduceL1")
    r = reduceSumAxes(n.b, n.loc,
                      tosa::AbsOp::create(n.b, n.loc, x.getType(), x), axes);
  else if (op == "ReduceL2")
    r = pow(n.b, n.loc, reduceSumAxes(n.b, n.loc, mul(n.b, n.loc, x, x), axes),
            scalarLike(n, x, 0.5));
  else if (op == "ReduceLogSum") {
    Value s = reduceSumAxes(n.b, n.loc, x, axes);
    r = tosa::LogOp::create(n.b, n.loc, s.getType(), s);
  } else if (op == "ReduceLogSumExp") {
    Value m = reduceEach<tosa::ReduceMaxOp>(n, x, axes);
    Value e =
        tosa::ExpOp::create(n.b, n.loc, x.getType(), sub(n.b, n.loc, x, m));
    Value s = reduceSumAxes(n.b, n.loc, e, axes);
    r = add(n.b, n.loc, tosa::LogOp::create(n.b, n.loc, s.getType(), s), m);
  } else {
    return n.fail("internal: no reduction lowering");
  }
  if (!keepDims)
    r = reshape(n.b, n.loc, r, dropAxes(typeOf(r).getShape(), axes));
  n.setOutput(0, r);
  return success();
}

static LogicalResult convertArgMinMax(NodeContext &n) {
  bool isMax = n.node.op_type() == "ArgMax";
  Value x = n.input(0);
  Type et = n.inputElementType(0);
  if (et.isInteger(1))
    return n.fail("boolean inputs are not supported");
  int64_t rank = n.inputRank(0);
  FailureOr<int64_t> axis = n.normalizeAxis(n.getInt("axis", 0), rank);
  if (failed(axis))
    return failure();
  bool keepDims = n.getInt("keepdims", 1) != 0;
  bool last = n.getInt("select_last_index", 0) != 0;
  int64_t dim = n.inputShape(0)[*axis];
  if (!isMax) {
    // argmin(x) = argmax(-x)
    x = tosa::NegateOp::create(n.b, n.loc, x.getType(), x,
                               zeroPoint(n.b, n.loc, et),
                               zeroPoint(n.b, n.loc, et));
  }
  if (last)
    x = tosa::ReverseOp::create(n.b, n.loc, x.getType(), x,
                                n.b.getI32IntegerAttr(*axis));
  SmallVector<int64_t> reduced = dropAxes(n.inputShape(0), {*axis});
  Type i32 = n.b.getI32Type(), i64 = n.b.getI64Type();
  Value idx = tosa::ArgMaxOp::create(n.b, n.loc, tensorType(reduced, i32), x,
                                     n.b.getI32IntegerAttr(*axis));
  if (last)
    idx =
        sub(n.b, n.loc,
            scalarConst(n.b, n.loc, i32, typeOf(idx).getRank(), dim - 1), idx);
  idx = cast(n.b, n.loc, idx, i64);
  if (keepDims) {
    SmallVector<int64_t> kept(n.inputShape(0));
    kept[*axis] = 1;
    idx = reshape(n.b, n.loc, idx, kept);
  }
  n.setOutput(0, idx);
  return success();
}

/// Softmax or log-softmax of `x` along `axis`.
static Value softmax(NodeContext &n, Value x, int64_t axis, bool log) {
  RankedTensorType type = typeOf(x);
  if (!log) {
    Value init = tensor::EmptyOp::create(n.b, n.loc, type.getShape(),
                                         type.getElementType());
    return linalg::SoftmaxOp::create(n.b, n.loc, type, x, init, axis)
        .getResult()[0];
  }
  // x - max - log(sum(exp(x - max)))
  Value shifted = sub(n.b, n.loc, x, reduceMax(n.b, n.loc, x, axis));
  Value sum = reduceSum(n.b, n.loc,
                        tosa::ExpOp::create(n.b, n.loc, type, shifted), axis);
  return sub(n.b, n.loc, shifted,
             tosa::LogOp::create(n.b, n.loc, sum.getType(), sum));
}

static LogicalResult convertSoftmax(NodeContext &n) {
  if (failed(n.requireFloat(0)))
    return failure();
  bool log = n.node.op_type() == "LogSoftmax";
  int64_t rank = n.inputRank(0);
  Value x = n.input(0);
  if (rank == 0)
    return n.fail("expects an input of rank >= 1");
  if (n.opset >= 13) {
    FailureOr<int64_t> axis = n.normalizeAxis(n.getInt("axis", -1), rank);
    if (failed(axis))
      return failure();
    n.setOutput(0, softmax(n, x, *axis, log));
    return success();
  }
  // Before opset 13: coerce to [prod(d < axis), prod(d >= axis)].
  FailureOr<SmallVector<int64_t>> shape2D =
      n.coerceTo2D(0, n.getInt("axis", 1));
  if (failed(shape2D))
    return failure();
  ArrayRef<int64_t> shape = n.inputShape(0);
  Value flat = reshape(n.b, n.loc, x, *shape2D);
  n.setOutput(0, reshape(n.b, n.loc, softmax(n, flat, 1, log), shape));
  return success();
}

void mlir::strata::onnx_import::addReductionConverters(ConverterTable &t) {
  for (StringRef op : {"ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin",
                       "ReduceProd", "ReduceSumSquare", "ReduceL1", "ReduceL2",
                       "ReduceLogSum", "ReduceLogSumExp"})
    t[op] = convertReduce;
  t["ArgMax"] = convertArgMinMax;
  t["ArgMin"] = convertArgMinMax;
  t["Softmax"] = convertSoftmax;
  t["LogSoftmax"] = convertSoftmax;
}
