// strata.fold-window-trims: a convolution or max pool reading a slice that
// trims the rows and columns its strided window never reads becomes the
// linalg op tosa-to-linalg-named makes of it, reading the untrimmed input.
// RUN: strata-opt %s --split-input-file -p 'builtin.module(func.func(strata-apply-rules{rules=strata.fold-window-trims remarks=true}))' --verify-diagnostics | FileCheck %s
// The rewritten ops lower to the same code (bit-identical outputs: AlexNet
// in E2E/strategy-models-large.test); here the lowered forms match too.
// RUN: strata-opt %s --split-input-file -p 'builtin.module(func.func(strata-apply-rules{rules=strata.fold-window-trims}))' | FileCheck %s --check-prefix=PLAIN

// ResNet's 1x1 stride-2 shortcut: 56 rows, the last never read. The
// filter (OIHW behind the importer's transpose to OHWI) is read as HWCF
// through one transpose of its constant, which kernel formation folds with
// the filter's blocked layout (getPackedWeightChain); the bias is the
// accumulator's start.
// CHECK-LABEL: func.func @shortcut
// CHECK-DAG: %[[W:.*]] = tosa.transpose %{{.*}} {perms = array<i32: 2, 3, 1, 0>} : (tensor<2x4x1x1xf32>) -> tensor<1x1x4x2xf32>
// CHECK-DAG: %[[B:.*]] = "tosa.const"() <{values = dense<[5.000000e-01, -1.000000e+00]>
// CHECK: %[[E:.*]] = tensor.empty() : tensor<1x28x28x2xf32>
// CHECK: %[[I:.*]] = linalg.broadcast ins(%[[B]] : tensor<2xf32>) outs(%[[E]] : tensor<1x28x28x2xf32>) dimensions = [0, 1, 2]
// CHECK: %[[C:.*]] = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%arg0, %[[W]] : tensor<1x56x56x4xf32>, tensor<1x1x4x2xf32>) outs(%[[I]] : tensor<1x28x28x2xf32>)
// CHECK-NOT: tosa.slice
// CHECK: return %[[C]]
func.func @shortcut(%x: tensor<1x56x56x4xf32>) -> tensor<1x28x28x2xf32> {
  %start = tosa.const_shape {values = dense<0> : tensor<4xindex>} : () -> !tosa.shape<4>
  %size = tosa.const_shape {values = dense<[1, 55, 55, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %t = tosa.slice %x, %start, %size : (tensor<1x56x56x4xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x55x55x4xf32>
  %oihw = "tosa.const"() <{values = dense<[[[[1.0]], [[2.0]], [[3.0]], [[4.0]]], [[[5.0]], [[6.0]], [[7.0]], [[8.0]]]]> : tensor<2x4x1x1xf32>}> : () -> tensor<2x4x1x1xf32>
  %w = tosa.transpose %oihw {perms = array<i32: 0, 2, 3, 1>} : (tensor<2x4x1x1xf32>) -> tensor<2x1x1x4xf32>
  %b = "tosa.const"() <{values = dense<[0.5, -1.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  // expected-remark @below {{applied rule 'strata.fold-window-trims' to 'tosa.conv2d'}}
  %c = tosa.conv2d %t, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x55x55x4xf32>, tensor<2x1x1x4xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x28x28x2xf32>
  return %c : tensor<1x28x28x2xf32>
}
// The filter's data: the OIHW constant itself, transposed to HWCF (input
// channels major, the two output channels inner), no copy made here.
// PLAIN-LABEL: func.func @shortcut
// PLAIN: %[[OIHW:.*]] = "tosa.const"() <{values = dense<{{\[\[\[\[}}1.000000e+00]], {{\[\[}}2.000000e+00]], {{\[\[}}3.000000e+00]], {{\[\[}}4.000000e+00]]], {{\[\[\[}}5.000000e+00]], {{\[\[}}6.000000e+00]], {{\[\[}}7.000000e+00]], {{\[\[}}8.000000e+00]]]]> : tensor<2x4x1x1xf32>}>
// PLAIN: tosa.transpose %[[OIHW]] {perms = array<i32: 2, 3, 1, 0>} : (tensor<2x4x1x1xf32>) -> tensor<1x1x4x2xf32>

// -----

// AlexNet's first layer: the trim is on the NCHW input, before its
// transpose to NHWC; the transpose now reads the whole input.
// CHECK-LABEL: func.func @nchw_input
// CHECK: %[[T:.*]] = tosa.transpose %arg0 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x3x16x16xf32>) -> tensor<1x16x16x3xf32>
// CHECK: linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<4> : tensor<2xi64>} ins(%[[T]], %{{.*}} : tensor<1x16x16x3xf32>, tensor<3x3x3x8xf32>)
// CHECK-NOT: tosa.slice
func.func @nchw_input(%x: tensor<1x3x16x16xf32>) -> tensor<1x4x4x8xf32> {
  %start = tosa.const_shape {values = dense<0> : tensor<4xindex>} : () -> !tosa.shape<4>
  %size = tosa.const_shape {values = dense<[1, 3, 15, 15]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %s = tosa.slice %x, %start, %size : (tensor<1x3x16x16xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x3x15x15xf32>
  %t = tosa.transpose %s {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x3x15x15xf32>) -> tensor<1x15x15x3xf32>
  %w = "tosa.const"() <{values = dense<0.25> : tensor<8x3x3x3xf32>}> : () -> tensor<8x3x3x3xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<8xf32>}> : () -> tensor<8xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  // expected-remark @below {{applied rule 'strata.fold-window-trims' to 'tosa.conv2d'}}
  %c = tosa.conv2d %t, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 4, 4>} : (tensor<1x15x15x3xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x8xf32>
  return %c : tensor<1x4x4x8xf32>
}

// -----

// A max pool (3x3, stride 2: 54 rows, the last never read) starts from
// the lowest finite f32, as tosa-to-linalg-named's does.
// CHECK-LABEL: func.func @pool
// CHECK: %[[L:.*]] = arith.constant -3.40282347E+38 : f32
// CHECK: %[[F:.*]] = linalg.fill ins(%[[L]] : f32) outs(%{{.*}} : tensor<1x26x26x2xf32>)
// CHECK: %[[K:.*]] = tensor.empty() : tensor<3x3xf32>
// CHECK: linalg.pooling_nhwc_max {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>} ins(%arg0, %[[K]] : tensor<1x54x54x2xf32>, tensor<3x3xf32>) outs(%[[F]] : tensor<1x26x26x2xf32>)
// CHECK-NOT: tosa.slice
func.func @pool(%x: tensor<1x54x54x2xf32>) -> tensor<1x26x26x2xf32> {
  %start = tosa.const_shape {values = dense<0> : tensor<4xindex>} : () -> !tosa.shape<4>
  %size = tosa.const_shape {values = dense<[1, 53, 53, 2]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %t = tosa.slice %x, %start, %size : (tensor<1x54x54x2xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x53x53x2xf32>
  // expected-remark @below {{applied rule 'strata.fold-window-trims' to 'tosa.max_pool2d'}}
  %p = tosa.max_pool2d %t {kernel = array<i64: 3, 3>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x53x53x2xf32>) -> tensor<1x26x26x2xf32>
  return %p : tensor<1x26x26x2xf32>
}

// -----

// Refused: a padded window (linalg has no padding); a slice that starts
// past zero (a crop, not a trim); a slice of rows the window reads (the
// untrimmed input would give another output size); a filter that is not
// a constant; a pool that ignores NaN.
// CHECK-LABEL: func.func @refused
// CHECK-COUNT-3: tosa.slice
// CHECK-COUNT-4: tosa.conv2d
// CHECK: tosa.max_pool2d
// CHECK-NOT: linalg.
func.func @refused(%x: tensor<1x56x56x4xf32>, %wv: tensor<2x1x1x4xf32>) -> (tensor<1x29x29x2xf32>, tensor<1x28x28x2xf32>, tensor<1x27x27x2xf32>, tensor<1x28x28x2xf32>, tensor<1x27x27x4xf32>) {
  %zero = tosa.const_shape {values = dense<0> : tensor<4xindex>} : () -> !tosa.shape<4>
  %one = tosa.const_shape {values = dense<[0, 1, 1, 0]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %size = tosa.const_shape {values = dense<[1, 55, 55, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %size53 = tosa.const_shape {values = dense<[1, 53, 53, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %t = tosa.slice %x, %zero, %size : (tensor<1x56x56x4xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x55x55x4xf32>
  %crop = tosa.slice %x, %one, %size : (tensor<1x56x56x4xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x55x55x4xf32>
  %short = tosa.slice %x, %zero, %size53 : (tensor<1x56x56x4xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x53x53x4xf32>
  %w = "tosa.const"() <{values = dense<0.5> : tensor<2x1x1x4xf32>}> : () -> tensor<2x1x1x4xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<2xf32>}> : () -> tensor<2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %padded = tosa.conv2d %t, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>} : (tensor<1x55x55x4xf32>, tensor<2x1x1x4xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x29x29x2xf32>
  %cropped = tosa.conv2d %crop, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x55x55x4xf32>, tensor<2x1x1x4xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x28x28x2xf32>
  %shortened = tosa.conv2d %short, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x53x53x4xf32>, tensor<2x1x1x4xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x27x27x2xf32>
  %variable = tosa.conv2d %t, %wv, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x55x55x4xf32>, tensor<2x1x1x4xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x28x28x2xf32>
  %ignoring = tosa.max_pool2d %t {kernel = array<i64: 3, 3>, nan_mode = IGNORE, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x55x55x4xf32>) -> tensor<1x27x27x4xf32>
  return %padded, %cropped, %shortened, %variable, %ignoring : tensor<1x29x29x2xf32>, tensor<1x28x28x2xf32>, tensor<1x27x27x2xf32>, tensor<1x28x28x2xf32>, tensor<1x27x27x4xf32>
}
