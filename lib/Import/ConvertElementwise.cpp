//===- ConvertElementwise.cpp - ONNX elementwise ops to TOSA --------------===//
//
// Unary math, activations, binary arithmetic with multidirectional
// broadcasting, comparisons and logic, Where, Clip, Cast and the variadic
// Sum/Mean/Max/Min. Operands of different ranks are reshaped to a common
// rank (TOSA broadcasts only dimensions of size 1 at equal rank).
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::strata::onnx_import;

template <typename OpTy>
static Value unary(NodeContext &n, Value x) {
  return OpTy::create(n.b, n.loc, x.getType(), x);
}

/// Boolean result of a comparison, after rank equalization.
template <typename OpTy>
static Value compare(NodeContext &n, Value x, Value y) {
  int64_t rank = std::max(typeOf(x).getRank(), typeOf(y).getRank());
  x = expandRank(n.b, n.loc, x, rank);
  y = expandRank(n.b, n.loc, y, rank);
  SmallVector<int64_t> shape =
      *broadcastShapes(typeOf(x).getShape(), typeOf(y).getShape());
  return OpTy::create(n.b, n.loc, tensorType(shape, n.b.getI1Type()), x, y);
}

static Value select(NodeContext &n, Value cond, Value x, Value y) {
  int64_t rank = std::max(
      {typeOf(cond).getRank(), typeOf(x).getRank(), typeOf(y).getRank()});
  cond = expandRank(n.b, n.loc, cond, rank);
  x = expandRank(n.b, n.loc, x, rank);
  y = expandRank(n.b, n.loc, y, rank);
  SmallVector<int64_t> shape = *broadcastShapes(
      *broadcastShapes(typeOf(cond).getShape(), typeOf(x).getShape()),
      typeOf(y).getShape());
  return tosa::SelectOp::create(
      n.b, n.loc, tensorType(shape, typeOf(x).getElementType()), cond, x, y);
}

static Value clamp(NodeContext &n, Value x, double lo, double hi) {
  Type et = typeOf(x).getElementType();
  Attribute loAttr, hiAttr;
  if (auto ft = dyn_cast<FloatType>(et)) {
    loAttr = n.b.getFloatAttr(ft, lo);
    hiAttr = n.b.getFloatAttr(ft, hi);
  } else {
    auto it = cast<IntegerType>(et);
    // Saturate in integers (converting an out-of-range double or NaN is
    // undefined); a NaN bound is no bound.
    auto clampTo = [&](double v, bool upper) -> int64_t {
      int64_t max = APInt::getSignedMaxValue(it.getWidth()).getSExtValue();
      int64_t min = APInt::getSignedMinValue(it.getWidth()).getSExtValue();
      if (std::isnan(v))
        return upper ? max : min;
      return std::clamp(saturatingCast(v), min, max);
    };
    loAttr = n.b.getIntegerAttr(it, clampTo(lo, /*upper=*/false));
    hiAttr = n.b.getIntegerAttr(it, clampTo(hi, /*upper=*/true));
  }
  return tosa::ClampOp::create(n.b, n.loc, x.getType(), x, loAttr, hiAttr);
}

static Value exp(NodeContext &n, Value x) { return unary<tosa::ExpOp>(n, x); }

/// alpha * (exp(x) - 1) for x < 0, else x.
static Value elu(NodeContext &n, Value x, double alpha) {
  Value negative =
      mul(n.b, n.loc, sub(n.b, n.loc, exp(n, x), scalarLike(n, x, 1.0)),
          scalarLike(n, x, alpha));
  Value isPositive = compare<tosa::GreaterOp>(n, x, scalarLike(n, x, 0.0));
  return select(n, isPositive, x, negative);
}

/// max(0, min(1, alpha * x + beta)).
static Value hardSigmoid(NodeContext &n, Value x, double alpha, double beta) {
  Value y = add(n.b, n.loc, mul(n.b, n.loc, x, scalarLike(n, x, alpha)),
                scalarLike(n, x, beta));
  return clamp(n, y, 0.0, 1.0);
}

static LogicalResult convertUnary(NodeContext &n) {
  StringRef op = n.node.op_type();
  Value x = n.input(0);
  Type et = n.inputElementType(0);
  // Integer shape arithmetic on constants folds.
  if (op == "Neg" || op == "Abs" || op == "Identity") {
    std::optional<SmallVector<int64_t>> values = getConstInts(x);
    if (values && !et.isInteger(1) && values->size() <= 4096) {
      for (int64_t &v : *values)
        v = op == "Neg" ? -v : op == "Abs" ? std::abs(v) : v;
      n.setOutput(0, intsConst(n.b, n.loc, typeOf(x), *values));
      return success();
    }
  }
  bool intOk = op == "Abs" || op == "Neg" || op == "Relu" || op == "Identity" ||
               op == "Sign";
  if (!intOk && failed(n.requireFloat(0)))
    return failure();
  if (isa<IntegerType>(et) && et.isInteger(1) && op != "Identity")
    return n.fail("boolean inputs are not supported");
  Value r;
  if (op == "Identity")
    r = x;
  else if (op == "Relu")
    r = clamp(n, x, 0.0, std::numeric_limits<double>::infinity());
  else if (op == "Sigmoid")
    r = unary<tosa::SigmoidOp>(n, x);
  else if (op == "Tanh")
    r = unary<tosa::TanhOp>(n, x);
  else if (op == "Exp")
    r = exp(n, x);
  else if (op == "Log")
    r = unary<tosa::LogOp>(n, x);
  else if (op == "Abs")
    r = unary<tosa::AbsOp>(n, x);
  else if (op == "Neg")
    r = tosa::NegateOp::create(n.b, n.loc, x.getType(), x,
                               zeroPoint(n.b, n.loc, et),
                               zeroPoint(n.b, n.loc, et));
  else if (op == "Reciprocal")
    r = unary<tosa::ReciprocalOp>(n, x);
  else if (op == "Floor")
    r = unary<tosa::FloorOp>(n, x);
  else if (op == "Ceil")
    r = unary<tosa::CeilOp>(n, x);
  else if (op == "Sin")
    r = unary<tosa::SinOp>(n, x);
  else if (op == "Cos")
    r = unary<tosa::CosOp>(n, x);
  else if (op == "Erf")
    r = unary<tosa::ErfOp>(n, x);
  else if (op == "Sqrt")
    r = pow(n.b, n.loc, x, scalarLike(n, x, 0.5));
  else if (op == "Softplus")
    r = unary<tosa::LogOp>(n, add(n.b, n.loc, exp(n, x), scalarLike(n, x, 1)));
  else if (op == "Softsign")
    r = div(n.b, n.loc, x,
            add(n.b, n.loc, unary<tosa::AbsOp>(n, x), scalarLike(n, x, 1)));
  else if (op == "Sign") {
    Value zero = scalarLike(n, x, 0), one = scalarLike(n, x, 1),
          minusOne = scalarLike(n, x, -1);
    r = select(n, compare<tosa::GreaterOp>(n, x, zero),
               broadcastTo(n.b, n.loc, one, typeOf(x).getShape()),
               select(n, compare<tosa::GreaterOp>(n, zero, x),
                      broadcastTo(n.b, n.loc, minusOne, typeOf(x).getShape()),
                      broadcastTo(n.b, n.loc, zero, typeOf(x).getShape())));
  } else if (op == "LeakyRelu") {
    double alpha = n.getFloat("alpha", 0.01);
    Value scaled = mul(n.b, n.loc, x, scalarLike(n, x, alpha));
    r = select(n, compare<tosa::GreaterOp>(n, scalarLike(n, x, 0), x), scaled,
               x);
  } else if (op == "Elu") {
    r = elu(n, x, n.getFloat("alpha", 1.0));
  } else if (op == "Selu") {
    double alpha = n.getFloat("alpha", 1.67326319217681884765625);
    double gamma = n.getFloat("gamma", 1.05070102214813232421875);
    r = mul(n.b, n.loc, elu(n, x, alpha), scalarLike(n, x, gamma));
  } else if (op == "Celu") {
    double alpha = n.getFloat("alpha", 1.0);
    // max(0,x) + min(0, alpha*(exp(x/alpha)-1))
    Value e = sub(n.b, n.loc,
                  exp(n, mul(n.b, n.loc, x, scalarLike(n, x, 1.0 / alpha))),
                  scalarLike(n, x, 1));
    r = add(n.b, n.loc, maximum(n.b, n.loc, x, scalarLike(n, x, 0)),
            minimum(n.b, n.loc, mul(n.b, n.loc, e, scalarLike(n, x, alpha)),
                    scalarLike(n, x, 0)));
  } else if (op == "HardSigmoid") {
    r = hardSigmoid(n, x, n.getFloat("alpha", 0.2), n.getFloat("beta", 0.5));
  } else if (op == "HardSwish") {
    r = mul(n.b, n.loc, x, hardSigmoid(n, x, 1.0 / 6, 0.5));
  } else if (op == "ThresholdedRelu") {
    double alpha = n.getFloat("alpha", 1.0);
    r = select(
        n, compare<tosa::GreaterOp>(n, x, scalarLike(n, x, alpha)), x,
        broadcastTo(n.b, n.loc, scalarLike(n, x, 0), typeOf(x).getShape()));
  } else if (op == "Gelu") {
    std::string approximate = n.getString("approximate", "none");
    if (approximate == "none") {
      // 0.5 * x * (1 + erf(x / sqrt(2)))
      Value e = unary<tosa::ErfOp>(
          n, mul(n.b, n.loc, x, scalarLike(n, x, M_SQRT1_2)));
      r = mul(n.b, n.loc, mul(n.b, n.loc, x, scalarLike(n, x, 0.5)),
              add(n.b, n.loc, e, scalarLike(n, x, 1)));
    } else if (approximate == "tanh") {
      // 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3)))
      Value cube = mul(n.b, n.loc, mul(n.b, n.loc, x, x), x);
      Value inner =
          add(n.b, n.loc, x, mul(n.b, n.loc, cube, scalarLike(n, x, 0.044715)));
      Value t = unary<tosa::TanhOp>(
          n, mul(n.b, n.loc, inner, scalarLike(n, x, std::sqrt(2.0 / M_PI))));
      r = mul(n.b, n.loc, mul(n.b, n.loc, x, scalarLike(n, x, 0.5)),
              add(n.b, n.loc, t, scalarLike(n, x, 1)));
    } else {
      return n.fail("unsupported approximate '" + approximate + "'");
    }
  } else if (op == "Mish") {
    // x * tanh(softplus(x))
    Value sp =
        unary<tosa::LogOp>(n, add(n.b, n.loc, exp(n, x), scalarLike(n, x, 1)));
    r = mul(n.b, n.loc, x, unary<tosa::TanhOp>(n, sp));
  } else {
    return n.fail("internal: no unary lowering");
  }
  n.setOutput(0, r);
  return success();
}

/// Float math TOSA has no op for: the math dialect on whole tensors, which
/// the pipelines turn into linalg.generic (convert-elementwise-to-linalg).
static LogicalResult convertMathUnary(NodeContext &n) {
  if (failed(n.requireFloat(0)))
    return failure();
  StringRef op = n.node.op_type();
  Value x = n.input(0);
  Value r;
  if (op == "Tan")
    r = math::TanOp::create(n.b, n.loc, x);
  else if (op == "Asin")
    r = math::AsinOp::create(n.b, n.loc, x);
  else if (op == "Acos")
    r = math::AcosOp::create(n.b, n.loc, x);
  else if (op == "Atan")
    r = math::AtanOp::create(n.b, n.loc, x);
  else if (op == "Sinh")
    r = math::SinhOp::create(n.b, n.loc, x);
  else if (op == "Cosh")
    r = math::CoshOp::create(n.b, n.loc, x);
  else if (op == "Asinh")
    r = math::AsinhOp::create(n.b, n.loc, x);
  else if (op == "Acosh")
    r = math::AcoshOp::create(n.b, n.loc, x);
  else if (op == "Atanh")
    r = math::AtanhOp::create(n.b, n.loc, x);
  else if (op == "Round") // halves to even, as ONNX specifies
    r = math::RoundEvenOp::create(n.b, n.loc, x);
  else
    return n.fail("internal: no math lowering");
  n.setOutput(0, r);
  return success();
}

static LogicalResult convertDropout(NodeContext &n) {
  // Inference: the identity; the optional mask is all true.
  if (n.opset >= 12 && n.hasInput(2)) {
    std::optional<DenseElementsAttr> training = n.constInput(2);
    // Training with ratio 0 drops nothing: still the identity.
    std::optional<DenseElementsAttr> ratio = n.constInput(1);
    bool keepsAll = ratio && isa<FloatType>(ratio->getElementType()) &&
                    ratio->isSplat() &&
                    ratio->getSplatValue<APFloat>().isZero();
    if ((!training || training->getSplatValue<bool>()) && !keepsAll)
      return n.fail("training mode is not supported (training_mode must be "
                    "a false constant, or ratio 0)");
  }
  n.setOutput(0, n.input(0));
  if (n.hasOutput(1))
    n.setOutput(1,
                splatConst(n.b, n.loc,
                           tensorType(n.inputShape(0), n.b.getI1Type()), 1.0));
  return success();
}

static LogicalResult checkBroadcast(NodeContext &n, ArrayRef<Value> operands) {
  SmallVector<int64_t> shape(typeOf(operands[0]).getShape());
  for (Value v : operands.drop_front()) {
    FailureOr<SmallVector<int64_t>> s =
        broadcastShapes(shape, typeOf(v).getShape());
    if (failed(s))
      return n.fail("operand shapes cannot be broadcast together");
    shape = *s;
  }
  return success();
}

/// Folds integer arithmetic on small constants (shape computations such as
/// Shape -> Sub -> ConstantOfShape), with NumPy broadcasting.
static Value foldIntBinary(NodeContext &n, StringRef op, Value x, Value y) {
  std::optional<SmallVector<int64_t>> a = getConstInts(x), c = getConstInts(y);
  Type et = typeOf(x).getElementType();
  if (!a || !c || a->size() > 4096 || c->size() > 4096 || et.isInteger(1) ||
      !(op == "Add" || op == "Sub" || op == "Mul" || op == "Div"))
    return {};
  FailureOr<SmallVector<int64_t>> shape =
      broadcastShapes(typeOf(x).getShape(), typeOf(y).getShape());
  if (failed(shape))
    return {};
  int64_t rank = shape->size(), total = 1;
  for (int64_t d : *shape)
    total *= d;
  auto index = [&](ArrayRef<int64_t> s, int64_t linear) {
    // Position in an operand of shape `s` broadcast to `shape`.
    int64_t offset = 0, stride = 1;
    for (int64_t d = rank - 1, k = (int64_t)s.size() - 1; d >= 0; --d, --k) {
      int64_t coord = linear % (*shape)[d];
      linear /= (*shape)[d];
      if (k >= 0) {
        offset += (s[k] == 1 ? 0 : coord) * stride;
        stride *= s[k];
      }
    }
    return offset;
  };
  SmallVector<int64_t> values;
  for (int64_t i = 0; i < total; ++i) {
    int64_t l = (*a)[index(typeOf(x).getShape(), i)];
    int64_t r = (*c)[index(typeOf(y).getShape(), i)];
    if (op == "Div" && r == 0)
      return {};
    values.push_back(op == "Add"   ? l + r
                     : op == "Sub" ? l - r
                     : op == "Mul" ? l * r
                                   : l / r);
  }
  return intsConst(n.b, n.loc, tensorType(*shape, et), values);
}

static LogicalResult convertBinary(NodeContext &n) {
  StringRef op = n.node.op_type();
  if (n.numInputs() < 2 || !n.hasInput(0) || !n.hasInput(1))
    return n.fail("expects two inputs");
  Value x = n.input(0), y = n.input(1);
  if (n.opset < 7 && n.getInt("broadcast", 0) != 0) {
    // Legacy broadcasting: y's dimensions line up with x's from `axis`
    // (default: the trailing ones).
    int64_t rx = typeOf(x).getRank(), ry = typeOf(y).getRank();
    int64_t axis = n.getInt("axis", rx - ry);
    if (axis < 0)
      axis += rx;
    if (axis < 0 || axis + ry > rx)
      return n.fail("legacy broadcast axis is out of range");
    SmallVector<int64_t> shape(axis, 1);
    llvm::append_range(shape, typeOf(y).getShape());
    shape.append(rx - axis - ry, 1);
    y = reshape(n.b, n.loc, y, shape);
  }
  if (failed(checkBroadcast(n, {x, y})))
    return failure();
  Type et = n.inputElementType(0);
  // Pow (opset 12+) may raise to an exponent of another numeric type; the
  // result has the base's type. Integer powers are computed in f64 and
  // truncated toward zero.
  if (op == "Pow" && !et.isInteger(1) && !n.inputElementType(1).isInteger(1) &&
      (isa<IntegerType>(et) || et != n.inputElementType(1))) {
    if (isFloat(et)) {
      y = cast(n.b, n.loc, y, et);
    } else {
      Type f64 = n.b.getF64Type();
      Value p =
          pow(n.b, n.loc, cast(n.b, n.loc, x, f64), cast(n.b, n.loc, y, f64));
      Value truncated =
          select(n, compare<tosa::GreaterOp>(n, scalarLike(n, p, 0), p),
                 unary<tosa::CeilOp>(n, p), unary<tosa::FloorOp>(n, p));
      n.setOutput(0, cast(n.b, n.loc, truncated, et));
      return success();
    }
  }
  if (et != typeOf(y).getElementType())
    return n.fail("operands have different element types");
  bool isBool = et.isInteger(1);
  bool isLogic = op == "And" || op == "Or" || op == "Xor";
  if (isLogic != isBool && !(isBool && op == "Equal"))
    return n.fail(isLogic ? "expects boolean operands"
                          : "boolean operands are not supported");
  if (Value folded = foldIntBinary(n, op, x, y)) {
    n.setOutput(0, folded);
    return success();
  }
  Value r;
  if (op == "Add")
    r = add(n.b, n.loc, x, y);
  else if (op == "Sub")
    r = sub(n.b, n.loc, x, y);
  else if (op == "Mul")
    r = mul(n.b, n.loc, x, y);
  else if (op == "Div") {
    if (isFloat(et)) {
      r = div(n.b, n.loc, x, y);
    } else if (et.isInteger(32) || et.isInteger(64)) {
      int64_t rank = std::max(typeOf(x).getRank(), typeOf(y).getRank());
      x = expandRank(n.b, n.loc, x, rank);
      y = expandRank(n.b, n.loc, y, rank);
      SmallVector<int64_t> shape =
          *broadcastShapes(typeOf(x).getShape(), typeOf(y).getShape());
      r = tosa::IntDivOp::create(n.b, n.loc, tensorType(shape, et), x, y);
    } else {
      return n.fail("integer division is supported for int32 and int64 only");
    }
  } else if (op == "Pow") {
    if (failed(n.requireFloat(0)))
      return failure();
    r = pow(n.b, n.loc, x, y);
  } else if (op == "Equal")
    r = compare<tosa::EqualOp>(n, x, y);
  else if (op == "Greater")
    r = compare<tosa::GreaterOp>(n, x, y);
  else if (op == "GreaterOrEqual")
    r = compare<tosa::GreaterEqualOp>(n, x, y);
  else if (op == "Less")
    r = compare<tosa::GreaterOp>(n, y, x);
  else if (op == "LessOrEqual")
    r = compare<tosa::GreaterEqualOp>(n, y, x);
  else if (op == "And")
    r = compare<tosa::LogicalAndOp>(n, x, y);
  else if (op == "Or")
    r = compare<tosa::LogicalOrOp>(n, x, y);
  else if (op == "Xor")
    r = compare<tosa::LogicalXorOp>(n, x, y);
  else
    return n.fail("internal: no binary lowering");
  n.setOutput(0, r);
  return success();
}

/// Mod with arith ops on whole tensors (TOSA has no remainder): fmod=1 is
/// C's fmod/remainder (sign of the dividend), fmod=0 integer mod takes the
/// sign of the divisor.
static LogicalResult convertMod(NodeContext &n) {
  Value x = n.input(0), y = n.input(1);
  Type et = n.inputElementType(0);
  if (et != n.inputElementType(1) || et.isInteger(1))
    return n.fail("operands must have the same numeric element type");
  bool fmod = n.getInt("fmod", 0) != 0;
  if (isFloat(et) && !fmod)
    return n.fail("floating-point Mod needs fmod=1");
  FailureOr<SmallVector<int64_t>> shape =
      broadcastShapes(n.inputShape(0), n.inputShape(1));
  if (failed(shape))
    return n.fail("operand shapes cannot be broadcast together");
  x = broadcastTo(n.b, n.loc, x, *shape);
  y = broadcastTo(n.b, n.loc, y, *shape);
  if (isFloat(et)) {
    n.setOutput(0, arith::RemFOp::create(n.b, n.loc, x, y));
    return success();
  }
  Value r = arith::RemSIOp::create(n.b, n.loc, x, y);
  if (!fmod) {
    auto type = tensorType(*shape, et);
    Value zero = splatConst(n.b, n.loc, type, 0);
    Value nonZero =
        arith::CmpIOp::create(n.b, n.loc, arith::CmpIPredicate::ne, r, zero);
    Value rNeg =
        arith::CmpIOp::create(n.b, n.loc, arith::CmpIPredicate::slt, r, zero);
    Value yNeg =
        arith::CmpIOp::create(n.b, n.loc, arith::CmpIPredicate::slt, y, zero);
    Value signsDiffer = arith::XOrIOp::create(n.b, n.loc, rNeg, yNeg);
    Value fix = arith::AndIOp::create(n.b, n.loc, nonZero, signsDiffer);
    r = arith::SelectOp::create(n.b, n.loc, fix,
                                arith::AddIOp::create(n.b, n.loc, r, y), r);
  }
  n.setOutput(0, r);
  return success();
}

static LogicalResult convertNot(NodeContext &n) {
  if (!n.inputElementType(0).isInteger(1))
    return n.fail("expects a boolean input");
  n.setOutput(0, tosa::LogicalNotOp::create(n.b, n.loc, n.input(0).getType(),
                                            n.input(0)));
  return success();
}

static LogicalResult convertWhere(NodeContext &n) {
  if (!n.inputElementType(0).isInteger(1))
    return n.fail("condition must be boolean");
  if (n.inputElementType(1) != n.inputElementType(2))
    return n.fail("branches have different element types");
  if (failed(checkBroadcast(n, {n.input(0), n.input(1), n.input(2)})))
    return failure();
  n.setOutput(0, select(n, n.input(0), n.input(1), n.input(2)));
  return success();
}

static LogicalResult convertPRelu(NodeContext &n) {
  if (failed(n.requireFloat(0)))
    return failure();
  Value x = n.input(0), slope = n.input(1);
  // A per-channel slope [C] (as older exporters write it) applies to
  // dimension 1.
  if (n.inputRank(1) == 1 && n.inputRank(0) >= 2 &&
      n.inputShape(1)[0] == n.inputShape(0)[1] &&
      (n.opset < 7 ||
       failed(broadcastShapes(n.inputShape(0), n.inputShape(1))))) {
    SmallVector<int64_t> shape(n.inputRank(0) - 1, 1);
    shape[0] = n.inputShape(1)[0];
    slope = reshape(n.b, n.loc, slope, shape);
  }
  FailureOr<SmallVector<int64_t>> shape =
      broadcastShapes(n.inputShape(0), typeOf(slope).getShape());
  if (failed(shape) || ArrayRef<int64_t>(*shape) != n.inputShape(0))
    return n.fail("slope does not broadcast to the input's shape");
  Value negative = mul(n.b, n.loc, x, slope);
  n.setOutput(0, select(n, compare<tosa::GreaterOp>(n, scalarLike(n, x, 0), x),
                        negative, x));
  return success();
}

static LogicalResult convertClip(NodeContext &n) {
  Value x = n.input(0);
  Type et = n.inputElementType(0);
  if (et.isInteger(1))
    return n.fail("boolean inputs are not supported");
  double inf = std::numeric_limits<double>::infinity();
  if (n.opset < 11) {
    n.setOutput(0,
                clamp(n, x, n.getFloat("min", -inf), n.getFloat("max", inf)));
    return success();
  }
  // Opset 11+: optional min and max inputs (scalars).
  double lo = -inf, hi = inf;
  Value r = x;
  for (unsigned i : {1u, 2u}) {
    if (!n.hasInput(i))
      continue;
    if (std::optional<DenseElementsAttr> c = n.constInput(i)) {
      FailureOr<SmallVector<double>> v = n.constFloatsInput(i, "bound");
      if (failed(v) || v->size() != 1)
        return n.fail("min and max must be scalars");
      (i == 1 ? lo : hi) = v->front();
      continue;
    }
    if (n.inputType(i).getNumElements() != 1)
      return n.fail("min and max must be scalars");
    r = i == 1 ? maximum(n.b, n.loc, r, n.input(i))
               : minimum(n.b, n.loc, r, n.input(i));
  }
  if (lo > -inf || hi < inf)
    r = clamp(n, r, lo, hi);
  n.setOutput(0, r);
  return success();
}

static LogicalResult castTo(NodeContext &n, Type target);

static LogicalResult convertCast(NodeContext &n) {
  int64_t to = n.getInt("to", 0);
  Type target = getElementType(n.b.getContext(), to);
  if (!target)
    return n.fail("cast to " + getOnnxTypeName(to) + " is not supported");
  return castTo(n, target);
}

/// CastLike: cast to the element type of the second input.
static LogicalResult convertCastLike(NodeContext &n) {
  return castTo(n, n.inputElementType(1));
}

static LogicalResult castTo(NodeContext &n, Type target) {
  Value x = n.input(0);
  Type source = n.inputElementType(0);
  if (source == target) {
    n.setOutput(0, x);
    return success();
  }
  if (isa<IntegerType>(source) && isa<IntegerType>(target) &&
      !target.isInteger(1)) {
    if (std::optional<SmallVector<int64_t>> values = getConstInts(x)) {
      n.setOutput(0, intsConst(n.b, n.loc, tensorType(n.inputShape(0), target),
                               *values));
      return success();
    }
  }
  if (isFloat(source) && target.isInteger(1)) {
    // x != 0
    Value eq = compare<tosa::EqualOp>(n, x, scalarLike(n, x, 0));
    n.setOutput(0, tosa::LogicalNotOp::create(n.b, n.loc, eq.getType(), eq));
    return success();
  }
  if (isFloat(source) && isa<IntegerType>(target)) {
    // ONNX truncates toward zero; TOSA's cast rounds to nearest.
    Value truncated =
        select(n, compare<tosa::GreaterOp>(n, scalarLike(n, x, 0), x),
               unary<tosa::CeilOp>(n, x), unary<tosa::FloorOp>(n, x));
    n.setOutput(0, cast(n.b, n.loc, truncated, target));
    return success();
  }
  n.setOutput(0, cast(n.b, n.loc, x, target));
  return success();
}

static LogicalResult convertVariadic(NodeContext &n) {
  StringRef op = n.node.op_type();
  SmallVector<Value> operands;
  for (unsigned i = 0; i < n.numInputs(); ++i)
    if (n.hasInput(i))
      operands.push_back(n.input(i));
  if (operands.empty())
    return n.fail("expects at least one input");
  if (failed(checkBroadcast(n, operands)))
    return failure();
  Type et = typeOf(operands[0]).getElementType();
  if (et.isInteger(1))
    return n.fail("boolean inputs are not supported");
  if (op == "Mean" && failed(n.requireFloat(0)))
    return failure();
  Value r = operands[0];
  for (Value v : ArrayRef<Value>(operands).drop_front()) {
    if (op == "Sum" || op == "Mean")
      r = add(n.b, n.loc, r, v);
    else if (op == "Max")
      r = maximum(n.b, n.loc, r, v);
    else
      r = minimum(n.b, n.loc, r, v);
  }
  if (op == "Mean")
    r = mul(n.b, n.loc, r, scalarLike(n, r, 1.0 / operands.size()));
  // A single operand still produces a fresh value of the broadcast shape.
  n.setOutput(0, r);
  return success();
}

void mlir::strata::onnx_import::addElementwiseConverters(ConverterTable &t) {
  for (StringRef op :
       {"Identity", "Relu",     "Sigmoid",     "Tanh",       "Exp",
        "Log",      "Abs",      "Neg",         "Reciprocal", "Floor",
        "Ceil",     "Sin",      "Cos",         "Erf",        "Sqrt",
        "Softplus", "Softsign", "Sign",        "LeakyRelu",  "Elu",
        "Selu",     "Celu",     "HardSigmoid", "HardSwish",  "ThresholdedRelu",
        "Gelu",     "Mish"})
    t[op] = convertUnary;
  for (StringRef op :
       {"Add", "Sub", "Mul", "Div", "Pow", "Equal", "Greater", "GreaterOrEqual",
        "Less", "LessOrEqual", "And", "Or", "Xor"})
    t[op] = convertBinary;
  for (StringRef op : {"Sum", "Mean", "Max", "Min"})
    t[op] = convertVariadic;
  for (StringRef op : {"Tan", "Asin", "Acos", "Atan", "Sinh", "Cosh", "Asinh",
                       "Acosh", "Atanh", "Round"})
    t[op] = convertMathUnary;
  t["Not"] = convertNot;
  t["Mod"] = convertMod;
  t["Where"] = convertWhere;
  t["PRelu"] = convertPRelu;
  t["Clip"] = convertClip;
  t["Cast"] = convertCast;
  t["CastLike"] = convertCastLike;
  t["Dropout"] = convertDropout;
}
