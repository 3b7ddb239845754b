// best_of between keeping the function and removing x * 1 (cheaper), in
// both orders, and between two identical alternatives (a tie: the first).
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(
      %m: !transform.any_op {transform.readonly}) {
    %f = transform.structured.match ops{["func.func"]} in %m
        : (!transform.any_op) -> !transform.any_op
    transform.strata.best_of %f {cost_model = "roofline", target = "host-cpu"}
        : !transform.any_op {
    ^bb0(%c: !transform.any_op):
      transform.yield
    }, {
    ^bb0(%c: !transform.any_op):
      transform.strata.normalize %c with ["strata.algebraic-identities"]
          : !transform.any_op
      transform.yield
    }
    transform.yield
  }
}
