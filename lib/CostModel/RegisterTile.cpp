//===- RegisterTile.cpp - Cycle model of a register-blocked tile ----------===//

#include "strata/CostModel/RegisterTile.h"

#include <algorithm>

using namespace mlir::strata;

static double fmasPerCycle(const VectorUnitModel &unit) {
  return unit.lanes > 8 ? 1.0 : 2.0;
}

double mlir::strata::estimateRegisterStepCycles(int64_t m, int64_t n,
                                                const VectorUnitModel &unit) {
  int64_t vectors = (n + unit.lanes - 1) / unit.lanes;
  double fmas = double(m * vectors);
  double loads = (m + vectors) / 2.0;
  double issue = (fmas + m + vectors + 2) / 6.0;
  return std::max({fmas / fmasPerCycle(unit), loads, issue, 4.0});
}

double
mlir::strata::estimateRegisterStepEfficiency(int64_t m, int64_t n,
                                             const VectorUnitModel &unit) {
  int64_t vectors = (n + unit.lanes - 1) / unit.lanes;
  double ideal = double(m * vectors) / fmasPerCycle(unit);
  return ideal / estimateRegisterStepCycles(m, n, unit);
}
