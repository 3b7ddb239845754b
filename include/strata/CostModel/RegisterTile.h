//===- RegisterTile.h - Cycle model of a register-blocked tile -*- C++ -*-===//
//
// The analytical model strata-choose-lowering ranks register tiles with,
// shared with the learned model's plan features (Features.h) so that both
// see the same estimate.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_COSTMODEL_REGISTERTILE_H
#define STRATA_COSTMODEL_REGISTERTILE_H

#include <cstdint>

namespace mlir::strata {

/// The vector unit a plan is made for.
struct VectorUnitModel {
  int64_t lanes;     ///< f32 lanes per register.
  int64_t registers; ///< Vector registers.
};

/// Cycles one reduction step of an m x n register tile takes: the FMAs
/// (two 256-bit FMA pipes, so one 512-bit or two narrower FMAs per cycle),
/// the loads and broadcasts (two per cycle), the instructions (about six
/// per cycle), and the FMA latency (four cycles), which too few
/// accumulators cannot hide.
double estimateRegisterStepCycles(int64_t m, int64_t n,
                                  const VectorUnitModel &unit);

/// FMAs the step issues divided by what the FMA pipes could issue in its
/// cycles: 1 for a tile that keeps them busy.
double estimateRegisterStepEfficiency(int64_t m, int64_t n,
                                      const VectorUnitModel &unit);

} // namespace mlir::strata

#endif // STRATA_COSTMODEL_REGISTERTILE_H
