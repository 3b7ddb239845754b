//===- Features.cpp - Kernel features for learned cost models -------------===//

#include "strata/CostModel/Features.h"
#include "strata/CostModel/CostModel.h"
#include "strata/CostModel/OpCategory.h"
#include "strata/CostModel/RegisterTile.h"

#include "dialects/Strata/IR/StrataAttrs.h"
#include "dialects/Strata/IR/StrataDialect.h"
#include "dialects/Strata/IR/StrataOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/TypeSwitch.h"

#include <algorithm>
#include <optional>

using namespace mlir;
using namespace mlir::strata;

ArrayRef<StringRef> mlir::strata::getFeatureNames() {
  static const StringRef names[] = {"num_ops",
                                    "depth",
                                    "num_inputs",
                                    "num_outputs",
                                    "num_matmul",
                                    "num_conv",
                                    "num_pool",
                                    "num_reduce",
                                    "num_elementwise",
                                    "num_transcendental",
                                    "num_movement",
                                    "flops",
                                    "matrix_flops",
                                    "bytes_read",
                                    "bytes_written",
                                    "arithmetic_intensity",
                                    "intermediate_bytes",
                                    "out_rank",
                                    "out_elements",
                                    "out_innermost",
                                    "out_outermost",
                                    "in_elements",
                                    "in_innermost",
                                    "reduction_size",
                                    "element_bits",
                                    "is_float",
                                    "transcendental_elements",
                                    "num_transpose",
                                    "num_pad",
                                    "num_copy",
                                    "transposed_elements",
                                    "cheap_math_elements",
                                    "pow_elements",
                                    "innermost_reduction",
                                    "movement_run",
                                    "plan_rows",
                                    "plan_columns",
                                    "plan_vector_width",
                                    "plan_accumulators",
                                    "plan_step_efficiency",
                                    "plan_remainder_share",
                                    "plan_outer_tile_elements",
                                    "plan_reduction_block"};
  static_assert(std::size(names) == kNumFeatures,
                "one name per feature, in order");
  return names;
}

/// math ops other than absolute values (exp, tanh, erf, sqrt, ...).
static bool isMathFunction(Operation *op) {
  StringRef name = op->getName().getStringRef();
  return op->getName().getDialectNamespace() == "math" && name != "math.absf" &&
         name != "math.absi";
}

static bool isTranscendental(Operation *op) {
  if (isa<tosa::ExpOp, tosa::LogOp, tosa::TanhOp, tosa::SigmoidOp, tosa::ErfOp,
          tosa::PowOp, tosa::RsqrtOp, tosa::ReciprocalOp, tosa::SinOp,
          tosa::CosOp>(op) ||
      isMathFunction(op))
    return true;
  // linalg.generic / linalg.map payloads.
  if (isa<linalg::LinalgOp>(op)) {
    bool found = false;
    op->getRegion(0).walk(
        [&](Operation *nested) { found |= isMathFunction(nested); });
    return found;
  }
  return false;
}

/// The kind of `op`, whose work analysis gave `cls`: the op's category
/// (strata/CostModel/OpCategory.h), with ops the work analysis finds free
/// (a kernel's transposes of constants, empty elementwise ops) free.
static OpKind classifyWithClass(Operation *op, OpClass cls) {
  if (cls == OpClass::Free)
    return OpKind::Free;
  switch (getOpCategory(op)) {
  case OpCategory::Structural:
  case OpCategory::Group:
  case OpCategory::Constant:
  case OpCategory::Empty:
  case OpCategory::View:
    return OpKind::Free;
  case OpCategory::TierCopy:
  case OpCategory::Movement:
    return OpKind::Movement;
  case OpCategory::Contraction:
    return OpKind::Matmul;
  case OpCategory::Convolution:
    return OpKind::Conv;
  case OpCategory::Pooling:
    return OpKind::Pool;
  case OpCategory::Reduction:
    return OpKind::Reduce;
  case OpCategory::Elementwise:
  case OpCategory::Other:
    break;
  }
  return isTranscendental(op) ? OpKind::Transcendental : OpKind::Elementwise;
}

OpKind mlir::strata::classifyOp(Operation *op) {
  FailureOr<OpWork> work = analyzeOpWork(op);
  return classifyWithClass(op, succeeded(work) ? work->cls : OpClass::Vector);
}

static double numElements(Type type) {
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped || !shaped.hasStaticShape())
    return 0;
  return double(shaped.getNumElements());
}

/// Elements of the trailing dimensions of `in` and `out` (same rank) up to
/// and including the innermost one whose extents differ: the contiguous
/// run a slice (`out` inside `in`) or pad (`in` inside `out`) copies.
static double getRun(ArrayRef<int64_t> in, ArrayRef<int64_t> out) {
  double run = 1;
  for (int64_t d = int64_t(in.size()) - 1; d >= 0; --d) {
    run *= std::min(in[d], out[d]);
    if (in[d] != out[d])
      break;
  }
  return run;
}

/// The contiguous run a movement op copies at a time (see
/// Feature::MovementRun); nullopt for other ops or unknown shapes.
static std::optional<double> getContiguousRun(Operation *op) {
  auto staticShape = [](Value v) -> std::optional<ArrayRef<int64_t>> {
    auto type = dyn_cast<RankedTensorType>(v.getType());
    if (!type || !type.hasStaticShape())
      return std::nullopt;
    return type.getShape();
  };
  if (isa<tosa::SliceOp, tosa::PadOp, tensor::ExtractSliceOp, tensor::PadOp>(
          op)) {
    std::optional<ArrayRef<int64_t>> in = staticShape(op->getOperand(0));
    std::optional<ArrayRef<int64_t>> out = staticShape(op->getResult(0));
    if (!in || !out || in->size() != out->size())
      return std::nullopt;
    if (auto slice = dyn_cast<tensor::ExtractSliceOp>(op))
      if (!llvm::all_of(slice.getStaticStrides(),
                        [](int64_t s) { return s == 1; }))
        return 1.0;
    return getRun(*in, *out);
  }
  if (auto concat = dyn_cast<tosa::ConcatOp>(op)) {
    std::optional<double> shortest;
    for (Value input : concat.getInput1()) {
      std::optional<ArrayRef<int64_t>> in = staticShape(input);
      if (!in)
        return std::nullopt;
      double run = 1;
      for (size_t d = concat.getAxis(); d < in->size(); ++d)
        run *= (*in)[d];
      shortest = shortest ? std::min(*shortest, run) : run;
    }
    return shortest;
  }
  if (auto transpose = dyn_cast<tosa::TransposeOp>(op)) {
    std::optional<ArrayRef<int64_t>> out = staticShape(transpose.getResult());
    if (!out)
      return std::nullopt;
    ArrayRef<int32_t> perms = transpose.getPerms();
    double run = 1;
    for (int64_t d = int64_t(perms.size()) - 1; d >= 0 && perms[d] == d; --d)
      run *= (*out)[d];
    return run;
  }
  return std::nullopt;
}

/// Values reduced into one output element of `op` (1 without a reduction).
static double getReductionSize(Operation *op, OpKind kind) {
  auto dims = [](Value v) { return cast<ShapedType>(v.getType()).getShape(); };
  if (auto mm = dyn_cast<tosa::MatMulOp>(op))
    return std::max<int64_t>(dims(mm.getA())[2], 1);
  if (isa<tosa::Conv2DOp, tosa::Conv3DOp, GroupedConv2DOp>(op)) {
    Value w = op->getOperand(1);
    int64_t oc = std::max<int64_t>(dims(w)[0], 1);
    return numElements(w.getType()) / oc;
  }
  if (auto dw = dyn_cast<tosa::DepthwiseConv2DOp>(op))
    return double(dims(dw.getWeight())[0]) * dims(dw.getWeight())[1];
  if (auto tc = dyn_cast<tosa::TransposeConv2DOp>(op))
    return numElements(tc.getWeight().getType()) /
           std::max<int64_t>(dims(tc.getWeight())[0], 1);
  if (auto pool = dyn_cast<tosa::AvgPool2dOp>(op))
    return double(pool.getKernel()[0]) * pool.getKernel()[1];
  if (auto pool = dyn_cast<tosa::MaxPool2dOp>(op))
    return double(pool.getKernel()[0]) * pool.getKernel()[1];
  if (auto softmax = dyn_cast<linalg::SoftmaxOp>(op)) {
    ArrayRef<int64_t> shape = dims(softmax.getInput());
    return std::max<int64_t>(shape[softmax.getDimension()], 1);
  }
  if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op)) {
    double size = 1;
    SmallVector<int64_t> ranges = linalgOp.getStaticLoopRanges();
    for (auto [range, type] :
         llvm::zip(ranges, linalgOp.getIteratorTypesArray()))
      if (type == utils::IteratorType::reduction &&
          !ShapedType::isDynamic(range))
        size *= range;
    return size;
  }
  if (kind == OpKind::Reduce && op->getNumOperands() > 0 &&
      op->getNumResults() > 0) {
    double in = numElements(op->getOperand(0).getType());
    double out = numElements(op->getResult(0).getType());
    return out > 0 ? std::max(in / out, 1.0) : 1.0;
  }
  return 1;
}

namespace {
/// Accumulates the features of the ops of one kernel.
class FeatureBuilder {
public:
  /// Adds `op`; with `inGroup`, its results that other ops of the kernel
  /// read count as intermediates.
  LogicalResult addOp(Operation *op, bool inGroup) {
    FailureOr<OpWork> work = analyzeOpWork(op);
    if (failed(work))
      return failure();
    OpKind kind = classifyWithClass(op, work->cls);
    // Depth: free ops pass their operands' depth on.
    int depth = 0;
    for (Value operand : op->getOperands())
      depth = std::max(depth, depthOf.lookup(operand));
    if (kind != OpKind::Free)
      ++depth;
    for (Value result : op->getResults())
      depthOf[result] = depth;
    if (kind == OpKind::Free)
      return success();
    if (inGroup)
      for (Value result : op->getResults()) {
        bool usedInside = llvm::any_of(result.getUsers(), [](Operation *user) {
          return !user->hasTrait<OpTrait::IsTerminator>();
        });
        FailureOr<int64_t> bytes = getStaticByteSize(result.getType());
        if (usedInside && succeeded(bytes))
          intermediate += *bytes;
      }
    set(Feature::NumOps, get(Feature::NumOps) + 1);
    set(Feature::Depth, std::max<float>(get(Feature::Depth), depth));
    Feature counter = kind == OpKind::Matmul   ? Feature::NumMatmul
                      : kind == OpKind::Conv   ? Feature::NumConv
                      : kind == OpKind::Pool   ? Feature::NumPool
                      : kind == OpKind::Reduce ? Feature::NumReduce
                      : kind == OpKind::Transcendental
                          ? Feature::NumTranscendental
                      : kind == OpKind::Movement ? Feature::NumMovement
                                                 : Feature::NumElementwise;
    set(counter, get(counter) + 1);
    flops += work->flops;
    if (work->cls == OpClass::Matrix)
      matrixFlops += work->flops;
    set(Feature::ReductionSize, std::max<float>(get(Feature::ReductionSize),
                                                getReductionSize(op, kind)));
    if (kind == OpKind::Transcendental)
      for (Value result : op->getResults())
        transcendental += numElements(result.getType());
    if (kind == OpKind::Movement)
      addMovement(op);
    if (kind == OpKind::Transcendental)
      addMath(op);
    if (kind == OpKind::Reduce && reducesInnermost(op))
      set(Feature::InnermostReduction, 1);
    if (work->flops > planFlops)
      if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op))
        if (auto plan = op->getAttrOfType<LoweringAttr>(
                StrataDialect::getLoweringAttrName())) {
          planFlops = work->flops;
          addPlan(linalgOp, plan);
        }
    return success();
  }

  /// The kernel's boundary: tensors read and written.
  LogicalResult setBoundary(ValueRange inputs, ValueRange outputs) {
    double read = 0, written = 0, inMax = -1, outMax = -1;
    unsigned numIn = 0, numOut = 0;
    llvm::SmallPtrSet<void *, 8> seen;
    for (Value v : inputs) {
      auto type = dyn_cast<ShapedType>(v.getType());
      if (!type || !seen.insert(v.getAsOpaquePointer()).second)
        continue;
      FailureOr<int64_t> bytes = getStaticByteSize(type);
      if (failed(bytes))
        return failure();
      read += *bytes;
      ++numIn;
      double n = numElements(type);
      if (n > inMax) {
        inMax = n;
        set(Feature::InElements, n);
        set(Feature::InInnermost, type.getRank() ? type.getShape().back() : 1);
      }
    }
    for (Value v : outputs) {
      auto type = dyn_cast<ShapedType>(v.getType());
      if (!type)
        continue;
      FailureOr<int64_t> bytes = getStaticByteSize(type);
      if (failed(bytes))
        return failure();
      written += *bytes;
      ++numOut;
      double n = numElements(type);
      if (n > outMax) {
        outMax = n;
        set(Feature::OutRank, type.getRank());
        set(Feature::OutElements, n);
        set(Feature::OutInnermost, type.getRank() ? type.getShape().back() : 1);
        set(Feature::OutOutermost,
            type.getRank() ? type.getShape().front() : 1);
        Type element = type.getElementType();
        set(Feature::ElementBits, element.isIntOrIndexOrFloat()
                                      ? element.getIntOrFloatBitWidth()
                                      : 0);
        set(Feature::IsFloat, isa<FloatType>(element) ? 1 : 0);
      }
    }
    set(Feature::NumInputs, numIn);
    set(Feature::NumOutputs, numOut);
    set(Feature::BytesRead, read);
    set(Feature::BytesWritten, written);
    set(Feature::Flops, flops);
    set(Feature::MatrixFlops, matrixFlops);
    set(Feature::ArithmeticIntensity, flops / std::max(read + written, 1.0));
    set(Feature::TranscendentalElements, transcendental);
    set(Feature::IntermediateBytes, intermediate);
    set(Feature::TransposedElements, transposed);
    return success();
  }

  FeatureVector take() {
    if (get(Feature::ReductionSize) == 0)
      set(Feature::ReductionSize, 1);
    return features;
  }

private:
  /// The plan features of `op`'s lowering plan.
  void addPlan(linalg::LinalgOp op, LoweringAttr plan) {
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    ArrayRef<int64_t> tile = plan.getTile(), reg = plan.getRegisterTile();
    if (ranges.size() != reg.size() || ranges.size() != tile.size() ||
        op.getNumDpsInits() != 1)
      return;
    // The accumulator's loops: the output's last two dimensions.
    AffineMap map = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
    auto loopOf = [&](int64_t fromEnd) -> int64_t {
      int64_t index = int64_t(map.getNumResults()) - fromEnd;
      if (index < 0)
        return -1;
      auto dim = dyn_cast<AffineDimExpr>(map.getResult(index));
      return dim ? int64_t(dim.getPosition()) : -1;
    };
    int64_t nLoop = loopOf(1), mLoop = loopOf(2);
    int64_t m = mLoop >= 0 ? reg[mLoop] : 1, n = nLoop >= 0 ? reg[nLoop] : 1;
    int64_t extentM = mLoop >= 0 ? ranges[mLoop] : 1;
    int64_t extentN = nLoop >= 0 ? ranges[nLoop] : 1;
    int64_t lanes = std::max<int64_t>(plan.getVectorWidth(), 1);
    VectorUnitModel unit{lanes, lanes >= 16 ? 32 : 16};
    set(Feature::PlanRows, m);
    set(Feature::PlanColumns, n);
    set(Feature::PlanVectorWidth, lanes);
    set(Feature::PlanAccumulators, m * ((n + lanes - 1) / lanes));
    set(Feature::PlanStepEfficiency,
        estimateRegisterStepEfficiency(m, n, unit));
    double full = double(extentM / m * m) * double(extentN / n * n);
    set(Feature::PlanRemainderShare,
        1.0 - full / std::max(double(extentM) * double(extentN), 1.0));
    double outer = 1, block = 1;
    SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
    for (size_t i = 0; i < ranges.size(); ++i) {
      double size = tile[i] > 0 ? double(tile[i]) : double(ranges[i]);
      if (iterators[i] == utils::IteratorType::parallel)
        outer *= size;
      else
        block *= size;
    }
    set(Feature::PlanOuterTileElements, outer);
    set(Feature::PlanReductionBlock, block);
  }

  /// Counts a movement op by what it does.
  void addMovement(Operation *op) {
    if (std::optional<double> run = getContiguousRun(op)) {
      float &shortest = features[static_cast<unsigned>(Feature::MovementRun)];
      shortest = shortest == 0 ? *run : std::min<float>(shortest, *run);
    }
    if (isa<tosa::TransposeOp, linalg::TransposeOp>(op)) {
      set(Feature::NumTranspose, get(Feature::NumTranspose) + 1);
      transposed += numElements(op->getResult(0).getType());
    } else if (isa<tosa::PadOp, tensor::PadOp>(op)) {
      set(Feature::NumPad, get(Feature::NumPad) + 1);
    } else if (isa<tosa::SliceOp, tosa::ConcatOp, tensor::ExtractSliceOp,
                   tensor::InsertSliceOp, tensor::ConcatOp, linalg::CopyOp>(
                   op)) {
      set(Feature::NumCopy, get(Feature::NumCopy) + 1);
    }
  }

  /// Splits transcendental ops by price class.
  void addMath(Operation *op) {
    auto has = [&](auto... names) {
      auto matches = [&](Operation *o) {
        StringRef name = o->getName().getStringRef();
        return ((name == names) || ...);
      };
      if (matches(op))
        return true;
      bool found = false;
      if (isa<linalg::LinalgOp>(op))
        op->getRegion(0).walk([&](Operation *n) { found |= matches(n); });
      return found;
    };
    double elements = numElements(op->getResult(0).getType());
    if (has("tosa.pow", "math.powf", "math.fpowi"))
      set(Feature::PowElements, get(Feature::PowElements) + elements);
    else if (has("tosa.reciprocal", "tosa.rsqrt", "math.rsqrt", "math.sqrt"))
      set(Feature::CheapMathElements,
          get(Feature::CheapMathElements) + elements);
  }

  /// Whether a reduction op reduces its input's innermost dimension.
  static bool reducesInnermost(Operation *op) {
    if (auto axis = op->getAttrOfType<IntegerAttr>("axis")) {
      auto type = dyn_cast<ShapedType>(op->getOperand(0).getType());
      return type && type.hasRank() && axis.getInt() == type.getRank() - 1;
    }
    if (auto softmax = dyn_cast<linalg::SoftmaxOp>(op))
      return softmax.getDimension() + 1 ==
             softmax.getInputOperandType().getRank();
    if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op)) {
      // The innermost loop of the first input's access is a reduction.
      if (linalgOp.getNumDpsInputs() == 0)
        return false;
      AffineMap map =
          linalgOp.getMatchingIndexingMap(linalgOp.getDpsInputOperand(0));
      if (map.getNumResults() == 0)
        return false;
      auto dim = dyn_cast<AffineDimExpr>(map.getResults().back());
      return dim && linalgOp.getIteratorTypesArray()[dim.getPosition()] ==
                        utils::IteratorType::reduction;
    }
    return false;
  }

  float get(Feature f) const { return features[static_cast<unsigned>(f)]; }
  void set(Feature f, double v) { features[static_cast<unsigned>(f)] = v; }

  FeatureVector features{};
  llvm::DenseMap<Value, int> depthOf;
  double flops = 0, matrixFlops = 0, transcendental = 0, intermediate = 0,
         transposed = 0, planFlops = -1;
};
} // namespace

FailureOr<FeatureVector> mlir::strata::extractFeatures(Operation *op) {
  FeatureBuilder builder;
  auto group = dyn_cast<GroupOp>(op);
  if (!group) {
    if (failed(builder.addOp(op, /*inGroup=*/false)))
      return failure();
    // Inputs of a linalg op are its ins and the inits its payload reads;
    // for other ops all operands.
    SmallVector<Value> inputs;
    if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op)) {
      for (OpOperand &operand : op->getOpOperands())
        if (!linalgOp.isDpsInit(&operand) ||
            linalgOp.payloadUsesValueFromOperand(&operand))
          inputs.push_back(operand.get());
    } else {
      llvm::append_range(inputs, op->getOperands());
    }
    if (failed(builder.setBoundary(inputs, op->getResults())))
      return failure();
    return builder.take();
  }

  for (Operation &nested : group.getBodyBlock().without_terminator())
    if (failed(builder.addOp(&nested, /*inGroup=*/true)))
      return failure();
  if (failed(builder.setBoundary(group.getInputs(), group.getResults())))
    return failure();
  return builder.take();
}

FailureOr<FeatureVector> mlir::strata::extractFeatures(func::FuncOp kernel) {
  if (kernel.isExternal() || !kernel.getBody().hasOneBlock())
    return failure();
  FeatureBuilder builder;
  Block &body = kernel.getBody().front();
  for (Operation &nested : body.without_terminator())
    if (failed(builder.addOp(&nested, /*inGroup=*/true)))
      return failure();
  if (failed(builder.setBoundary(ValueRange(body.getArguments()),
                                 body.getTerminator()->getOperands())))
    return failure();
  return builder.take();
}
