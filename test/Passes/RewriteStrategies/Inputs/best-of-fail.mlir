module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(
      %m: !transform.any_op {transform.readonly}) {
    %f = transform.structured.match ops{["func.func"]} in %m
        : (!transform.any_op) -> !transform.any_op
    transform.strata.best_of %f : !transform.any_op {
    ^bb0(%c: !transform.any_op):
      transform.strata.traverse one topdown in %c : !transform.any_op {
      ^bb1(%op: !transform.any_op):
        transform.strata.apply_rule "strata.merge-affine-chains" at %op
            : !transform.any_op
      }
      transform.yield
    }
    transform.yield
  }
}
