//===- StrataAttrs.h - Target and tier attributes ---------------*- C++ -*-===//
//
// Declares `#strata.tier`, `#strata.unit`, `#strata.target`,
// `#strata.placement` and `#strata.lowering`.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_DIALECT_STRATA_IR_STRATAATTRS_H
#define STRATA_DIALECT_STRATA_IR_STRATAATTRS_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectImplementation.h"

#include "llvm/ADT/Hashing.h"
#include "llvm/ADT/bit.h"

namespace mlir::strata {
/// A `double` attribute parameter. The storage uniquer needs a hash, which
/// plain `double` lacks; equality and hash are bitwise so they agree.
struct Real {
  double value = 0;
  Real() = default;
  Real(double value) : value(value) {}
  operator double() const { return value; }
  bool operator==(const Real &other) const {
    return llvm::bit_cast<uint64_t>(value) ==
           llvm::bit_cast<uint64_t>(other.value);
  }
  friend llvm::hash_code hash_value(const Real &r) {
    return llvm::hash_value(llvm::bit_cast<uint64_t>(r.value));
  }
};
} // namespace mlir::strata

namespace mlir::strata::detail {
/// Parses a real number (integer or float literal).
FailureOr<Real> parseDouble(AsmParser &parser);
/// Prints a real number so that it parses back bit-identically.
void printDouble(AsmPrinter &printer, Real value);

/// Parses `[` integer (`,` integer)* `]` (possibly empty).
FailureOr<SmallVector<int64_t>> parseI64List(AsmParser &parser);
/// Prints `[` integer (`,` integer)* `]`.
void printI64List(AsmPrinter &printer, ArrayRef<int64_t> values);

/// Parses `[` attr (`,` attr)* `]` where every element is an `AttrT`.
template <typename AttrT>
FailureOr<SmallVector<AttrT>> parseAttrList(AsmParser &parser) {
  SmallVector<AttrT> result;
  auto parseOne = [&]() -> ParseResult {
    AttrT attr;
    if (parser.parseAttribute(attr))
      return failure();
    result.push_back(attr);
    return success();
  };
  if (parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, parseOne))
    return failure();
  return result;
}

/// Prints `[` attr (`,` attr)* `]` in full (`#dialect.mnemonic<...>`) form.
template <typename AttrT>
void printAttrList(AsmPrinter &printer, ArrayRef<AttrT> attrs) {
  printer << '[';
  llvm::interleaveComma(attrs, printer,
                        [&](AttrT attr) { printer.printAttribute(attr); });
  printer << ']';
}
} // namespace mlir::strata::detail

#define GET_ATTRDEF_CLASSES
#include "dialects/Strata/IR/StrataAttrs.h.inc"

#endif // STRATA_DIALECT_STRATA_IR_STRATAATTRS_H
