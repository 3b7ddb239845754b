//===- Roofline.cpp - The analytical roofline cost model ------------------===//
//
// time = max(compute, memory) + latency, where compute divides each op's
// FLOPs by the peak of its class on the best compute unit and memory divides
// the bytes that cross the backing tier by its bandwidth. For a group only
// the group's inputs and results cross the tier. On one instance of a
// given unit (estimateOnUnit), the peak is that unit's divided by its
// count.
//
//===----------------------------------------------------------------------===//

#include "strata/CostModel/CostModel.h"

#include "dialects/Strata/IR/StrataOps.h"

#include <optional>

using namespace mlir;
using namespace mlir::strata;

namespace {
class RooflineCostModel final : public CostModel {
public:
  using CostModel::CostModel;

  StringRef getName() const override { return "roofline"; }

  FailureOr<CostEstimate> estimateOnUnit(Operation *op,
                                         unsigned unit) override {
    if (unit >= target.units.size())
      return failure();
    onlyUnit = unit;
    FailureOr<CostEstimate> est = estimate(op);
    onlyUnit.reset();
    return est;
  }

  FailureOr<CostEstimate> estimateOp(Operation *op) override {
    FailureOr<OpWork> work = analyzeOpWork(op);
    if (failed(work))
      return failure();
    CostEstimate est;
    est.flops = work->flops;
    est.bytesRead = work->bytesRead;
    est.bytesWritten = work->bytesWritten;
    finish(est, computeSeconds(*work));
    return est;
  }

  FailureOr<CostEstimate> estimateGroup(GroupOp group) override {
    CostEstimate est;
    double compute = 0;
    for (Operation &op : group.getBodyBlock().without_terminator()) {
      FailureOr<OpWork> work = analyzeOpWork(&op);
      if (failed(work))
        return failure();
      est.flops += work->flops;
      compute += computeSeconds(*work);
    }
    for (Value input : group.getInputs()) {
      FailureOr<int64_t> bytes = getStaticByteSize(input.getType());
      if (failed(bytes))
        return failure();
      est.bytesRead += *bytes;
    }
    for (Value result : group.getResults()) {
      FailureOr<int64_t> bytes = getStaticByteSize(result.getType());
      if (failed(bytes))
        return failure();
      est.bytesWritten += *bytes;
    }
    finish(est, compute);
    return est;
  }

private:
  /// Seconds of compute for `work` on the fastest unit for its class.
  double computeSeconds(const OpWork &work) const {
    if (work.flops == 0)
      return 0;
    if (onlyUnit) {
      const ComputeUnit &unit = target.units[*onlyUnit];
      double peak =
          work.cls == OpClass::Matrix ? unit.matrixFlops : unit.vectorFlops;
      return work.flops / (peak / std::max<uint64_t>(unit.count, 1));
    }
    double best = 0;
    for (const ComputeUnit &unit : target.units) {
      double peak =
          work.cls == OpClass::Matrix ? unit.matrixFlops : unit.vectorFlops;
      best = std::max(best, peak);
    }
    return work.flops / best;
  }

  void finish(CostEstimate &est, double compute) const {
    const MemoryTier &tier = target.getBackingTier();
    double memory = est.bytesMoved() / tier.bandwidth;
    est.computeBound = compute > memory;
    est.seconds = std::max(compute, memory);
    if (est.bytesMoved() > 0)
      est.seconds += tier.latency;
  }

  /// Set while estimateOnUnit runs.
  std::optional<unsigned> onlyUnit;
};
} // namespace

std::unique_ptr<CostModel>
mlir::strata::createRooflineCostModel(TargetDescription target) {
  return std::make_unique<RooflineCostModel>(std::move(target));
}
