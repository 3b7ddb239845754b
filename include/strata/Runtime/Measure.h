//===- Measure.h - Time one kernel on the host CPU --------------*- C++ -*-===//
//
// What `strata-cost collect` and the `measured` cost model share: take one
// kernel (an op, or a strata.group run as one kernel) out of its function
// into a module of its own, lower it with strata-cpu-pipeline, JIT it and
// time it on seeded inputs (warm-up, then the median of repeated runs).
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_MEASURE_H
#define STRATA_RUNTIME_MEASURE_H

#include "strata/CostModel/CostModel.h"
#include "strata/Runtime/Runner.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/Error.h"

namespace mlir::strata {

struct MeasureOptions {
  /// Untimed runs first (caches, page faults, lazy symbol resolution).
  unsigned warmupRuns = 2;
  /// Timed runs: at least minRuns, then more until minSeconds of runs or
  /// maxRuns.
  unsigned minRuns = 5;
  unsigned maxRuns = 200;
  double minSeconds = 0.02;
  unsigned optLevel = kDefaultOptLevel;
  /// Seeds the floating-point inputs; integer inputs are zero (valid
  /// indices, no division traps).
  uint64_t seed = 0;
};

struct KernelTiming {
  double medianSeconds = 0;
  /// 10th and 90th percentile of the runs: the spread of the figure.
  double p10Seconds = 0;
  double p90Seconds = 0;
  unsigned runs = 0;
  double compileSeconds = 0;
};

/// A module whose public function @kernel runs `kernel` alone: the kernel's
/// tensor operands become arguments, constants and shape operands it reads
/// are cloned in. Fails (with a message) when an operand is neither.
llvm::Expected<OwningOpRef<ModuleOp>> buildKernelModule(Operation *kernel);

/// Builds, compiles and times `kernel`.
llvm::Expected<KernelTiming> measureKernel(Operation *kernel,
                                           const MeasureOptions &options = {});

/// Compiles and times an already built kernel module (its @kernel).
llvm::Expected<KernelTiming> measureKernelModule(ModuleOp module,
                                                 const MeasureOptions &options);

/// Times a kernel function (strata.kernel, linalg on tensors with its
/// lowering plans, as strata-choose-lowering sees it) compiled alone.
llvm::Expected<KernelTiming>
measureKernelFunction(func::FuncOp kernel, const MeasureOptions &options = {});

/// The `measured` cost model: every estimate is a measurement on this
/// machine (cached per kernel text). Slow: for checking other models and
/// for small modules.
std::unique_ptr<CostModel> createMeasuredCostModel(TargetDescription target);

/// Makes createCostModel("measured", ...) and strata-choose-lowering's
/// cost-model=measured available in this process.
void registerMeasuredCostModelFactory();

} // namespace mlir::strata

#endif // STRATA_RUNTIME_MEASURE_H
