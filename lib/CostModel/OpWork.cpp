//===- OpWork.cpp - FLOP and byte counts of ops ---------------------------===//
//
// Target-independent work of one op: how many FLOPs it performs and how many
// bytes it reads and writes, from static types. Every cost model builds on
// these counts.
//
//===----------------------------------------------------------------------===//

#include "strata/CostModel/CostModel.h"
#include "strata/CostModel/OpCategory.h"

#include "dialects/Strata/IR/StrataOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::strata;

StringRef mlir::strata::stringifyOpClass(OpClass cls) {
  switch (cls) {
  case OpClass::Matrix:
    return "matrix";
  case OpClass::Vector:
    return "vector";
  case OpClass::Movement:
    return "movement";
  case OpClass::Free:
    return "free";
  }
  llvm_unreachable("unknown op class");
}

FailureOr<int64_t> mlir::strata::getStaticByteSize(Type type) {
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped || !shaped.hasStaticShape())
    return failure();
  Type elementType = shaped.getElementType();
  int64_t bits;
  if (elementType.isIntOrIndexOrFloat())
    bits = elementType.isIndex() ? 64 : elementType.getIntOrFloatBitWidth();
  else if (auto complex = dyn_cast<ComplexType>(elementType);
           complex && complex.getElementType().isIntOrFloat())
    bits = 2 * complex.getElementType().getIntOrFloatBitWidth();
  else
    return failure();
  return (shaped.getNumElements() * bits + 7) / 8;
}

static FailureOr<int64_t> numElements(Type type) {
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped || !shaped.hasStaticShape())
    return failure();
  return shaped.getNumElements();
}

/// Sums the byte sizes of the shaped values in `values`; non-shaped values
/// (scalars, !tosa.shape) are free. Fails on a dynamic shape.
static FailureOr<double> sumBytes(ValueRange values) {
  double total = 0;
  for (Value v : values) {
    if (!isa<ShapedType>(v.getType()))
      continue;
    FailureOr<int64_t> bytes = getStaticByteSize(v.getType());
    if (failed(bytes))
      return failure();
    total += *bytes;
  }
  return total;
}

/// Whether `value` is a constant: defined by one, or a kernel's argument
/// bound to one.
static bool isConstantValue(Value value) {
  if (Operation *def = value.getDefiningOp())
    return def->hasTrait<OpTrait::ConstantLike>();
  auto arg = cast<BlockArgument>(value);
  auto group = dyn_cast_or_null<GroupOp>(arg.getOwner()->getParentOp());
  if (!group || arg.getOwner() != &group.getBodyBlock())
    return false;
  Operation *def = group.getInputs()[arg.getArgNumber()].getDefiningOp();
  return def && def->hasTrait<OpTrait::ConstantLike>();
}

/// Ops that cost nothing at run time: constants, empty tensors, views of a
/// buffer, ops outside the tensor dataflow, and a kernel's transposes of
/// constants (strata-pack-constants folds them at compile time).
static bool isFreeOp(Operation *op, OpCategory category) {
  switch (category) {
  case OpCategory::Structural:
  case OpCategory::Constant:
  case OpCategory::Empty:
  case OpCategory::View:
    return true;
  default:
    return isa<tosa::TransposeOp, linalg::TransposeOp>(op) &&
           isa_and_nonnull<GroupOp>(op->getParentOp()) &&
           isConstantValue(op->getOperand(0));
  }
}

/// FLOPs of a linalg structured op: the iteration domain times the number of
/// arithmetic ops in its payload.
static FailureOr<double> linalgFlops(linalg::LinalgOp op) {
  double points = 1;
  for (int64_t range : op.getStaticLoopRanges()) {
    if (ShapedType::isDynamic(range))
      return failure();
    points *= range;
  }
  int64_t payloadOps = 0;
  op->getRegion(0).walk([&](Operation *nested) {
    if (!nested->hasTrait<OpTrait::IsTerminator>() &&
        !nested->hasTrait<OpTrait::ConstantLike>() &&
        !isa<linalg::IndexOp>(nested))
      ++payloadOps;
  });
  return points * std::max<int64_t>(payloadOps, 1);
}

/// FLOPs of TOSA contractions (2 per multiply-accumulate) and pooling.
static std::optional<FailureOr<double>> tosaFlops(Operation *op) {
  auto dims = [](Value v) { return cast<ShapedType>(v.getType()).getShape(); };
  auto outElems = [&]() { return numElements(op->getResult(0).getType()); };
  return TypeSwitch<Operation *, std::optional<FailureOr<double>>>(op)
      .Case<tosa::MatMulOp>([&](auto mm) -> FailureOr<double> {
        // A: [N, H, C], B: [N, C, W] -> [N, H, W].
        FailureOr<int64_t> out = outElems();
        ArrayRef<int64_t> a = dims(mm.getA());
        if (failed(out) || ShapedType::isDynamic(a[2]))
          return failure();
        return 2.0 * *out * a[2];
      })
      .Case<tosa::Conv2DOp, tosa::Conv3DOp, GroupedConv2DOp>(
          [&](auto conv) -> FailureOr<double> {
            // Weight: [OC, KH, KW, (KD,) IC] (a grouped convolution's IC
            // the channels of one group); each output element sums
            // KH*KW*(KD*)IC products, plus the bias add.
            FailureOr<int64_t> out = outElems();
            FailureOr<int64_t> w = numElements(conv.getWeight().getType());
            if (failed(out) || failed(w))
              return failure();
            int64_t oc = dims(conv.getWeight())[0];
            return 2.0 * *out * (*w / oc) + *out;
          })
      .Case<tosa::DepthwiseConv2DOp>([&](auto conv) -> FailureOr<double> {
        // Weight: [KH, KW, C, M]; each output element sums KH*KW products.
        FailureOr<int64_t> out = outElems();
        ArrayRef<int64_t> w = dims(conv.getWeight());
        if (failed(out) || ShapedType::isDynamic(w[0]) ||
            ShapedType::isDynamic(w[1]))
          return failure();
        return 2.0 * *out * w[0] * w[1] + *out;
      })
      .Case<tosa::TransposeConv2DOp>([&](auto conv) -> FailureOr<double> {
        // Every input element scatters into OC*KH*KW outputs.
        FailureOr<int64_t> in = numElements(conv.getInput().getType());
        FailureOr<int64_t> w = numElements(conv.getWeight().getType());
        FailureOr<int64_t> out = outElems();
        if (failed(in) || failed(w) || failed(out))
          return failure();
        int64_t ic = dims(conv.getWeight())[3];
        return 2.0 * *in * (*w / ic) + *out;
      })
      .Case<tosa::AvgPool2dOp, tosa::MaxPool2dOp>(
          [&](auto pool) -> FailureOr<double> {
            FailureOr<int64_t> out = outElems();
            if (failed(out))
              return failure();
            ArrayRef<int64_t> kernel = pool.getKernel();
            return double(*out) * kernel[0] * kernel[1];
          })
      .Default([](Operation *) { return std::nullopt; });
}

FailureOr<OpWork> mlir::strata::analyzeOpWork(Operation *op) {
  OpWork work;
  OpCategory category = getOpCategory(op);
  if (isFreeOp(op, category))
    return work;

  // Bytes: linalg ops read their inputs and, when the payload uses it, the
  // init operand; everything else reads all its operands.
  if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op)) {
    for (OpOperand &operand : op->getOpOperands()) {
      if (!isa<ShapedType>(operand.get().getType()))
        continue;
      if (linalgOp.isDpsInit(&operand) &&
          !linalgOp.payloadUsesValueFromOperand(&operand))
        continue;
      FailureOr<int64_t> bytes = getStaticByteSize(operand.get().getType());
      if (failed(bytes))
        return failure();
      work.bytesRead += *bytes;
    }
    FailureOr<double> written = sumBytes(linalgOp.getDpsInits());
    if (failed(written))
      return failure();
    work.bytesWritten = *written;
  } else {
    FailureOr<double> read = sumBytes(op->getOperands());
    FailureOr<double> written = sumBytes(op->getResults());
    if (failed(read) || failed(written))
      return failure();
    work.bytesRead = *read;
    work.bytesWritten = *written;
  }

  // Tier copies move bytes too (their cost is the transfer).
  if (category == OpCategory::Movement || category == OpCategory::TierCopy) {
    work.cls = OpClass::Movement;
    return work;
  }
  bool isMatrix = category == OpCategory::Contraction ||
                  category == OpCategory::Convolution;
  if (std::optional<FailureOr<double>> flops = tosaFlops(op)) {
    if (failed(*flops))
      return failure();
    work.flops = **flops;
    work.cls = isMatrix ? OpClass::Matrix : OpClass::Vector;
    return work;
  }
  if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op)) {
    FailureOr<double> flops = linalgFlops(linalgOp);
    if (failed(flops))
      return failure();
    work.flops = *flops;
    work.cls = isMatrix ? OpClass::Matrix : OpClass::Vector;
    return work;
  }
  if (isa<linalg::SoftmaxOp>(op)) {
    // max, subtract, exp, sum, divide: five passes over the input.
    FailureOr<int64_t> elems = numElements(op->getResult(0).getType());
    if (failed(elems))
      return failure();
    work.flops = 5.0 * *elems;
    work.cls = OpClass::Vector;
    return work;
  }
  // Elementwise ops, reductions and anything else: one FLOP per element of
  // the largest shaped operand or result.
  double elements = 0;
  SmallVector<Type> types(op->getOperandTypes());
  llvm::append_range(types, op->getResultTypes());
  for (Type type : types) {
    if (!isa<ShapedType>(type))
      continue;
    FailureOr<int64_t> n = numElements(type);
    if (failed(n))
      return failure();
    elements = std::max<double>(elements, *n);
  }
  work.flops = elements;
  work.cls = elements > 0 ? OpClass::Vector : OpClass::Free;
  return work;
}
