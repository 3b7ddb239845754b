//===- Features.h - Kernel features for learned cost models -----*- C++ -*-===//
//
// One feature extractor shared by every learned model, its dataset and its
// training: a fixed-length vector of numbers describing one kernel (an op
// run alone, or a strata.group run as one kernel). The layout is versioned:
// a model records the version it was trained with and refuses to answer for
// another (kFeatureVersion changes whenever a feature is added, removed,
// reordered or computed differently).
//
// Every feature comes from static types and the ops' names, so extraction
// needs no target and no measurement.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_COSTMODEL_FEATURES_H
#define STRATA_COSTMODEL_FEATURES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Operation.h"
#include "mlir/Support/LLVM.h"

#include <array>

namespace mlir::strata {

/// The version of the feature layout below.
inline constexpr int kFeatureVersion = 3;

/// Positions in the feature vector.
enum class Feature : unsigned {
  /// Compute ops in the kernel (1 for an op alone); free ops (constants,
  /// reshapes) are not counted.
  NumOps,
  /// Longest producer-consumer chain of compute ops inside the kernel.
  Depth,
  /// Distinct tensor inputs and results of the kernel.
  NumInputs,
  NumOutputs,
  /// Compute ops of each kind.
  NumMatmul,
  NumConv,
  NumPool,
  NumReduce,
  NumElementwise,
  NumTranscendental,
  NumMovement,
  /// Work of the kernel: FLOPs (all ops), the part in matrix ops, and the
  /// bytes that cross the kernel's boundary.
  Flops,
  MatrixFlops,
  BytesRead,
  BytesWritten,
  /// Flops / (bytes read + written).
  ArithmeticIntensity,
  /// Bytes of tensors produced and consumed inside the kernel (what fusion
  /// keeps out of memory).
  IntermediateBytes,
  /// The largest result: rank, elements, innermost and outermost extent.
  OutRank,
  OutElements,
  OutInnermost,
  OutOutermost,
  /// The largest input: elements and innermost extent.
  InElements,
  InInnermost,
  /// Largest number of values reduced into one output element by any op
  /// (matmul K, convolution window times input channels, reduced extent,
  /// pooling window); 1 without reductions.
  ReductionSize,
  /// Element type of the largest result: bit width, and 1 for floats.
  ElementBits,
  IsFloat,
  /// Result elements of transcendental ops (exp, tanh, sigmoid, ...).
  TranscendentalElements,
  // Version 2: what kind of data movement. A transpose that moves the
  // innermost dimension reads with a stride and costs several times a
  // slice of the same size; bytes alone cannot tell them apart.
  /// Movement ops that reorder dimensions (transposes).
  NumTranspose,
  /// Movement ops that pad.
  NumPad,
  /// Block copies: slices, concatenations, copies.
  NumCopy,
  /// Result elements of transposes.
  TransposedElements,
  // Version 2: which math. Reciprocals and square roots are a few
  // instructions, exp/log/tanh/erf polynomial expansions several times
  // that, and pow a library call per element.
  /// Result elements of reciprocal, rsqrt and sqrt (part of
  /// TranscendentalElements).
  CheapMathElements,
  /// Result elements of pow (part of TranscendentalElements).
  PowElements,
  /// 1 if some reduction reduces the innermost dimension (contiguous
  /// reads per output), 0 if all reduce outer ones (strided).
  InnermostReduction,
  /// The shortest contiguous run (elements) that a slice, concatenation,
  /// pad or transpose of the kernel copies at a time: 1 for a transpose
  /// that moves the innermost dimension, 55 for a slice of 56x56 rows to
  /// 55x55; 0 without such ops. Short runs copy element by element.
  MovementRun,
  // Version 3: the lowering plan (#strata.lowering) of the kernel's
  // largest planned op, so the model can price tilings; all 0 when no op
  // has a plan (a strata.group before lowering: the plan the pipeline
  // chooses later).
  /// Register tile: accumulator rows, columns (lanes), the vector width it
  /// was made for, and accumulator registers (rows x vectors per row).
  PlanRows,
  PlanColumns,
  PlanVectorWidth,
  PlanAccumulators,
  /// FMA issue efficiency of one register tile step by the cycle model
  /// (strata/CostModel/RegisterTile.h): 1 keeps the FMA pipes busy.
  PlanStepEfficiency,
  /// Share of the output computed by peeled remainder tiles.
  PlanRemainderShare,
  /// Output elements of one outer tile, and reduction elements of one
  /// reduction block (the whole reduction when it is not blocked).
  PlanOuterTileElements,
  PlanReductionBlock,
};

inline constexpr unsigned kNumFeatures =
    static_cast<unsigned>(Feature::PlanReductionBlock) + 1;

using FeatureVector = std::array<float, kNumFeatures>;

/// Snake-case names of the features, in vector order (dataset headers).
ArrayRef<StringRef> getFeatureNames();

/// The kind of compute an op does, as the features count it.
enum class OpKind {
  Free,
  Matmul,
  Conv,
  Pool,
  Reduce,
  Elementwise,
  Transcendental,
  Movement,
};

/// Classifies `op` (TOSA, linalg, arith, math, tensor ops).
OpKind classifyOp(Operation *op);

/// Features of `op` run as one kernel; a strata.group's body is one kernel,
/// and so is a kernel function's (strata.kernel: linalg on tensors, as
/// strata-choose-lowering sees it). Fails when a shape is dynamic.
FailureOr<FeatureVector> extractFeatures(Operation *op);
FailureOr<FeatureVector> extractFeatures(func::FuncOp kernel);

inline float getFeature(const FeatureVector &v, Feature f) {
  return v[static_cast<unsigned>(f)];
}

} // namespace mlir::strata

#endif // STRATA_COSTMODEL_FEATURES_H
