module attributes {transform.with_named_sequence} {
  transform.named_sequence @other(%m: !transform.any_op {transform.readonly}) {
    transform.yield
  }
}
