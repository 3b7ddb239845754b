//===- StrataDialect.h - The strata dialect ---------------------*- C++ -*-===//
//
// Declares the `strata` dialect.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_DIALECT_STRATA_IR_STRATADIALECT_H
#define STRATA_DIALECT_STRATA_IR_STRATADIALECT_H

#include "mlir/IR/Dialect.h"

#include "dialects/Strata/IR/StrataDialect.h.inc"

#endif // STRATA_DIALECT_STRATA_IR_STRATADIALECT_H
