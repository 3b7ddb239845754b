//===- LowerVectorTiles.cpp - Register-blocked micro-kernels --------------===//
//
// Implements `strata-lower-vector-tiles`: after bufferization, keeps each
// register tile's accumulator in registers across its reduction loops and
// lowers vector contractions to outer products and FMAs.
//
//===----------------------------------------------------------------------===//

#include "passes/Codegen/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Hoisting.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorTransforms.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#define DEBUG_TYPE "strata-lower-vector-tiles"

namespace mlir::strata {
#define GEN_PASS_DEF_STRATALOWERVECTORTILES
#include "passes/Codegen/Passes.h.inc"
} // namespace mlir::strata

using namespace mlir;
using namespace mlir::strata;

namespace {
struct StrataLowerVectorTilesPass final
    : strata::impl::StrataLowerVectorTilesBase<StrataLowerVectorTilesPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    MLIRContext *context = &getContext();
    // The accumulator: a transfer_read/transfer_write pair of one tile in a
    // reduction loop becomes a loop-carried vector (needs the subviews
    // folded into the transfers, which the pipeline does before).
    linalg::hoistRedundantVectorTransfers(func, /*verifyNonZeroTrip=*/true);

    // Unit dimensions (the batch and height of a convolution tile) go, so
    // contractions are plain matmuls of 2-D vectors.
    {
      RewritePatternSet patterns(context);
      vector::populateCastAwayVectorLeadingOneDimPatterns(patterns);
      vector::populateVectorTransferDropUnitDimsPatterns(patterns);
      vector::populateVectorMaskMaterializationPatterns(
          patterns, /*force32BitVectorIndices=*/false);
      vector::populateVectorReductionToContractPatterns(patterns);
      if (failed(applyPatternsGreedily(func, std::move(patterns))))
        return signalPassFailure();
    }
    // Contractions to outer products (one broadcast of the left operand per
    // accumulator row), masks to selects. No canonicalization from here on:
    // it would fold the accumulator rows into scalar element chains.
    {
      RewritePatternSet patterns(context);
      vector::populateVectorContractLoweringPatterns(
          patterns, vector::VectorContractLowering::OuterProduct);
      vector::populateVectorMaskOpLoweringPatterns(patterns);
      vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
      vector::populateVectorMultiReductionLoweringPatterns(
          patterns, vector::VectorMultiReductionLowering::InnerParallel);
      if (failed(applyPatternsGreedily(func, std::move(patterns))))
        return signalPassFailure();
    }
    {
      RewritePatternSet patterns(context);
      vector::populateVectorOuterProductLoweringPatterns(patterns);
      vector::populateVectorTransposeLoweringPatterns(
          patterns, vector::VectorTransposeLowering::EltWise);
      vector::populateVectorBroadcastLoweringPatterns(patterns);
      vector::populateVectorShapeCastLoweringPatterns(patterns);
      vector::populateVectorTransferLoweringPatterns(patterns,
                                                     /*maxTransferRank=*/1);
      if (failed(applyPatternsGreedily(func, std::move(patterns))))
        return signalPassFailure();
    }
  }
};
} // namespace
