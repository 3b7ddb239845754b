// strata.fold-channel-shuffle's refusals, with their reasons (apply_rule
// reports the pattern's notifyMatchFailure reason).
// RUN: strata-opt %s --split-input-file --transform-interpreter --verify-diagnostics

// A shuffle of 4 groups before groups of 2 channels: each group would
// reduce windows of 4 channels for its 2.
func.func @windows_too_wide(%x: tensor<1x3x3x8xf32>) -> tensor<1x3x3x8xf32> {
  %s1 = tosa.const_shape {values = dense<[9, 4, 2]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %s2 = tosa.const_shape {values = dense<[1, 3, 3, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %r = tosa.reshape %x, %s1 : (tensor<1x3x3x8xf32>, !tosa.shape<3>) -> tensor<9x4x2xf32>
  %t = tosa.transpose %r {perms = array<i32: 0, 2, 1>} : (tensor<9x4x2xf32>) -> tensor<9x2x4xf32>
  %sh = tosa.reshape %t, %s2 : (tensor<9x2x4xf32>, !tosa.shape<4>) -> tensor<1x3x3x8xf32>
  %w = "tosa.const"() {values = dense<1.0> : tensor<8x1x1x2xf32>} : () -> tensor<8x1x1x2xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<8xf32>} : () -> tensor<8xf32>
  // expected-note @below {{at this 'strata.grouped_conv2d'}}
  %g = strata.grouped_conv2d %sh, %w, %b {group = 4 : i64, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x3x3x8xf32>, tensor<8x1x1x2xf32>, tensor<8xf32>) -> tensor<1x3x3x8xf32>
  return %g : tensor<1x3x3x8xf32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%m: !transform.any_op {transform.readonly}) {
    %c = transform.structured.match ops{["strata.grouped_conv2d"]} in %m : (!transform.any_op) -> !transform.any_op
    // expected-error @below {{rule 'strata.fold-channel-shuffle' does not apply: the shuffle's groups do not divide the channels of a group and its windows would add more than 1/8 to the convolution's work}}
    transform.strata.apply_rule "strata.fold-channel-shuffle" at %c : !transform.any_op
    transform.yield
  }
}

// -----

// Groups of 9 behind a shuffle of 2 (windows of 5 of each run's 9: 1/9
// more work) but a weight computed at run time.
func.func @windows_runtime_weight(%x: tensor<1x3x3x18xf32>, %w: tensor<4x1x1x9xf32>) -> tensor<1x3x3x4xf32> {
  %s1 = tosa.const_shape {values = dense<[9, 2, 9]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %s2 = tosa.const_shape {values = dense<[1, 3, 3, 18]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %r = tosa.reshape %x, %s1 : (tensor<1x3x3x18xf32>, !tosa.shape<3>) -> tensor<9x2x9xf32>
  %t = tosa.transpose %r {perms = array<i32: 0, 2, 1>} : (tensor<9x2x9xf32>) -> tensor<9x9x2xf32>
  %sh = tosa.reshape %t, %s2 : (tensor<9x9x2xf32>, !tosa.shape<4>) -> tensor<1x3x3x18xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<4xf32>} : () -> tensor<4xf32>
  // expected-note @below {{at this 'strata.grouped_conv2d'}}
  %g = strata.grouped_conv2d %sh, %w, %b {group = 2 : i64, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x3x3x18xf32>, tensor<4x1x1x9xf32>, tensor<4xf32>) -> tensor<1x3x3x4xf32>
  return %g : tensor<1x3x3x4xf32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%m: !transform.any_op {transform.readonly}) {
    %c = transform.structured.match ops{["strata.grouped_conv2d"]} in %m : (!transform.any_op) -> !transform.any_op
    // expected-error @below {{rule 'strata.fold-channel-shuffle' does not apply: the shuffle's groups do not divide the channels of a group and the weight is not a constant (the windows' filter with zeros is built from constants)}}
    transform.strata.apply_rule "strata.fold-channel-shuffle" at %c : !transform.any_op
    transform.yield
  }
}

// -----

// A grouped convolution that reads no shuffle.
func.func @no_shuffle(%x: tensor<1x3x3x8xf32>) -> tensor<1x3x3x8xf32> {
  %w = "tosa.const"() {values = dense<1.0> : tensor<8x1x1x2xf32>} : () -> tensor<8x1x1x2xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<8xf32>} : () -> tensor<8xf32>
  // expected-note @below {{at this 'strata.grouped_conv2d'}}
  %g = strata.grouped_conv2d %x, %w, %b {group = 4 : i64, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x3x3x8xf32>, tensor<8x1x1x2xf32>, tensor<8xf32>) -> tensor<1x3x3x8xf32>
  return %g : tensor<1x3x3x8xf32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%m: !transform.any_op {transform.readonly}) {
    %c = transform.structured.match ops{["strata.grouped_conv2d"]} in %m : (!transform.any_op) -> !transform.any_op
    // expected-error @below {{rule 'strata.fold-channel-shuffle' does not apply: input is not a shuffle}}
    transform.strata.apply_rule "strata.fold-channel-shuffle" at %c : !transform.any_op
    transform.yield
  }
}
