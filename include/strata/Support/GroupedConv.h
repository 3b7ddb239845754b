//===- GroupedConv.h - Grouped 2-D convolution as one linalg op -*- C++ -*-===//
//
// A grouped convolution (ONNX Conv with 1 < group, a depthwise convolution
// with a channel multiplier) as one linalg.generic on tensors whose channel
// dimension is split into (group, channels of the group):
//
//   input  N x H x W x G x C     (NHWGC)
//   filter KH x KW x G x C x F   (HWGCF; HWCF, the plain convolution's, per
//                                 group)
//   output N x OH x OW x G x F   (NHWGF)
//
// The group is a loop every operand is indexed by. Splitting the channel
// dimension is a reshape, so the op reads and writes the NHWC tensors of
// the graph in place. The importer builds it, the code generator plans it
// like a convolution and, once a tile holds one group, lowers that tile as
// linalg.conv_2d_nhwc_hwcf.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_SUPPORT_GROUPEDCONV_H
#define STRATA_SUPPORT_GROUPEDCONV_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Support/LLVM.h"

namespace mlir::strata {

/// The grouped convolution `init + conv(input, filter)`; operands as the
/// file comment lays them out, `strides` and `dilations` of (height,
/// width). Returns the op's result.
Value buildGroupedConv2D(OpBuilder &builder, Location loc, Value input,
                         Value filter, Value init, ArrayRef<int64_t> strides,
                         ArrayRef<int64_t> dilations);

/// What matchGroupedConv2D and matchBlockedConv2D read off a convolution
/// with an outer loop of its weights (a group, a block of output channels).
struct SplitConv2D {
  int64_t outerLoop = -1; ///< The group's (block's) loop.
  /// A grouped convolution reading a channel shuffle's output
  /// (buildShuffledGroupedConv2D): the loop over the runs (-1: none).
  int64_t runLoop = -1;
  /// A shuffled grouped convolution whose groups are split further (its
  /// filter of rank 7): the loop over the groups of a super-group; the
  /// outer loop is then the super-group's (-1: none).
  int64_t subgroupLoop = -1;
  SmallVector<int64_t, 2> strides, dilations;
};

/// The grouped convolution `op` is, if it is one in the layout above (a
/// multiply-accumulate linalg.generic of rank-5 operands with the group
/// at input dimension 3, filter dimension 2 and output dimension 3), or a
/// shuffled one (buildShuffledGroupedConv2D; `runLoop` set, and with
/// groups of super-groups `subgroupLoop` too).
std::optional<SplitConv2D> matchGroupedConv2D(linalg::LinalgOp op);

/// How groups of `perGroup` channels read a channel shuffle of `runs`
/// groups (buildShuffledGroupedConv2D): `subgroups` (P) groups of a
/// super-group read `runs` runs of `runLength` (J) channels, group h a
/// window of `window` (W) channels of each run starting at h * `step` (A).
/// Without windows (runs dividing perGroup) P = 1 and W = J = perGroup /
/// runs.
struct ShuffleWindows {
  int64_t subgroups, runLength, step, window;
};
ShuffleWindows getShuffleWindows(int64_t runs, int64_t perGroup);

/// Whether `op` is a convolution: linalg's convolution interface holds, or
/// it is a shuffled grouped convolution with groups of super-groups
/// (buildShuffledGroupedConv2D with a filter of rank 7), which the
/// interface refuses (its group loop indexes the output and the filter
/// and moves the input's channel window). What kernel formation and the
/// cost model ask to treat an op as a convolution.
bool isaConvolution(linalg::LinalgOp op);

/// A grouped convolution of G groups of S * R input channels reading the
/// input through a channel shuffle of S groups (the shuffled channel
/// r * S + s of group g is the input's channel (s * G + g) * R + r), with
/// the shuffle folded into how the op reads its input:
///
///   input  N x H x W x S x G x R  (the input's NHWC, channels split)
///   filter KH x KW x G x S x R x F
///   output N x OH x OW x G x F
///
/// Group g reads S contiguous runs of R channels. The runs are a second
/// reduction loop: a tile of one group and one run is a plain
/// linalg.conv_2d_nhwc_hwcf, as a tile of one group of the plain op is.
///
/// When S does not divide a group's Cg channels, the shuffled channels of
/// a group are not S runs of one length (S = 4, Cg = 34: runs of 9, 9, 8
/// and 8), but P = S / gcd(S, Cg) consecutive groups (a super-group) read
/// S runs of J = Cg * P / S channels. Group h of a super-group reads, of
/// each run, channels between h * Cg / S rounded down and (h + 1) * Cg / S
/// rounded up: within a window of W = J - A * (P - 1) channels starting at
/// h * A, A = floor(Cg / S). The filter is zero at the window's channels
/// the group does not read (36 channels reduced instead of 34 above). With a
/// filter of rank 7 the op is this one:
///
///   input  N x H x W x S x G/P x J
///   filter KH x KW x G/P x P x S x W x F
///   output N x OH x OW x G/P x P x F
///
/// (A and P are read off the shapes.) A tile of one super-group, one group
/// of it and one run is again a plain linalg.conv_2d_nhwc_hwcf.
Value buildShuffledGroupedConv2D(OpBuilder &builder, Location loc, Value input,
                                 Value filter, Value init,
                                 ArrayRef<int64_t> strides,
                                 ArrayRef<int64_t> dilations);

/// A convolution whose filter is stored in blocks of `B` output channels,
/// each block's HWCF filter contiguous (strata-pack-constants makes it so
/// large filters are read as one sequential stream):
///
///   input  N x H x W x C,  filter F/B x KH x KW x C x B,
///   output N x OH x OW x F/B x B
///
/// The block is, like a group, an outer loop of the weights; a tile of one
/// block is a plain linalg.conv_2d_nhwc_hwcf too.
Value buildBlockedConv2D(OpBuilder &builder, Location loc, Value input,
                         Value filter, Value init, ArrayRef<int64_t> strides,
                         ArrayRef<int64_t> dilations);

/// The blocked convolution `op` is, if it is one in the layout above.
std::optional<SplitConv2D> matchBlockedConv2D(linalg::LinalgOp op);

/// A batch matmul whose right-hand side (one matrix for every batch) is
/// stored in blocks of `B` columns, each block's K x B rows contiguous:
///
///   lhs  Batch x M x K,  rhs N/B x K x B,  output Batch x M x N/B x B
///
/// A matrix-vector product (a fully connected layer at batch 1) streams
/// such a right-hand side sequentially from memory. A tile of one block is
/// a plain linalg.matmul.
Value buildBlockedMatmul(OpBuilder &builder, Location loc, Value lhs, Value rhs,
                         Value init);

/// The block loop of `op` if it is a blocked matmul in the layout above.
std::optional<int64_t> matchBlockedMatmul(linalg::LinalgOp op);

} // namespace mlir::strata

#endif // STRATA_SUPPORT_GROUPEDCONV_H
