//===- CostReport.h - Predicted cost after every pass -----------*- C++ -*-===//
//
// The `--strata-cost-report` pass instrumentation: after each pass, the
// cost model's predicted total of the kernels in the IR the pass ran on,
// so a user sees what each pass of a pipeline bought.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_PASSES_ANALYSIS_COSTREPORT_H
#define STRATA_PASSES_ANALYSIS_COSTREPORT_H

#include "mlir/Pass/PassManager.h"

#include <string>

namespace mlir::strata {

/// Adds the instrumentation to `pm`: after every pass, one line on `os`
/// with the predicted seconds of the kernels (strata.groups, and compute
/// ops outside groups) of the op the pass ran on, by the cost model `spec`
/// (see createCostModel) on `target` (empty: the module's strata.target,
/// else host-cpu). Ops whose cost cannot be estimated (memrefs after
/// bufferization, dynamic shapes) are counted and left out of the total.
void addCostReportInstrumentation(PassManager &pm, std::string spec,
                                  std::string target, llvm::raw_ostream &os);

} // namespace mlir::strata

#endif // STRATA_PASSES_ANALYSIS_COSTREPORT_H
