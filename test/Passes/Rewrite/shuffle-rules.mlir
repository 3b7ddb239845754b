// strata.fold-channel-shuffle: a channel shuffle (reshape, transpose of the
// channel split, reshape back) moves below a depthwise convolution, whose
// weights and bias are permuted, and into a grouped convolution that reads
// it when its groups divide the channels of a group.
// RUN: strata-opt %s --split-input-file -p 'builtin.module(func.func(strata-apply-rules{rules=strata.fold-channel-shuffle remarks=true}))' --verify-diagnostics | FileCheck %s

// Shuffle of 2 groups over 8 channels: channel k of the shuffle reads
// channel (k % 2) * 4 + k / 2, so the depthwise weights and bias are
// permuted to [w0, w2, w4, w6, w1, w3, w5, w7]; then the grouped
// convolution (2 groups of 4) reads the depthwise result directly.
// CHECK-LABEL: func.func @shuffle_depthwise_grouped
// CHECK-DAG: %[[W:.*]] = "tosa.const"() <{values = dense<{{\[\[\[\[}}0.000000e+00], [2.000000e+00], [4.000000e+00], [6.000000e+00], [1.000000e+00], [3.000000e+00], [5.000000e+00], [7.000000e+00]]]]> : tensor<1x1x8x1xf32>}>
// CHECK-DAG: %[[B:.*]] = "tosa.const"() <{values = dense<[1.000000e+01, 1.200000e+01, 1.400000e+01, 1.600000e+01, 1.100000e+01, 1.300000e+01, 1.500000e+01, 1.700000e+01]> : tensor<8xf32>}>
// CHECK: %[[D:.*]] = tosa.depthwise_conv2d %arg0, %[[W]], %[[B]]
// CHECK-NOT: tosa.transpose
// CHECK: %[[G:.*]] = strata.grouped_conv2d %[[D]], %{{.*}}, %{{.*}} {dilation = array<i64: 1, 1>, group = 2 : i64, input_shuffle = 2 : i64
// CHECK: return %[[G]]
func.func @shuffle_depthwise_grouped(%x: tensor<1x3x3x8xf32>) -> tensor<1x3x3x4xf32> {
  %s1 = tosa.const_shape {values = dense<[9, 2, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %s2 = tosa.const_shape {values = dense<[1, 3, 3, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %r = tosa.reshape %x, %s1 : (tensor<1x3x3x8xf32>, !tosa.shape<3>) -> tensor<9x2x4xf32>
  %t = tosa.transpose %r {perms = array<i32: 0, 2, 1>} : (tensor<9x2x4xf32>) -> tensor<9x4x2xf32>
  %sh = tosa.reshape %t, %s2 : (tensor<9x4x2xf32>, !tosa.shape<4>) -> tensor<1x3x3x8xf32>
  %w = "tosa.const"() {values = dense<[[[[0.0], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0]]]]> : tensor<1x1x8x1xf32>} : () -> tensor<1x1x8x1xf32>
  %b = "tosa.const"() {values = dense<[10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0]> : tensor<8xf32>} : () -> tensor<8xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  // expected-remark @below {{applied rule 'strata.fold-channel-shuffle' to 'tosa.depthwise_conv2d'}}
  %d = tosa.depthwise_conv2d %sh, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x3x3x8xf32>, tensor<1x1x8x1xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x8xf32>
  %gw = "tosa.const"() {values = dense<1.0> : tensor<4x1x1x4xf32>} : () -> tensor<4x1x1x4xf32>
  %gb = "tosa.const"() {values = dense<0.0> : tensor<4xf32>} : () -> tensor<4xf32>
  // expected-remark @below {{applied rule 'strata.fold-channel-shuffle' to 'strata.grouped_conv2d'}}
  %g = strata.grouped_conv2d %d, %gw, %gb {group = 2 : i64, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x3x3x8xf32>, tensor<4x1x1x4xf32>, tensor<4xf32>) -> tensor<1x3x3x4xf32>
  return %g : tensor<1x3x3x4xf32>
}

// -----

// Refused: a shuffle of 4 groups before a convolution of groups of 2
// channels (4 does not divide 2, and windows of the runs would double the
// work: each group would reduce 4 channels for its 2); a depthwise
// convolution with a channel multiplier; a shuffle with another user.
// CHECK-LABEL: func.func @refused
// CHECK: strata.grouped_conv2d
// CHECK-NOT: input_shuffle
// CHECK: tosa.depthwise_conv2d
// CHECK: tosa.depthwise_conv2d
// CHECK: return
func.func @refused(%x: tensor<1x3x3x8xf32>) -> (tensor<1x3x3x8xf32>, tensor<1x3x3x16xf32>, tensor<1x3x3x8xf32>, tensor<1x3x3x8xf32>) {
  %s1 = tosa.const_shape {values = dense<[9, 4, 2]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %s2 = tosa.const_shape {values = dense<[1, 3, 3, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %r = tosa.reshape %x, %s1 : (tensor<1x3x3x8xf32>, !tosa.shape<3>) -> tensor<9x4x2xf32>
  %t = tosa.transpose %r {perms = array<i32: 0, 2, 1>} : (tensor<9x4x2xf32>) -> tensor<9x2x4xf32>
  %sh = tosa.reshape %t, %s2 : (tensor<9x2x4xf32>, !tosa.shape<4>) -> tensor<1x3x3x8xf32>
  %gw = "tosa.const"() {values = dense<1.0> : tensor<8x1x1x2xf32>} : () -> tensor<8x1x1x2xf32>
  %gb = "tosa.const"() {values = dense<0.0> : tensor<8xf32>} : () -> tensor<8xf32>
  %g = strata.grouped_conv2d %sh, %gw, %gb {group = 4 : i64, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x3x3x8xf32>, tensor<8x1x1x2xf32>, tensor<8xf32>) -> tensor<1x3x3x8xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %w2 = "tosa.const"() {values = dense<1.0> : tensor<1x1x8x2xf32>} : () -> tensor<1x1x8x2xf32>
  %b2 = "tosa.const"() {values = dense<0.0> : tensor<16xf32>} : () -> tensor<16xf32>
  %m = tosa.depthwise_conv2d %sh, %w2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x3x3x8xf32>, tensor<1x1x8x2xf32>, tensor<16xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x16xf32>
  %w1 = "tosa.const"() {values = dense<1.0> : tensor<1x1x8x1xf32>} : () -> tensor<1x1x8x1xf32>
  %b1 = "tosa.const"() {values = dense<0.0> : tensor<8xf32>} : () -> tensor<8xf32>
  %d = tosa.depthwise_conv2d %sh, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x3x3x8xf32>, tensor<1x1x8x1xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x8xf32>
  return %g, %m, %d, %sh : tensor<1x3x3x8xf32>, tensor<1x3x3x16xf32>, tensor<1x3x3x8xf32>, tensor<1x3x3x8xf32>
}

// -----

// A shuffle of 2 groups before a convolution of groups of 9 channels (2
// does not divide 9): each group reads a window of 5 of the 9 channels of
// each run, 10 channels reduced instead of 9 (at most 1/8 more work):
// folded, with a constant weight.
// CHECK-LABEL: func.func @shuffle_windows
// CHECK: strata.grouped_conv2d %arg0, {{.*}}input_shuffle = 2 : i64
func.func @shuffle_windows(%x: tensor<1x3x3x18xf32>) -> tensor<1x3x3x4xf32> {
  %s1 = tosa.const_shape {values = dense<[9, 2, 9]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %s2 = tosa.const_shape {values = dense<[1, 3, 3, 18]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %r = tosa.reshape %x, %s1 : (tensor<1x3x3x18xf32>, !tosa.shape<3>) -> tensor<9x2x9xf32>
  %t = tosa.transpose %r {perms = array<i32: 0, 2, 1>} : (tensor<9x2x9xf32>) -> tensor<9x9x2xf32>
  %sh = tosa.reshape %t, %s2 : (tensor<9x9x2xf32>, !tosa.shape<4>) -> tensor<1x3x3x18xf32>
  %w = "tosa.const"() {values = dense<1.0> : tensor<4x1x1x9xf32>} : () -> tensor<4x1x1x9xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<4xf32>} : () -> tensor<4xf32>
  // expected-remark @below {{applied rule 'strata.fold-channel-shuffle' to 'strata.grouped_conv2d'}}
  %g = strata.grouped_conv2d %sh, %w, %b {group = 2 : i64, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x3x3x18xf32>, tensor<4x1x1x9xf32>, tensor<4xf32>) -> tensor<1x3x3x4xf32>
  return %g : tensor<1x3x3x4xf32>
}

// -----

// Refused: the same with a weight computed at run time (the windows'
// filter with zeros is built from constants).
// CHECK-LABEL: func.func @shuffle_windows_runtime_weight
// CHECK: tosa.transpose
// CHECK-NOT: input_shuffle
func.func @shuffle_windows_runtime_weight(%x: tensor<1x3x3x18xf32>, %w: tensor<4x1x1x9xf32>) -> tensor<1x3x3x4xf32> {
  %s1 = tosa.const_shape {values = dense<[9, 2, 9]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %s2 = tosa.const_shape {values = dense<[1, 3, 3, 18]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %r = tosa.reshape %x, %s1 : (tensor<1x3x3x18xf32>, !tosa.shape<3>) -> tensor<9x2x9xf32>
  %t = tosa.transpose %r {perms = array<i32: 0, 2, 1>} : (tensor<9x2x9xf32>) -> tensor<9x9x2xf32>
  %sh = tosa.reshape %t, %s2 : (tensor<9x9x2xf32>, !tosa.shape<4>) -> tensor<1x3x3x18xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %g = strata.grouped_conv2d %sh, %w, %b {group = 2 : i64, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x3x3x18xf32>, tensor<4x1x1x9xf32>, tensor<4xf32>) -> tensor<1x3x3x4xf32>
  return %g : tensor<1x3x3x4xf32>
}
