//===- StrataAttrs.cpp - Target and tier attributes -----------------------===//
//
// Parsing helpers and verifiers of `#strata.tier`, `#strata.unit` and
// `#strata.target`. These verifiers are the single definition of a valid
// target: the JSON loader in lib/Target builds attributes and so runs them too.
//
//===----------------------------------------------------------------------===//

#include "dialects/Strata/IR/StrataAttrs.h"

#include "dialects/Strata/IR/StrataDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace mlir::strata;

FailureOr<Real> mlir::strata::detail::parseDouble(AsmParser &parser) {
  double value;
  if (parser.parseFloat(value))
    return failure();
  return Real(value);
}

void mlir::strata::detail::printDouble(AsmPrinter &printer, Real value) {
  printer.printFloat(llvm::APFloat(value.value));
}

FailureOr<SmallVector<int64_t>>
mlir::strata::detail::parseI64List(AsmParser &parser) {
  SmallVector<int64_t> result;
  auto parseOne = [&]() -> ParseResult {
    int64_t value;
    if (parser.parseInteger(value))
      return failure();
    result.push_back(value);
    return success();
  };
  if (parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, parseOne))
    return failure();
  return result;
}

void mlir::strata::detail::printI64List(AsmPrinter &printer,
                                        ArrayRef<int64_t> values) {
  printer << '[';
  llvm::interleaveComma(values, printer);
  printer << ']';
}

#define GET_ATTRDEF_CLASSES
#include "dialects/Strata/IR/StrataAttrs.cpp.inc"

void StrataDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialects/Strata/IR/StrataAttrs.cpp.inc"
      >();
}

static bool isPositiveFinite(double v) { return std::isfinite(v) && v > 0; }

LogicalResult TierAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                               StringRef name, uint64_t capacity,
                               Real bandwidth, Real latency) {
  if (name.empty())
    return emitError() << "tier name must not be empty";
  if (capacity == 0)
    return emitError() << "tier '" << name << "' must have a positive capacity";
  if (!isPositiveFinite(bandwidth))
    return emitError() << "tier '" << name
                       << "' must have a positive, finite bandwidth";
  if (!std::isfinite(latency) || latency < 0)
    return emitError() << "tier '" << name
                       << "' must have a non-negative, finite latency";
  return success();
}

LogicalResult
ComputeUnitAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                        StringRef name, uint64_t count, Real matrixFlops,
                        Real vectorFlops) {
  if (name.empty())
    return emitError() << "compute unit name must not be empty";
  if (count == 0)
    return emitError() << "compute unit '" << name
                       << "' must have a positive count";
  if (!isPositiveFinite(matrixFlops) || !isPositiveFinite(vectorFlops))
    return emitError() << "compute unit '" << name
                       << "' must have positive, finite peak FLOP/s";
  return success();
}

LogicalResult
PlacementAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                      StringRef tier, int64_t offset, int64_t alignment) {
  if (tier.empty())
    return emitError() << "placement tier name must not be empty";
  if (offset < 0)
    return emitError() << "placement offset must not be negative, got "
                       << offset;
  if (alignment < 1 || !llvm::isPowerOf2_64(alignment))
    return emitError() << "placement alignment must be a power of two, got "
                       << alignment;
  if (offset % alignment != 0)
    return emitError() << "placement offset " << offset
                       << " is not a multiple of its alignment " << alignment;
  return success();
}

LogicalResult LoweringAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                   ArrayRef<int64_t> tile,
                                   ArrayRef<int64_t> registerTile,
                                   ArrayRef<int64_t> order,
                                   int64_t vectorWidth) {
  size_t loops = tile.size();
  if (registerTile.size() != loops || order.size() != loops)
    return emitError() << "lowering plan has " << loops << " tile sizes, "
                       << registerTile.size() << " register tile sizes and "
                       << order.size()
                       << " loops in its order; all three must be one per loop";
  if (llvm::any_of(tile, [](int64_t s) { return s < 0; }))
    return emitError() << "lowering plan tile sizes must not be negative";
  if (llvm::any_of(registerTile, [](int64_t s) { return s < 1; }))
    return emitError() << "lowering plan register tile sizes must be positive";
  SmallVector<bool> seen(loops, false);
  for (int64_t loop : order) {
    if (loop < 0 || loop >= static_cast<int64_t>(loops) || seen[loop])
      return emitError() << "lowering plan order must be a permutation of 0.."
                         << static_cast<int64_t>(loops) - 1;
    seen[loop] = true;
  }
  for (auto [outer, inner] : llvm::zip_equal(tile, registerTile))
    if (outer != 0 && outer < inner)
      return emitError() << "lowering plan tile size " << outer
                         << " is smaller than its register tile size " << inner;
  if (vectorWidth < 1 || !llvm::isPowerOf2_64(vectorWidth))
    return emitError() << "lowering plan vector width must be a power of two, "
                          "got "
                       << vectorWidth;
  return success();
}

LogicalResult TargetAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 StringRef name,
                                 ArrayRef<ComputeUnitAttr> units,
                                 ArrayRef<TierAttr> tiers) {
  if (name.empty())
    return emitError() << "target name must not be empty";
  if (units.empty())
    return emitError() << "target '" << name
                       << "' must have at least one compute unit";
  if (tiers.empty())
    return emitError() << "target '" << name
                       << "' must have at least one memory tier";
  llvm::StringSet<> unitNames;
  for (ComputeUnitAttr unit : units)
    if (!unitNames.insert(unit.getName()).second)
      return emitError() << "target '" << name
                         << "' has two compute units named '" << unit.getName()
                         << "'";
  llvm::StringSet<> tierNames;
  for (TierAttr tier : tiers)
    if (!tierNames.insert(tier.getName()).second)
      return emitError() << "target '" << name << "' has two tiers named '"
                         << tier.getName() << "'";
  // Planning passes treat tiers[0] as the fastest and tiers.back() as the
  // backing store; an unordered list would silently invert their decisions.
  for (size_t i = 1; i < tiers.size(); ++i)
    if (tiers[i].getBandwidth() > tiers[i - 1].getBandwidth())
      return emitError() << "target '" << name
                         << "' must list tiers fastest first, but tier '"
                         << tiers[i].getName()
                         << "' has a higher bandwidth than tier '"
                         << tiers[i - 1].getName() << "'";
  return success();
}
