// strata.fold-input-layout: a convolution of an NCHW tensor through its
// transpose to NHWC becomes a 3-D convolution of the tensor read as NDHWC
// (channels as depth, one channel): no transpose.
// RUN: strata-opt %s --split-input-file -p 'builtin.module(func.func(strata-apply-rules{rules=strata.fold-input-layout remarks=true}))' --verify-diagnostics | FileCheck %s
// With the trims folded first (the default strategy's order), AlexNet's
// first layer: a linalg convolution of the transposed input.
// RUN: strata-opt %s --split-input-file -p 'builtin.module(func.func(strata-apply-rules{rules=strata.fold-window-trims},strata-apply-rules{rules=strata.fold-input-layout}))' | FileCheck %s --check-prefix=LINALG

// ResNet's first layer (7x7, stride 2, padding 3/2): padding and strides
// carry over to the height and width, the depth has none. The OIHW
// constant behind the importer's transpose to OHWI is the 3-D filter
// [F, C, KH, KW, 1] as it is.
// CHECK-LABEL: func.func @padded
// CHECK-NOT: tosa.transpose
// CHECK-DAG: %[[W:.*]] = "tosa.const"() <{values = dense<{{\[\[\[\[\[}}1.000000e+00], [2.000000e+00]], {{\[\[}}3.000000e+00], [4.000000e+00]]], {{\[\[\[}}5.000000e+00], [6.000000e+00]], {{\[\[}}7.000000e+00], [8.000000e+00]]]]]> : tensor<1x2x2x2x1xf32>}>
// CHECK-DAG: %[[X:.*]] = tosa.reshape %arg0, %{{.*}} : (tensor<1x2x9x9xf32>, !tosa.shape<5>) -> tensor<1x2x9x9x1xf32>
// CHECK: %[[C:.*]] = tosa.conv3d %[[X]], %[[W]], %{{.*}}, %{{.*}}, %{{.*}} {acc_type = f32, dilation = array<i64: 1, 1, 1>, pad = array<i64: 0, 0, 1, 0, 1, 0>, stride = array<i64: 1, 2, 2>} : (tensor<1x2x9x9x1xf32>, tensor<1x2x2x2x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x5x5x1xf32>
// CHECK: %[[R:.*]] = tosa.reshape %[[C]], %{{.*}} : (tensor<1x1x5x5x1xf32>, !tosa.shape<4>) -> tensor<1x5x5x1xf32>
// CHECK: return %[[R]]
func.func @padded(%x: tensor<1x2x9x9xf32>) -> tensor<1x5x5x1xf32> {
  %t = tosa.transpose %x {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x9x9xf32>) -> tensor<1x9x9x2xf32>
  %oihw = "tosa.const"() <{values = dense<[[[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0], [7.0, 8.0]]]]> : tensor<1x2x2x2xf32>}> : () -> tensor<1x2x2x2xf32>
  %w = tosa.transpose %oihw {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %b = "tosa.const"() <{values = dense<0.5> : tensor<1xf32>}> : () -> tensor<1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  // expected-remark @below {{applied rule 'strata.fold-input-layout' to 'tosa.conv2d'}}
  %c = tosa.conv2d %t, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 0, 1, 0>, stride = array<i64: 2, 2>} : (tensor<1x9x9x2xf32>, tensor<1x2x2x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x5x5x1xf32>
  return %c : tensor<1x5x5x1xf32>
}

// -----

// AlexNet's first layer: the input's trim folded first, the linalg
// convolution becomes a linalg 3-D one; its filter, HWCF, becomes DHWCF
// [C, KH, KW, 1, F], its bias the 5-D accumulator's start.
// LINALG-LABEL: func.func @trimmed
// LINALG-NOT: tosa.transpose
// LINALG-NOT: tosa.slice
// LINALG: %[[X:.*]] = tosa.reshape %arg0, %{{.*}} : (tensor<1x3x16x16xf32>, !tosa.shape<5>) -> tensor<1x3x16x16x1xf32>
// LINALG: %[[I:.*]] = linalg.broadcast ins(%{{.*}} : tensor<8xf32>) outs(%{{.*}} : tensor<1x1x4x4x8xf32>) dimensions = [0, 1, 2, 3]
// LINALG: %[[C:.*]] = linalg.conv_3d_ndhwc_dhwcf {dilations = dense<1> : tensor<3xi64>, strides = dense<[1, 4, 4]> : tensor<3xi64>} ins(%[[X]], %{{.*}} : tensor<1x3x16x16x1xf32>, tensor<3x3x3x1x8xf32>) outs(%[[I]] : tensor<1x1x4x4x8xf32>)
// LINALG: tosa.reshape %[[C]], %{{.*}} : (tensor<1x1x4x4x8xf32>, !tosa.shape<4>) -> tensor<1x4x4x8xf32>
// Without the trims folded, the tosa.conv2d reads a trim of the input
// behind the transpose; the rule takes it through the slice.
// CHECK-LABEL: func.func @trimmed
// CHECK: tosa.slice
// CHECK-NOT: tosa.transpose
// CHECK: tosa.conv3d
func.func @trimmed(%x: tensor<1x3x16x16xf32>) -> tensor<1x4x4x8xf32> {
  %start = tosa.const_shape {values = dense<0> : tensor<4xindex>} : () -> !tosa.shape<4>
  %size = tosa.const_shape {values = dense<[1, 3, 15, 15]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %s = tosa.slice %x, %start, %size : (tensor<1x3x16x16xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x3x15x15xf32>
  %t = tosa.transpose %s {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x3x15x15xf32>) -> tensor<1x15x15x3xf32>
  %w = "tosa.const"() <{values = dense<0.25> : tensor<8x3x3x3xf32>}> : () -> tensor<8x3x3x3xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<8xf32>}> : () -> tensor<8xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  // expected-remark @below {{applied rule 'strata.fold-input-layout' to 'tosa.conv2d'}}
  %c = tosa.conv2d %t, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 4, 4>} : (tensor<1x15x15x3xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x8xf32>
  return %c : tensor<1x4x4x8xf32>
}

// -----

// Refused: the transposed input has another reader (the transpose would
// stay); a transpose that is not NCHW -> NHWC; a filter that is not a
// constant; more channels than an image has (the 2-D convolution's filter
// is stored in blocks, the 3-D one's would not be).
// CHECK-LABEL: func.func @refused
// CHECK-COUNT-4: tosa.conv2d
// CHECK-NOT: tosa.conv3d
func.func @refused(%x: tensor<1x2x4x4xf32>, %wv: tensor<1x1x1x2xf32>, %many: tensor<1x5x4x4xf32>) -> (tensor<1x4x4x1xf32>, tensor<1x4x4x2xf32>, tensor<1x4x4x1xf32>, tensor<1x4x4x1xf32>, tensor<1x4x4x1xf32>) {
  %w = "tosa.const"() <{values = dense<0.5> : tensor<1x1x1x2xf32>}> : () -> tensor<1x1x1x2xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %t = tosa.transpose %x {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x4x4xf32>) -> tensor<1x4x4x2xf32>
  %shared = tosa.conv2d %t, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x1xf32>
  %u = tosa.transpose %x {perms = array<i32: 0, 3, 2, 1>} : (tensor<1x2x4x4xf32>) -> tensor<1x4x4x2xf32>
  %other = tosa.conv2d %u, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x1xf32>
  %v = tosa.transpose %x {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x4x4xf32>) -> tensor<1x4x4x2xf32>
  %variable = tosa.conv2d %v, %wv, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x1xf32>
  %m = tosa.transpose %many {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x5x4x4xf32>) -> tensor<1x4x4x5xf32>
  %w5 = "tosa.const"() <{values = dense<0.5> : tensor<1x1x1x5xf32>}> : () -> tensor<1x1x1x5xf32>
  %wide = tosa.conv2d %m, %w5, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x5xf32>, tensor<1x1x1x5xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x1xf32>
  return %shared, %t, %other, %variable, %wide : tensor<1x4x4x1xf32>, tensor<1x4x4x2xf32>, tensor<1x4x4x1xf32>, tensor<1x4x4x1xf32>, tensor<1x4x4x1xf32>
}
