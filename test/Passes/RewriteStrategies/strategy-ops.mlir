// The strategy ops under upstream's interpreter: apply_rule, traverse
// (one / all / some, topdown / bottomup), repeat and normalize, with their
// failures (silenceable ones reported where nothing suppresses them).
// RUN: strata-opt %s --split-input-file --transform-interpreter --verify-diagnostics | FileCheck %s

// x * 1, then + 0: `one topdown` rewrites the first (program order),
// `one bottomup` the last.
// CHECK-LABEL: func.func @one_topdown
// CHECK-NOT: tosa.mul
// CHECK: %[[A:.*]] = tosa.add %arg0,
// CHECK-NEXT: return %[[A]]
func.func @one_topdown(%x: tensor<4xf32>) -> tensor<4xf32> {
  %one = "tosa.const"() {values = dense<1.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %zero = "tosa.const"() {values = dense<0.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %0 = tosa.mul %x, %one, %shift : (tensor<4xf32>, tensor<4xf32>, tensor<1xi8>) -> tensor<4xf32>
  %1 = tosa.add %0, %zero : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %1 : tensor<4xf32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%m: !transform.any_op {transform.readonly}) {
    %f = transform.structured.match ops{["func.func"]} in %m : (!transform.any_op) -> !transform.any_op
    transform.strata.traverse one topdown in %f : !transform.any_op {
    ^bb0(%op: !transform.any_op):
      transform.strata.apply_rule "strata.algebraic-identities" at %op : !transform.any_op
    }
    transform.yield
  }
}

// -----

// CHECK-LABEL: func.func @one_bottomup
// CHECK-NOT: tosa.add
// CHECK: %[[M:.*]] = tosa.mul %arg0,
// CHECK-NEXT: return %[[M]]
func.func @one_bottomup(%x: tensor<4xf32>) -> tensor<4xf32> {
  %one = "tosa.const"() {values = dense<1.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %zero = "tosa.const"() {values = dense<0.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %0 = tosa.mul %x, %one, %shift : (tensor<4xf32>, tensor<4xf32>, tensor<1xi8>) -> tensor<4xf32>
  %1 = tosa.add %0, %zero : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %1 : tensor<4xf32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%m: !transform.any_op {transform.readonly}) {
    %f = transform.structured.match ops{["func.func"]} in %m : (!transform.any_op) -> !transform.any_op
    transform.strata.traverse one bottomup in %f : !transform.any_op {
    ^bb0(%op: !transform.any_op):
      transform.strata.apply_rule "strata.algebraic-identities" at %op : !transform.any_op
    }
    transform.yield
  }
}

// -----

// `some` rewrites every op it can: both products go.
// CHECK-LABEL: func.func @some
// CHECK-NOT: tosa.mul
// CHECK: return %arg0
func.func @some(%x: tensor<4xf32>) -> tensor<4xf32> {
  %one = "tosa.const"() {values = dense<1.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %0 = tosa.mul %x, %one, %shift : (tensor<4xf32>, tensor<4xf32>, tensor<1xi8>) -> tensor<4xf32>
  %1 = tosa.mul %0, %one, %shift : (tensor<4xf32>, tensor<4xf32>, tensor<1xi8>) -> tensor<4xf32>
  return %1 : tensor<4xf32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%m: !transform.any_op {transform.readonly}) {
    %f = transform.structured.match ops{["func.func"]} in %m : (!transform.any_op) -> !transform.any_op
    transform.strata.traverse some topdown in %f : !transform.any_op {
    ^bb0(%op: !transform.any_op):
      transform.strata.apply_rule "strata.algebraic-identities" at %op : !transform.any_op
    }
    transform.yield
  }
}

// -----

// `all` fails at the first op where the rule does not apply (the constant),
// with the rule's reason; nothing was rewritten before it.
func.func @all_fails(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-note @below {{rule 'strata.algebraic-identities' does not apply: no pattern of the rule matches}}
  %one = "tosa.const"() {values = dense<1.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %0 = tosa.mul %x, %one, %shift : (tensor<4xf32>, tensor<4xf32>, tensor<1xi8>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%m: !transform.any_op {transform.readonly}) {
    %f = transform.structured.match ops{["func.func"]} in %m : (!transform.any_op) -> !transform.any_op
    // expected-error @below {{traversal 'all': the strategy failed at an op}}
    transform.strata.traverse all topdown in %f : !transform.any_op {
    ^bb0(%op: !transform.any_op):
      transform.strata.apply_rule "strata.algebraic-identities" at %op : !transform.any_op
    }
    transform.yield
  }
}

// -----

// A traversal whose strategy applies nowhere fails (empty match).
func.func @nowhere(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%m: !transform.any_op {transform.readonly}) {
    %f = transform.structured.match ops{["func.func"]} in %m : (!transform.any_op) -> !transform.any_op
    // expected-error @below {{traversal 'some': the strategy applies at no op of the scope (1 visited)}}
    transform.strata.traverse some topdown in %f : !transform.any_op {
    ^bb0(%op: !transform.any_op):
      transform.strata.apply_rule "strata.algebraic-identities" at %op : !transform.any_op
    }
    transform.yield
  }
}

// -----

// A suppressed failure lets the strategy go on (ELEVATE's try).
// CHECK-LABEL: func.func @try_nowhere
func.func @try_nowhere(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%m: !transform.any_op {transform.readonly}) {
    %f = transform.structured.match ops{["func.func"]} in %m : (!transform.any_op) -> !transform.any_op
    transform.sequence %f : !transform.any_op failures(suppress) {
    ^bb0(%g: !transform.any_op):
      transform.strata.traverse one topdown in %g : !transform.any_op {
      ^bb1(%op: !transform.any_op):
        transform.strata.apply_rule "strata.algebraic-identities" at %op : !transform.any_op
      }
    }
    transform.yield
  }
}

// -----

// apply_rule on an op the rule refuses: the pattern's reason.
func.func @refused(%x: tensor<4xf32>) -> tensor<4xf32> {
  %two = "tosa.const"() {values = dense<2.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  // expected-note @below {{at this 'tosa.mul'}}
  %0 = tosa.mul %x, %two, %shift : (tensor<4xf32>, tensor<4xf32>, tensor<1xi8>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%m: !transform.any_op {transform.readonly}) {
    %mul = transform.structured.match ops{["tosa.mul"]} in %m : (!transform.any_op) -> !transform.any_op
    // expected-error @below {{rule 'strata.algebraic-identities' does not apply: no operand is a splat 1.0 that leaves the other's type}}
    transform.strata.apply_rule "strata.algebraic-identities" at %mul : !transform.any_op
    transform.yield
  }
}

// -----

func.func @unknown(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%m: !transform.any_op {transform.readonly}) {
    // expected-error @below {{unknown rule 'strata.no-such-rule'; the library has: strata.sink-transposes}}
    transform.strata.apply_rule "strata.no-such-rule" at %m : !transform.any_op
    transform.yield
  }
}

// -----

// repeat runs its body until it fails: three x * 1 go one per iteration.
// CHECK-LABEL: func.func @repeat
// CHECK-NOT: tosa.mul
// CHECK: return %arg0
func.func @repeat(%x: tensor<4xf32>) -> tensor<4xf32> {
  %one = "tosa.const"() {values = dense<1.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %0 = tosa.mul %x, %one, %shift : (tensor<4xf32>, tensor<4xf32>, tensor<1xi8>) -> tensor<4xf32>
  %1 = tosa.mul %0, %one, %shift : (tensor<4xf32>, tensor<4xf32>, tensor<1xi8>) -> tensor<4xf32>
  %2 = tosa.mul %1, %one, %shift : (tensor<4xf32>, tensor<4xf32>, tensor<1xi8>) -> tensor<4xf32>
  return %2 : tensor<4xf32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%m: !transform.any_op {transform.readonly}) {
    %f = transform.structured.match ops{["func.func"]} in %m : (!transform.any_op) -> !transform.any_op
    transform.strata.repeat %f max_iterations = 4 : !transform.any_op {
    ^bb0(%g: !transform.any_op):
      transform.strata.traverse one topdown in %g : !transform.any_op {
      ^bb1(%op: !transform.any_op):
        transform.strata.apply_rule "strata.algebraic-identities" at %op : !transform.any_op
      }
    }
    transform.yield
  }
}

// -----

// The bound is reached while the body still changes the IR: a failure.
func.func @repeat_bound(%x: tensor<4xf32>) -> tensor<4xf32> {
  %one = "tosa.const"() {values = dense<1.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %0 = tosa.mul %x, %one, %shift : (tensor<4xf32>, tensor<4xf32>, tensor<1xi8>) -> tensor<4xf32>
  %1 = tosa.mul %0, %one, %shift : (tensor<4xf32>, tensor<4xf32>, tensor<1xi8>) -> tensor<4xf32>
  %2 = tosa.mul %1, %one, %shift : (tensor<4xf32>, tensor<4xf32>, tensor<1xi8>) -> tensor<4xf32>
  return %2 : tensor<4xf32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%m: !transform.any_op {transform.readonly}) {
    %f = transform.structured.match ops{["func.func"]} in %m : (!transform.any_op) -> !transform.any_op
    transform.sequence %f : !transform.any_op failures(propagate) {
    ^bb0(%g: !transform.any_op):
      // expected-error @below {{bound reached: the strategy still changed the IR after 2 iterations}}
      transform.strata.repeat %g max_iterations = 2 : !transform.any_op {
      ^bb1(%h: !transform.any_op):
        transform.strata.traverse one bottomup in %h : !transform.any_op {
        ^bb2(%op: !transform.any_op):
          transform.strata.apply_rule "strata.algebraic-identities" at %op : !transform.any_op
        }
      }
    }
    transform.yield
  }
}

// -----

// Suppressed, the same failure keeps the two iterations' rewrites.
// CHECK-LABEL: func.func @repeat_bound_kept
// CHECK: %[[M:.*]] = tosa.mul %arg0,
// CHECK-NEXT: return %[[M]]
func.func @repeat_bound_kept(%x: tensor<4xf32>) -> tensor<4xf32> {
  %one = "tosa.const"() {values = dense<1.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %0 = tosa.mul %x, %one, %shift : (tensor<4xf32>, tensor<4xf32>, tensor<1xi8>) -> tensor<4xf32>
  %1 = tosa.mul %0, %one, %shift : (tensor<4xf32>, tensor<4xf32>, tensor<1xi8>) -> tensor<4xf32>
  %2 = tosa.mul %1, %one, %shift : (tensor<4xf32>, tensor<4xf32>, tensor<1xi8>) -> tensor<4xf32>
  return %2 : tensor<4xf32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%m: !transform.any_op {transform.readonly}) {
    %f = transform.structured.match ops{["func.func"]} in %m : (!transform.any_op) -> !transform.any_op
    transform.sequence %f : !transform.any_op failures(suppress) {
    ^bb0(%g: !transform.any_op):
      transform.strata.repeat %g max_iterations = 2 : !transform.any_op {
      ^bb1(%h: !transform.any_op):
        transform.strata.traverse one bottomup in %h : !transform.any_op {
        ^bb2(%op: !transform.any_op):
          transform.strata.apply_rule "strata.algebraic-identities" at %op : !transform.any_op
        }
      }
    }
    transform.yield
  }
}

// -----

// normalize applies a rule set to its fixpoint.
// CHECK-LABEL: func.func @normalize
// CHECK-NOT: tosa.mul
// CHECK-NOT: tosa.add
// CHECK: return %arg0
func.func @normalize(%x: tensor<4xf32>) -> tensor<4xf32> {
  %one = "tosa.const"() {values = dense<1.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %zero = "tosa.const"() {values = dense<0.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %0 = tosa.mul %x, %one, %shift : (tensor<4xf32>, tensor<4xf32>, tensor<1xi8>) -> tensor<4xf32>
  %1 = tosa.add %zero, %0 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %1 : tensor<4xf32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%m: !transform.any_op {transform.readonly}) {
    transform.strata.normalize %m with ["strata.algebraic-identities"] : !transform.any_op
    transform.yield
  }
}

// -----

func.func @normalize_unknown(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%m: !transform.any_op {transform.readonly}) {
    // expected-error @below {{unknown rule 'strata.typo'}}
    transform.strata.normalize %m with ["strata.typo"] : !transform.any_op
    transform.yield
  }
}

// -----

// normalize's bound: one sweep rewrites, a second would confirm the
// fixpoint; with max_sweeps = 1 that is "bound reached".
func.func @normalize_bound(%x: tensor<4xf32>) -> tensor<4xf32> {
  %one = "tosa.const"() {values = dense<1.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %0 = tosa.mul %x, %one, %shift : (tensor<4xf32>, tensor<4xf32>, tensor<1xi8>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%m: !transform.any_op {transform.readonly}) {
    // expected-error @below {{bound reached: no fixpoint within 1 sweeps}}
    transform.strata.normalize %m with ["strata.algebraic-identities"] max_sweeps = 1 : !transform.any_op
    transform.yield
  }
}
