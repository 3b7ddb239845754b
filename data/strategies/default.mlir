// Strata's default rewrite strategy: what strata-form-kernels (and so
// strata-run) applies to an imported model before kernels are formed.
// Replace it with `strata-run --strategy=FILE`, or run it alone with
//   strata-opt -p 'builtin.module(strata-apply-strategy{remarks=true})'
// See docs/strategies.md.
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(
      %module: !transform.any_op {transform.readonly}) {
    // Layout: transposes move below elementwise ops, slices, pads, concats
    // and LRNs until they meet their inverses.
    transform.strata.normalize %module
        with ["strata.sink-transposes", "strata.cancel-transposes"]
        : !transform.any_op
    // Transposes that could not sink may cancel when moved up instead.
    // Moving them up can also leave more of them, so the cost model
    // decides.
    transform.strata.best_of %module : !transform.any_op {
    ^bb0(%kept: !transform.any_op):
      transform.yield
    }, {
    ^bb0(%hoisted: !transform.any_op):
      transform.strata.normalize %hoisted
          with ["strata.hoist-transposes", "strata.cancel-transposes"]
          : !transform.any_op
      transform.yield
    }
    // Per-channel scales and shifts in a row (BatchNormalization, then Mul
    // and Add) become one scale and one shift; with the identities, what
    // is left folds into the convolutions' weights and bias.
    transform.strata.normalize %module
        with ["strata.algebraic-identities", "strata.merge-affine-chains",
              "strata.fold-conv-scale", "strata.fold-conv-shift"]
        : !transform.any_op
    // Channel shuffles (ShuffleNet's) move below the depthwise convolution
    // after them and into the grouped convolution that reads them, once
    // the batch normalizations are folded into both.
    transform.strata.normalize %module with ["strata.fold-channel-shuffle"]
        : !transform.any_op
    // Epilogues in normal form: a fully connected layer's bias and
    // activation right after its matmul, the reshapes after them (where
    // they meet the next layer's and collapse). The transpose back to NCHW
    // before the first fully connected layer's flatten becomes an order of
    // its weights' rows.
    transform.strata.normalize %module
        with ["strata.epilogue-normal-form", "strata.cancel-transposes",
              "strata.flatten-into-weights"]
        : !transform.any_op
    // Then each fully connected layer with its bias becomes one 1x1
    // convolution (after flatten-into-weights has seen its matmul): the
    // accumulator starts at the bias, and the weights' layout changes
    // cancel.
    transform.strata.normalize %module
        with ["strata.matmul-bias-as-conv", "strata.epilogue-normal-form",
              "strata.cancel-transposes"]
        : !transform.any_op
    // Last, once nothing more folds into tosa.conv2d: the slices TOSA
    // needs to trim the rows a strided window never reads go, with the
    // window op becoming the linalg op it lowers to.
    transform.strata.normalize %module with ["strata.fold-window-trims"]
        : !transform.any_op
    // Then a convolution of the model's NCHW input reads it as it is (a
    // 3-D convolution over the channels as depth), without the transpose
    // to NHWC.
    transform.strata.normalize %module
        with ["strata.fold-input-layout", "strata.epilogue-normal-form"]
        : !transform.any_op
    transform.yield
  }
}
