// strata-apply-rules: named rules of the library applied to a fixpoint; a
// remark per application with remarks=true; unknown names are errors.
// RUN: strata-opt %s --split-input-file -p 'builtin.module(func.func(strata-apply-rules{rules=strata.fold-conv-scale,strata.fold-conv-shift remarks=true}))' --verify-diagnostics | FileCheck %s
// RUN: strata-opt %s --split-input-file -p 'builtin.module(func.func(strata-apply-rules{disable-rules=strata.fold-conv-shift}))' | FileCheck %s --check-prefix=NOSHIFT
// RUN: strata-opt --list-rules | FileCheck %s --check-prefix=LIST
// strata-form-kernels folds batch normalizations too (one group per conv).
// RUN: strata-opt %s --split-input-file -p 'builtin.module(strata-form-kernels{fusion=none})' | FileCheck %s --check-prefix=FORM
// FORM-LABEL: func.func @batch_norm
// FORM-NOT: tosa.mul
// FORM-NOT: tosa.add
// FORM: return

// LIST: strata.sink-transposes [layout, fusion-enabling; exact]
// LIST: strata.fold-conv-scale [algebraic, fusion-enabling; reassociates floating point]
// LIST: strata.fold-conv-shift [algebraic, fusion-enabling; reassociates floating point]

// BatchNormalization after a convolution (scale, then shift per output
// channel) becomes the convolution's weights and bias: output channel 0's
// weights times 2 and bias 1 * 2 + 10, channel 1's times -1 and
// bias 3 * -1 + 20.
// CHECK-LABEL: func.func @batch_norm
// CHECK-DAG: %[[W:.*]] = "tosa.const"() <{values = dense<{{\[\[\[\[}}2.000000e+00, 4.000000e+00]]], {{\[\[\[}}-3.000000e+00, -4.000000e+00]]]]> : tensor<2x1x1x2xf32>}>
// CHECK-DAG: %[[B:.*]] = "tosa.const"() <{values = dense<[1.200000e+01, 1.700000e+01]> : tensor<2xf32>}>
// CHECK: %[[C:.*]] = tosa.conv2d %arg0, %[[W]], %[[B]]
// CHECK-NOT: tosa.mul
// CHECK-NOT: tosa.add
// CHECK: return %[[C]]
// NOSHIFT-LABEL: func.func @batch_norm
// NOSHIFT-NOT: tosa.mul
// NOSHIFT: tosa.add
func.func @batch_norm(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
  %w = "tosa.const"() {values = dense<[[[[1.0, 2.0]]], [[[3.0, 4.0]]]]> : tensor<2x1x1x2xf32>} : () -> tensor<2x1x1x2xf32>
  %b = "tosa.const"() {values = dense<[1.0, 3.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %s = "tosa.const"() {values = dense<[[[[2.0, -1.0]]]]> : tensor<1x1x1x2xf32>} : () -> tensor<1x1x1x2xf32>
  %t = "tosa.const"() {values = dense<[[[[10.0, 20.0]]]]> : tensor<1x1x1x2xf32>} : () -> tensor<1x1x1x2xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  // expected-remark @below {{applied rule 'strata.fold-conv-scale' to 'tosa.mul'}}
  %m = tosa.mul %c, %s, %shift : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>, tensor<1xi8>) -> tensor<1x4x4x2xf32>
  // expected-remark @below {{applied rule 'strata.fold-conv-shift' to 'tosa.add'}}
  %a = tosa.add %m, %t : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>) -> tensor<1x4x4x2xf32>
  return %a : tensor<1x4x4x2xf32>
}

// -----

// Refused: the convolution has another reader (its weights cannot change),
// the scale varies along another dimension than the channels, and the
// weights are not constant.
// CHECK-LABEL: func.func @refused
// CHECK-COUNT-3: tosa.mul
func.func @refused(%x: tensor<1x4x4x2xf32>, %wa: tensor<2x1x1x2xf32>) -> (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>) {
  %w = "tosa.const"() {values = dense<1.0> : tensor<2x1x1x2xf32>} : () -> tensor<2x1x1x2xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %s = "tosa.const"() {values = dense<2.0> : tensor<1x1x1x2xf32>} : () -> tensor<1x1x1x2xf32>
  %rows = "tosa.const"() {values = dense<[[[[1.0]], [[2.0]], [[3.0]], [[4.0]]]]> : tensor<1x4x1x1xf32>} : () -> tensor<1x4x1x1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  %m = tosa.mul %c, %s, %shift : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>, tensor<1xi8>) -> tensor<1x4x4x2xf32>
  %c2 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  %m2 = tosa.mul %c2, %rows, %shift : (tensor<1x4x4x2xf32>, tensor<1x4x1x1xf32>, tensor<1xi8>) -> tensor<1x4x4x2xf32>
  %c3 = tosa.conv2d %x, %wa, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  %m3 = tosa.mul %c3, %s, %shift : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>, tensor<1xi8>) -> tensor<1x4x4x2xf32>
  return %m, %c, %m2, %m3 : tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>
}

// -----

// A depthwise convolution's weights are [KH][KW][C][M]: output channel
// c * M + m is the innermost two dimensions. Channel 0's weights (1 and 3)
// times 2, channel 1's (2 and 4) times -1.
// CHECK-LABEL: func.func @depthwise_batch_norm
// CHECK-DAG: "tosa.const"() <{values = dense<{{\[\[\[\[}}2.000000e+00], [-2.000000e+00]], {{\[\[}}6.000000e+00], [-4.000000e+00]]]]> : tensor<1x2x2x1xf32>}>
// CHECK-DAG: "tosa.const"() <{values = dense<[2.000000e+00, -3.000000e+00]> : tensor<2xf32>}>
// CHECK: tosa.depthwise_conv2d
// CHECK-NOT: tosa.mul
func.func @depthwise_batch_norm(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x3x2xf32> {
  %w = "tosa.const"() {values = dense<[[[[1.0], [2.0]], [[3.0], [4.0]]]]> : tensor<1x2x2x1xf32>} : () -> tensor<1x2x2x1xf32>
  %b = "tosa.const"() {values = dense<[1.0, 3.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %s = "tosa.const"() {values = dense<[[[[2.0, -1.0]]]]> : tensor<1x1x1x2xf32>} : () -> tensor<1x1x1x2xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %c = tosa.depthwise_conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<1x2x2x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x3x2xf32>
  // expected-remark @below {{applied rule 'strata.fold-conv-scale' to 'tosa.mul'}}
  %m = tosa.mul %c, %s, %shift : (tensor<1x4x3x2xf32>, tensor<1x1x1x2xf32>, tensor<1xi8>) -> tensor<1x4x3x2xf32>
  return %m : tensor<1x4x3x2xf32>
}
