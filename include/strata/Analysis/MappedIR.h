//===- MappedIR.h - Tier plans in the IR ------------------------*- C++ -*-===//
//
// Reads and writes the memory-tier plan of a function: kernels carry
// `strata.placement` (one `#strata.placement` per tensor result), copies
// between tiers are `strata.prefetch` / `strata.evict` ops, the function
// carries its arena sizes in `strata.arenas`. The plain C++ side is
// strata/Planning/TierMapping.h.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_ANALYSIS_MAPPEDIR_H
#define STRATA_ANALYSIS_MAPPEDIR_H

#include "strata/Analysis/BuildKernelGraph.h"
#include "strata/CostModel/CostModel.h"
#include "strata/Planning/TierMapping.h"
#include "strata/Target/Target.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace mlir::strata {

/// Per kernel op: the cost model's compute time (0 where the model has no
/// estimate).
SmallVector<double> getComputeSeconds(ArrayRef<Operation *> ops,
                                      CostModel &model);

/// A function body as a mapped program, with the IR behind it.
struct MappedFunction {
  MappedProgram program;
  /// Per program op: the kernel or copy op.
  SmallVector<Operation *> ops;
  /// Per program tensor: the IR value holding it.
  SmallVector<Value> values;
  /// False when the body carried no plan: the program then keeps every
  /// tensor in the backing tier.
  bool planned = false;
};

/// Reads the plan of `func`'s body for `target`, with compute times from
/// `model`. A body without any placement or copy reads as everything in
/// the backing tier. Emits an error and fails on a kernel without a
/// placement in a planned body, a placement naming a tier the target does
/// not have, or a dynamic shape.
FailureOr<MappedFunction> readMappedFunction(func::FuncOp func,
                                             const TargetDescription &target,
                                             CostModel &model);

/// Writes `program`, planned over `ir` (the kernel graph of `func`'s
/// body, nodes in block order), into `func`: placements on kernels, copies
/// before the kernels they precede (constants they copy move up to them),
/// operands and results rewired to the copies, and `strata.arenas`.
void writeMappedProgram(func::FuncOp func, const IRKernelGraph &ir,
                        const MappedProgram &program);

/// True when `func`'s body carries a tier plan.
bool hasTierPlan(func::FuncOp func);

} // namespace mlir::strata

#endif // STRATA_ANALYSIS_MAPPEDIR_H
