//===- StrataDialect.cpp - The strata dialect -----------------------------===//
//
// Registers the strata ops and attributes and verifies the dialect's
// discardable attributes.
//
//===----------------------------------------------------------------------===//

#include "dialects/Strata/IR/StrataDialect.h"

#include "dialects/Strata/IR/StrataAttrs.h"
#include "dialects/Strata/IR/StrataOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

using namespace mlir;
using namespace mlir::strata;

#include "dialects/Strata/IR/StrataDialect.cpp.inc"

void StrataDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/Strata/IR/StrataOps.cpp.inc"
      >();
  registerAttributes();
}

/// A plan fits its op: one entry per loop, parallel loops nested outside
/// reduction loops.
static LogicalResult verifyLoweringPlan(Operation *op, Attribute value) {
  StringRef name = StrataDialect::getLoweringAttrName();
  auto plan = dyn_cast<LoweringAttr>(value);
  if (!plan)
    return op->emitError() << "'" << name
                           << "' must be a #strata.lowering attribute";
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp)
    return op->emitError()
           << "'" << name << "' may only be attached to a linalg structured op";
  SmallVector<utils::IteratorType> iterators = linalgOp.getIteratorTypesArray();
  if (plan.getTile().size() != iterators.size())
    return op->emitError() << "'" << name << "' has " << plan.getTile().size()
                           << " loops, the op has " << iterators.size();
  bool inReductions = false;
  for (int64_t loop : plan.getOrder()) {
    bool reduction = iterators[loop] == utils::IteratorType::reduction;
    if (!reduction && inReductions)
      return op->emitError() << "'" << name << "' nests parallel loop " << loop
                             << " inside a reduction loop";
    inReductions |= reduction;
  }
  return success();
}

LogicalResult StrataDialect::verifyOperationAttribute(Operation *op,
                                                      NamedAttribute attr) {
  StringRef name = attr.getName().getValue();
  if (name == getTargetAttrName()) {
    if (!isa<ModuleOp>(op))
      return op->emitError()
             << "'" << name << "' may only be attached to a builtin.module";
    if (!isa<TargetAttr>(attr.getValue()))
      return op->emitError()
             << "'" << name << "' must be a #strata.target attribute";
    return success();
  }
  if (name == getCostModelAttrName()) {
    if (!isa<ModuleOp>(op))
      return op->emitError()
             << "'" << name << "' may only be attached to a builtin.module";
    if (!isa<StringAttr>(attr.getValue()))
      return op->emitError() << "'" << name
                             << "' must be a string naming a cost model, "
                                "e.g. \"learned\"";
    return success();
  }
  if (name == getKernelAttrName()) {
    if (!isa<FunctionOpInterface>(op))
      return op->emitError()
             << "'" << name << "' may only be attached to a function";
    if (!isa<UnitAttr>(attr.getValue()))
      return op->emitError() << "'" << name << "' must be a unit attribute";
    return success();
  }
  if (name == getRecomputeOfAttrName()) {
    if (!isa<StringAttr>(attr.getValue()))
      return op->emitError() << "'" << name << "' must be a string attribute";
    return success();
  }
  if (name == getUnitAttrName()) {
    auto unit = dyn_cast<StringAttr>(attr.getValue());
    StringRef unitName, instance;
    unsigned index;
    if (unit)
      std::tie(unitName, instance) = unit.getValue().rsplit(':');
    if (!unit || unitName.empty() || instance.getAsInteger(10, index))
      return op->emitError()
             << "'" << name
             << "' must be a string \"<unit name>:<instance>\", e.g. "
                "\"core:0\"";
    return success();
  }
  if (name == getPlacementAttrName()) {
    auto array = dyn_cast<ArrayAttr>(attr.getValue());
    if (!array ||
        !llvm::all_of(array, [](Attribute a) { return isa<PlacementAttr>(a); }))
      return op->emitError()
             << "'" << name << "' must be an array of #strata.placement";
    unsigned tensors = llvm::count_if(
        op->getResultTypes(), [](Type t) { return isa<ShapedType>(t); });
    if (array.size() != tensors)
      return op->emitError()
             << "'" << name << "' has " << array.size() << " placements for "
             << tensors << " tensor results";
    return success();
  }
  if (name == getResultPlacementAttrName()) {
    auto array = dyn_cast<ArrayAttr>(attr.getValue());
    if (!isa<FunctionOpInterface>(op) || !array ||
        !llvm::all_of(array, [](Attribute a) { return isa<PlacementAttr>(a); }))
      return op->emitError() << "'" << name
                             << "' must be an array of #strata.placement on a "
                                "function";
    return success();
  }
  if (name == getArenasAttrName()) {
    auto dict = dyn_cast<DictionaryAttr>(attr.getValue());
    if (!isa<FunctionOpInterface>(op) || !dict)
      return op->emitError()
             << "'" << name << "' must be a dictionary on a function";
    for (NamedAttribute entry : dict) {
      auto size = dyn_cast<IntegerAttr>(entry.getValue());
      if (!size || size.getValue().isNegative())
        return op->emitError()
               << "'" << name << "' entry '" << entry.getName().getValue()
               << "' must be a non-negative integer (bytes)";
    }
    return success();
  }
  if (name == getIndexCheckSitesAttrName()) {
    auto array = dyn_cast<ArrayAttr>(attr.getValue());
    if (!isa<ModuleOp>(op) || !array ||
        !llvm::all_of(array, [](Attribute a) { return isa<StringAttr>(a); }))
      return op->emitError()
             << "'" << name << "' must be an array of strings on a module";
    return success();
  }
  if (name == getLoweringAttrName())
    return verifyLoweringPlan(op, attr.getValue());
  return op->emitError() << "unknown strata attribute '" << name << "'";
}
