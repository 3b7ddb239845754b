module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%m: !transform.any_op {transform.readonly}) {
    transform.strata.normalize %m with "not-a-list" : !transform.any_op
    transform.yield
  }
}
