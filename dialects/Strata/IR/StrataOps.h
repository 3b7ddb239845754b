//===- StrataOps.h - Operations of the strata dialect -----------*- C++ -*-===//
//
// Declares `strata.group` and `strata.yield`.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_DIALECT_STRATA_IR_STRATAOPS_H
#define STRATA_DIALECT_STRATA_IR_STRATAOPS_H

#include "dialects/Strata/IR/StrataAttrs.h"
#include "dialects/Strata/IR/StrataDialect.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/RegionKindInterface.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::strata {
/// The largest window `strata.lrn` accepts: its expansion is one slice per
/// window position (real models use 3 to 11).
constexpr int64_t kMaxLRNSize = 1024;
} // namespace mlir::strata

#define GET_OP_CLASSES
#include "dialects/Strata/IR/StrataOps.h.inc"

#endif // STRATA_DIALECT_STRATA_IR_STRATAOPS_H
