// Misused strategy ops are rejected when the strategy is parsed.
// RUN: strata-opt %s --split-input-file --verify-diagnostics

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%m: !transform.any_op {transform.readonly}) {
    // expected-error @below {{expects max_iterations >= 1}}
    transform.strata.repeat %m max_iterations = 0 : !transform.any_op {
    ^bb0(%s: !transform.any_op):
    }
    transform.yield
  }
}

// -----

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%m: !transform.any_op {transform.readonly}) {
    // expected-error @below {{expects its body to take one operation handle argument}}
    transform.strata.traverse some topdown in %m : !transform.any_op {
    ^bb0(%a: !transform.any_op, %b: !transform.any_op):
    }
    transform.yield
  }
}

// -----

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%m: !transform.any_op {transform.readonly}) {
    // expected-error @below {{expects at least one alternative}}
    transform.strata.best_of %m : !transform.any_op
    transform.yield
  }
}

// -----

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%m: !transform.any_op {transform.readonly}) {
    // expected-error @below {{containing one of the following enum values for attribute 'kind' [one, all, some]}}
    transform.strata.traverse every topdown in %m : !transform.any_op {
    ^bb0(%op: !transform.any_op):
    }
    transform.yield
  }
}
