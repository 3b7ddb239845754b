module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(
      %m: !transform.any_op {transform.readonly}) {
    %c = transform.structured.match ops{["tosa.clamp"]} in %m
        : (!transform.any_op) -> !transform.any_op
    transform.strata.best_of %c : !transform.any_op {
    ^bb0(%x: !transform.any_op):
      transform.yield
    }
    transform.yield
  }
}
