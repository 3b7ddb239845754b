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

// The filter as the importer writes it, ONNX's OIHW behind a transpose to
// OHWI, which kernel formation folds with its blocking: the scale is
// applied to the OIHW constant (output channels first in both layouts) and
// the transpose kept. Channel 0 (weights 1, 2 over input channels 0, 1)
// times 2, channel 1 (3, 4) times -1.
// CHECK-LABEL: func.func @batch_norm_oihw
// CHECK-DAG: %[[W:.*]] = "tosa.const"() <{values = dense<{{\[\[\[\[}}2.000000e+00]], {{\[\[}}4.000000e+00]]], {{\[\[\[}}-3.000000e+00]], {{\[\[}}-4.000000e+00]]]]> : tensor<2x2x1x1xf32>}>
// CHECK: %[[T:.*]] = tosa.transpose %[[W]] {perms = array<i32: 0, 2, 3, 1>}
// CHECK: tosa.conv2d %arg0, %[[T]]
// CHECK-NOT: tosa.mul
func.func @batch_norm_oihw(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
  %w = "tosa.const"() {values = dense<[[[[1.0]], [[2.0]]], [[[3.0]], [[4.0]]]]> : tensor<2x2x1x1xf32>} : () -> tensor<2x2x1x1xf32>
  %b = "tosa.const"() {values = dense<[1.0, 3.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %s = "tosa.const"() {values = dense<[[[[2.0, -1.0]]]]> : tensor<1x1x1x2xf32>} : () -> tensor<1x1x1x2xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %wt = tosa.transpose %w {perms = array<i32: 0, 2, 3, 1>} : (tensor<2x2x1x1xf32>) -> tensor<2x1x1x2xf32>
  %c = tosa.conv2d %x, %wt, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  // expected-remark @below {{applied rule 'strata.fold-conv-scale' to 'tosa.mul'}}
  %m = tosa.mul %c, %s, %shift : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>, tensor<1xi8>) -> tensor<1x4x4x2xf32>
  return %m : tensor<1x4x4x2xf32>
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

// -----

// A grouped convolution (2 groups of 1 input and 2 output channels; OHWI
// weights as tosa.conv2d's): the scale multiplies output channel o's
// weights and the shift its bias. One with a non-constant weight or a
// second user keeps its mul.
// CHECK-LABEL: func.func @grouped_batch_norm
// CHECK-DAG: %[[W:.*]] = "tosa.const"() <{values = dense<{{\[\[\[\[}}1.000000e+00]]], {{\[\[\[}}4.000000e+00]]], {{\[\[\[}}9.000000e+00]]], {{\[\[\[}}1.600000e+01]]]]> : tensor<4x1x1x1xf32>}>
// CHECK-DAG: %[[B:.*]] = "tosa.const"() <{values = dense<[1.000000e+01, 2.000000e+01, 3.000000e+01, 4.000000e+01]> : tensor<4xf32>}>
// CHECK: %[[G:.*]] = strata.grouped_conv2d %{{.*}}, %[[W]], %[[B]] {{.*}}group = 2 : i64
// CHECK-NOT: tosa.add
// CHECK: %[[V:.*]] = strata.grouped_conv2d %{{.*}}, %arg1,
// CHECK-NEXT: tosa.mul %[[V]]
// CHECK: %[[U:.*]] = strata.grouped_conv2d
// CHECK-NEXT: tosa.mul %[[U]]
// CHECK: return %[[G]]
func.func @grouped_batch_norm(%x: tensor<1x2x2x2xf32>, %wv: tensor<4x1x1x1xf32>) -> (tensor<1x2x2x4xf32>, tensor<1x2x2x4xf32>, tensor<1x3x3x4xf32>, tensor<1x3x3x4xf32>) {
  %w = "tosa.const"() {values = dense<[[[[1.0]]], [[[2.0]]], [[[3.0]]], [[[4.0]]]]> : tensor<4x1x1x1xf32>} : () -> tensor<4x1x1x1xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %g = strata.grouped_conv2d %x, %w, %b {group = 2 : i64, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<4x1x1x1xf32>, tensor<4xf32>) -> tensor<1x2x2x4xf32>
  %scale = "tosa.const"() {values = dense<[[[[1.0, 2.0, 3.0, 4.0]]]]> : tensor<1x1x1x4xf32>} : () -> tensor<1x1x1x4xf32>
  %shift_c = "tosa.const"() {values = dense<[[[[10.0, 20.0, 30.0, 40.0]]]]> : tensor<1x1x1x4xf32>} : () -> tensor<1x1x1x4xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  // expected-remark @below {{applied rule 'strata.fold-conv-scale' to 'tosa.mul'}}
  %m = tosa.mul %g, %scale, %shift : (tensor<1x2x2x4xf32>, tensor<1x1x1x4xf32>, tensor<1xi8>) -> tensor<1x2x2x4xf32>
  // expected-remark @below {{applied rule 'strata.fold-conv-shift' to 'tosa.add'}}
  %a = tosa.add %m, %shift_c : (tensor<1x2x2x4xf32>, tensor<1x1x1x4xf32>) -> tensor<1x2x2x4xf32>
  %v = strata.grouped_conv2d %x, %wv, %b {group = 2 : i64, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<4x1x1x1xf32>, tensor<4xf32>) -> tensor<1x2x2x4xf32>
  %vm = tosa.mul %v, %scale, %shift : (tensor<1x2x2x4xf32>, tensor<1x1x1x4xf32>, tensor<1xi8>) -> tensor<1x2x2x4xf32>
  %u = strata.grouped_conv2d %x, %w, %b {group = 2 : i64, pad = array<i64: 1, 0, 0, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<4x1x1x1xf32>, tensor<4xf32>) -> tensor<1x3x3x4xf32>
  %um = tosa.mul %u, %scale, %shift : (tensor<1x3x3x4xf32>, tensor<1x1x1x4xf32>, tensor<1xi8>) -> tensor<1x3x3x4xf32>
  return %a, %vm, %um, %u : tensor<1x2x2x4xf32>, tensor<1x2x2x4xf32>, tensor<1x3x3x4xf32>, tensor<1x3x3x4xf32>
}

// -----

// A fully connected layer's per-column scale folds into its constant
// right-hand side: column 0 times 2, column 1 times 3.
// CHECK-LABEL: func.func @matmul_scale
// CHECK: %[[W:.*]] = "tosa.const"() <{values = dense<{{\[\[\[}}2.000000e+00, 6.000000e+00], [4.000000e+00, 1.200000e+01]]]> : tensor<1x2x2xf32>}>
// CHECK: %[[M:.*]] = tosa.matmul %arg0, %[[W]]
// CHECK-NOT: tosa.mul
// CHECK: return %[[M]]
func.func @matmul_scale(%x: tensor<1x1x2xf32>) -> tensor<1x1x2xf32> {
  %w = "tosa.const"() {values = dense<[[[1.0, 2.0], [2.0, 4.0]]]> : tensor<1x2x2xf32>} : () -> tensor<1x2x2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %s = "tosa.const"() {values = dense<[[[2.0, 3.0]]]> : tensor<1x1x2xf32>} : () -> tensor<1x1x2xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %m = tosa.matmul %x, %w, %zp, %zp : (tensor<1x1x2xf32>, tensor<1x2x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2xf32>
  // expected-remark @below {{applied rule 'strata.fold-conv-scale' to 'tosa.mul'}}
  %r = tosa.mul %m, %s, %shift : (tensor<1x1x2xf32>, tensor<1x1x2xf32>, tensor<1xi8>) -> tensor<1x1x2xf32>
  return %r : tensor<1x1x2xf32>
}

// -----

// Weights as a Gemm with transB holds them (N x K, transposed and reshaped
// for the matmul, left for kernel formation to fold): the scale folds
// through the layout changes into a constant the matmul reads as is. The
// matmul reads [[1, 2], [3, 4]]; column 0 times 2, column 1 times 3.
// CHECK-LABEL: func.func @matmul_scale_transposed
// CHECK: %[[W:.*]] = "tosa.const"() <{values = dense<{{\[\[\[}}2.000000e+00, 6.000000e+00], [6.000000e+00, 1.200000e+01]]]> : tensor<1x2x2xf32>}>
// CHECK: %[[M:.*]] = tosa.matmul %arg0, %[[W]]
// CHECK-NOT: tosa.mul
// CHECK: return %[[M]]
func.func @matmul_scale_transposed(%x: tensor<1x1x2xf32>) -> tensor<1x1x2xf32> {
  %w = "tosa.const"() {values = dense<[[1.0, 3.0], [2.0, 4.0]]> : tensor<2x2xf32>} : () -> tensor<2x2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %s = "tosa.const"() {values = dense<[[[2.0, 3.0]]]> : tensor<1x1x2xf32>} : () -> tensor<1x1x2xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %shape = tosa.const_shape {values = dense<[1, 2, 2]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %t = tosa.transpose %w {perms = array<i32: 1, 0>} : (tensor<2x2xf32>) -> tensor<2x2xf32>
  %b = tosa.reshape %t, %shape : (tensor<2x2xf32>, !tosa.shape<3>) -> tensor<1x2x2xf32>
  %m = tosa.matmul %x, %b, %zp, %zp : (tensor<1x1x2xf32>, tensor<1x2x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2xf32>
  // expected-remark @below {{applied rule 'strata.fold-conv-scale' to 'tosa.mul'}}
  %r = tosa.mul %m, %s, %shift : (tensor<1x1x2xf32>, tensor<1x1x2xf32>, tensor<1xi8>) -> tensor<1x1x2xf32>
  return %r : tensor<1x1x2xf32>
}
