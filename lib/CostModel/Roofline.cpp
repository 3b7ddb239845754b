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

/// max(compute, memory) + the tier's latency when anything moves.
static double combineRoofline(const MemoryTier &tier, double compute,
                              double bytes) {
  double seconds = std::max(compute, bytes / tier.bandwidth);
  return bytes > 0 ? seconds + tier.latency : seconds;
}

/// The fastest peaks of any unit: matrix and vector.
static std::pair<double, double> getBestPeaks(const TargetDescription &target) {
  double matrix = 0, vector = 0;
  for (const ComputeUnit &unit : target.units) {
    matrix = std::max(matrix, unit.matrixFlops);
    vector = std::max(vector, unit.vectorFlops);
  }
  return {matrix, vector};
}

double mlir::strata::getRooflineSeconds(const TargetDescription &target,
                                        double matrixFlops, double vectorFlops,
                                        double bytes) {
  auto [matrixPeak, vectorPeak] = getBestPeaks(target);
  double compute = (matrixFlops > 0 ? matrixFlops / matrixPeak : 0) +
                   (vectorFlops > 0 ? vectorFlops / vectorPeak : 0);
  return combineRoofline(target.getBackingTier(), compute, bytes);
}

namespace {
class RooflineCostModel final : public CostModel {
public:
  using CostModel::CostModel;

  StringRef getName() const override { return "roofline"; }

  FailureOr<CostEstimate> estimateOnUnit(Operation *op,
                                         unsigned unit) override {
    if (unit >= target.units.size())
      return failure();
    if (auto group = dyn_cast<GroupOp>(op))
      return estimateGroupOn(group, unit);
    return estimateOpOn(op, unit);
  }

  FailureOr<CostEstimate> estimateOp(Operation *op) override {
    return estimateOpOn(op, std::nullopt);
  }

  FailureOr<CostEstimate> estimateGroup(GroupOp group) override {
    return estimateGroupOn(group, std::nullopt);
  }

private:
  /// On one instance of `unit`, or (none) on the best unit for each op.
  FailureOr<CostEstimate> estimateOpOn(Operation *op,
                                       std::optional<unsigned> unit) const {
    FailureOr<OpWork> work = analyzeOpWork(op);
    if (failed(work))
      return failure();
    CostEstimate est;
    est.flops = work->flops;
    est.bytesRead = work->bytesRead;
    est.bytesWritten = work->bytesWritten;
    finish(est, computeSeconds(*work, unit));
    return est;
  }

  FailureOr<CostEstimate> estimateGroupOn(GroupOp group,
                                          std::optional<unsigned> unit) const {
    CostEstimate est;
    double compute = 0;
    for (Operation &op : group.getBodyBlock().without_terminator()) {
      FailureOr<OpWork> work = analyzeOpWork(&op);
      if (failed(work))
        return failure();
      est.flops += work->flops;
      compute += computeSeconds(*work, unit);
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

  /// Seconds of compute for `work` on one instance of `unit` (its peak
  /// divided by its count), or on the fastest unit for its class.
  double computeSeconds(const OpWork &work,
                        std::optional<unsigned> unit) const {
    if (work.flops == 0)
      return 0;
    if (unit) {
      const ComputeUnit &u = target.units[*unit];
      double peak = work.cls == OpClass::Matrix ? u.matrixFlops : u.vectorFlops;
      return work.flops / (peak / std::max<uint64_t>(u.count, 1));
    }
    auto [matrixPeak, vectorPeak] = getBestPeaks(target);
    return work.flops / (work.cls == OpClass::Matrix ? matrixPeak : vectorPeak);
  }

  void finish(CostEstimate &est, double compute) const {
    const MemoryTier &tier = target.getBackingTier();
    est.computeBound = compute > est.bytesMoved() / tier.bandwidth;
    est.computeSeconds = compute;
    est.seconds = combineRoofline(tier, compute, est.bytesMoved());
  }
};
} // namespace

std::unique_ptr<CostModel>
mlir::strata::createRooflineCostModel(TargetDescription target) {
  return std::make_unique<RooflineCostModel>(std::move(target));
}
