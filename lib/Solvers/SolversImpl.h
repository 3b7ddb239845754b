//===- SolversImpl.h - Private to lib/Solvers -------------------*- C++ -*-===//

#ifndef STRATA_LIB_SOLVERS_SOLVERSIMPL_H
#define STRATA_LIB_SOLVERS_SOLVERSIMPL_H

#include "strata/Solvers/MILP.h"

namespace mlir::strata::detail {

/// Fills bound and gap from the status and objective (bound clamped to the
/// objective; zeros without a solution).
void finishReport(SolverReport &report);

MILPResult solveWithHiGHS(const MILPModel &model, const MILPOptions &options);

} // namespace mlir::strata::detail

#endif // STRATA_LIB_SOLVERS_SOLVERSIMPL_H
