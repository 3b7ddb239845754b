//===- Constants.h - Compile-time layout changes of constants ---*- C++ -*-===//
//
// Folding a layout change (a transpose) or a slice of a constant at compile
// time, so that weights are stored the way kernels read them rather than
// rearranged on every call. Shared by the graph rewrites and the code
// generator.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_SUPPORT_CONSTANTS_H
#define STRATA_SUPPORT_CONSTANTS_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Operation.h"
#include "mlir/Support/LLVM.h"

namespace mlir::strata {

/// `value` transposed: dimension i of the result is dimension `perms[i]` of
/// `value`. Splats stay splats; a permutation that keeps the data order (it
/// only moves unit dimensions) is a reshape; otherwise the elements are
/// copied, byte-wise for elements of whole bytes. Fails for packed i1 data
/// or when `maxElements` (if positive) is exceeded by a copy.
FailureOr<DenseElementsAttr> transposeConstant(DenseElementsAttr value,
                                               ArrayRef<int64_t> perms,
                                               int64_t maxElements = 0);

/// `value`'s elements read as a tensor of `shape` (the same number of
/// elements: a reshape that moves no data), transposed by `perms`, and
/// returned as `resultType` (again the same number of elements): a chain of
/// reshapes and transposes (LayoutChain) as one copy, without the copy a
/// DenseElementsAttr::reshape makes. Fails as above, or when the shapes or
/// the element type disagree.
FailureOr<DenseElementsAttr> transposeConstant(DenseElementsAttr value,
                                               ArrayRef<int64_t> shape,
                                               ArrayRef<int64_t> perms,
                                               ShapedType resultType,
                                               int64_t maxElements = 0);

/// The box of `value` starting at `start` with extents `size` (both of
/// `value`'s rank and inside it). Splats stay splats; otherwise rows of the
/// innermost dimension are copied. Fails for packed i1 data, a box outside
/// `value`, or one of more than `maxElements` elements (if positive).
FailureOr<DenseElementsAttr> sliceConstant(DenseElementsAttr value,
                                           ArrayRef<int64_t> start,
                                           ArrayRef<int64_t> size,
                                           int64_t maxElements = 0);

/// Constants a kernel holds rather than reads as an argument: scalars and
/// shapes, splats, and tensors of at most 64 bytes (TOSA's zero points,
/// which lowering patterns must see as constants). strata-group-ops clones
/// them into the groups that read them, and a measured kernel
/// (lib/Measure) into its module, so measured and compiled kernels agree.
bool isInlinableConstant(Operation *op);

/// The one rule for what a kernel holds rather than reads: a value made by
/// an inlinable constant (above) or by an operand-free tensor.empty (a
/// shape, no data). strata-group-ops clones such values into the groups
/// that read them and lib/Measure into a measured kernel's module.
bool isInlinedIntoKernel(Value value);

} // namespace mlir::strata

#endif // STRATA_SUPPORT_CONSTANTS_H
