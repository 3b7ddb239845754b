//===- CostModel.h - The cost model service ---------------------*- C++ -*-===//
//
// Every Strata pass that weighs alternatives asks a CostModel: what does this
// op, or this strata.group run as one kernel, cost on this target? A pass
// obtains its model from its `target=` and `cost-model=` options (forwarded
// by the pipelines), never from a global, so two pipelines in one process can
// use different models.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_COSTMODEL_COSTMODEL_H
#define STRATA_COSTMODEL_COSTMODEL_H

#include "strata/Target/Target.h"

#include "mlir/IR/Operation.h"
#include "mlir/Support/LLVM.h"

#include <memory>

namespace mlir::strata {
class GroupOp;

/// Which peak throughput of a compute unit an op runs at.
enum class OpClass {
  /// Dense contractions: matmul, convolution.
  Matrix,
  /// Elementwise ops, reductions, normalizations.
  Vector,
  /// Pure data movement (transpose, pad, concat, ...): no FLOPs.
  Movement,
  /// No run-time work: constants, shape-only views, empty tensors.
  Free,
};

/// Returns "matrix", "vector", "movement" or "free".
StringRef stringifyOpClass(OpClass cls);

/// The work of one op, from its types alone (independent of any target).
struct OpWork {
  OpClass cls = OpClass::Free;
  double flops = 0;
  double bytesRead = 0;
  double bytesWritten = 0;
};

/// Counts the FLOPs and bytes of `op`. Knows TOSA's contractions and
/// pooling, linalg structured ops (through their iteration domain and
/// payload) and falls back to one FLOP per result element for other ops on
/// static tensors. Fails, without a diagnostic, when a shape is dynamic.
FailureOr<OpWork> analyzeOpWork(Operation *op);

/// Byte size of a statically shaped tensor or memref type, rounding
/// sub-byte elements up; fails for dynamic shapes and non-shaped types.
FailureOr<int64_t> getStaticByteSize(Type type);

/// An estimate of running one op or one group as a kernel.
struct CostEstimate {
  double seconds = 0;
  /// The compute term alone: the time with every operand in the fastest
  /// tier, as a tier-aware simulation needs it.
  double computeSeconds = 0;
  double flops = 0;
  double bytesRead = 0;
  double bytesWritten = 0;
  /// True when the compute term of the estimate dominates memory traffic.
  bool computeBound = false;

  double bytesMoved() const { return bytesRead + bytesWritten; }
};

/// The cost model interface.
class CostModel {
public:
  explicit CostModel(TargetDescription target) : target(std::move(target)) {}
  virtual ~CostModel();

  /// Short name of the implementation ("roofline", ...).
  virtual StringRef getName() const = 0;

  /// Cost of `op` run as its own kernel.
  virtual FailureOr<CostEstimate> estimateOp(Operation *op) = 0;

  /// Cost of `group` run as one kernel: intermediates inside the group stay
  /// on chip, only its inputs and results move.
  virtual FailureOr<CostEstimate> estimateGroup(GroupOp group) = 0;

  /// Dispatches to estimateGroup or estimateOp.
  FailureOr<CostEstimate> estimate(Operation *op);

  /// Estimates every op of `ops` (ops or groups) into `out`, one entry per
  /// op. Passes that weigh many candidates ask in batches: a learned model
  /// answers a batch in one call. The default asks one at a time.
  virtual void estimateBatch(ArrayRef<Operation *> ops,
                             SmallVectorImpl<FailureOr<CostEstimate>> &out);

  /// Cost of `op` (an op or a group) run on one instance of the target's
  /// compute unit `unit` (an index into getTarget().units), for placing
  /// kernels on units. The default ignores the unit.
  virtual FailureOr<CostEstimate> estimateOnUnit(Operation *op, unsigned unit);

  const TargetDescription &getTarget() const { return target; }

protected:
  TargetDescription target;
};

/// The analytical roofline model: time = max(FLOPs / peak FLOP/s of the op's
/// class, bytes / bandwidth of the backing tier) + the tier's latency.
std::unique_ptr<CostModel> createRooflineCostModel(TargetDescription target);

/// The roofline model's time for `matrixFlops` on the target's fastest
/// matrix peak, `vectorFlops` on its fastest vector peak and `bytes` moved
/// through the backing tier: what createRooflineCostModel estimates for a
/// kernel with that work.
double getRooflineSeconds(const TargetDescription &target, double matrixFlops,
                          double vectorFlops, double bytes);

/// Names accepted by createCostModel, in a fixed order.
ArrayRef<StringRef> getCostModelNames();

/// Creates the model that `spec` names for the target that `targetSpec`
/// resolves to from `scope` (see resolveTarget):
///   roofline        the analytical model
///   learned         the default learned model (LearnedModel.h)
///   learned:FILE    the learned model in FILE
///   measured        compiles and times each kernel (where a tool has
///                   registered the measuring runtime)
/// An empty `spec` takes the enclosing module's `strata.cost_model`
/// attribute (one choice for every pass of a pipeline), else `roofline`.
/// Emits an error at `scope` and fails for an unknown name or target, or a
/// model file that cannot be used; warns when a learned model was trained
/// on another machine.
FailureOr<std::unique_ptr<CostModel>>
createCostModel(StringRef spec, StringRef targetSpec, Operation *scope);

/// Builds the `measured` model; registered by tools that link the runtime.
using MeasuredCostModelFactory =
    std::unique_ptr<CostModel> (*)(TargetDescription target);
void registerMeasuredCostModel(MeasuredCostModelFactory factory);

} // namespace mlir::strata

#endif // STRATA_COSTMODEL_COSTMODEL_H
