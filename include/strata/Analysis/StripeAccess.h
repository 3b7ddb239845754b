//===- StripeAccess.h - Which rows of its operands a kernel reads -*- C++ -*-//
//
// The IR side of tile-level mapping (strata/Planning/TileMapping.h): for
// every value of a kernel graph, the dimension it is streamed along and its
// rows, and for every kernel input, which rows of it the kernel reads per
// output row. Derived from the ops in each kernel: a convolution or pooling
// window reads rows [r*stride - pad, r*stride - pad + (k-1)*dilation] of its
// NHWC input's height, elementwise ops and transposes read the matching row
// of the matching dimension, a slice or pad shifts it, a broadcast reads row
// 0; whatever mixes rows (a reduction or concatenation along the dimension,
// a reshape that splits it, a matmul's reduction operand) needs its operand
// whole. Dimensions start at the height of each convolution and pooling
// output and spread through the graph; a value they never reach is not
// split.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_ANALYSIS_STRIPEACCESS_H
#define STRATA_ANALYSIS_STRIPEACCESS_H

#include "strata/Analysis/BuildKernelGraph.h"
#include "strata/Planning/TileMapping.h"

namespace mlir::strata {

/// The streamed dimension and rows of every value of `ir` and the row
/// access of every kernel input.
StripeInfo computeStripeInfo(const IRKernelGraph &ir);

} // namespace mlir::strata

#endif // STRATA_ANALYSIS_STRIPEACCESS_H
