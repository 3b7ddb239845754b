// The default strategy without its one reassociating layout rule
// (strata.flatten-into-weights): every rule left that applies to AlexNet,
// ZFNet and VGG-19 is exact (strategy-models-large.test).
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(
      %module: !transform.any_op {transform.readonly}) {
    // Layout: transposes move below elementwise ops, slices, pads and
    // concats until they meet their inverses.
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
    // Epilogues in normal form: a fully connected layer's bias and
    // activation right after its matmul, the reshapes after them (where
    // they meet the next layer's and collapse).
    transform.strata.normalize %module
        with ["strata.epilogue-normal-form", "strata.cancel-transposes"]
        : !transform.any_op
    // The window trims (AlexNet's first convolution and two pools) go.
    transform.strata.normalize %module with ["strata.fold-window-trims"]
        : !transform.any_op
    transform.yield
  }
}
