// strata-pack-constants: a group's transpose of a constant operand becomes a
// transposed constant passed in its place; splats and constants of the body
// are folded in the body; transposes of run-time values stay.
// RUN: strata-opt %s --split-input-file -p 'builtin.module(func.func(strata-pack-constants))' | FileCheck %s

// CHECK-LABEL: func.func @filter
// CHECK: %[[W:.*]] = arith.constant dense<{{\[\[}}[1.000000e+00, 3.000000e+00], [2.000000e+00, 4.000000e+00]]]> : tensor<1x2x2xf32>
// CHECK: strata.group(%{{.*}} = %arg0, %[[F:.*]] = %[[W]])
// CHECK-NOT: linalg.transpose
// CHECK: linalg.add ins(%{{.*}}, %[[F]] :
func.func @filter(%x: tensor<1x2x2xf32>) -> tensor<1x2x2xf32> {
  %w = arith.constant dense<[[[1.0, 2.0], [3.0, 4.0]]]> : tensor<1x2x2xf32>
  %0 = strata.group(%a = %x, %b = %w) : (tensor<1x2x2xf32>, tensor<1x2x2xf32>) -> tensor<1x2x2xf32> {
    %e = tensor.empty() : tensor<1x2x2xf32>
    %t = linalg.transpose ins(%b : tensor<1x2x2xf32>) outs(%e : tensor<1x2x2xf32>) permutation = [0, 2, 1]
    %e2 = tensor.empty() : tensor<1x2x2xf32>
    %s = linalg.add ins(%a, %t : tensor<1x2x2xf32>, tensor<1x2x2xf32>) outs(%e2 : tensor<1x2x2xf32>) -> tensor<1x2x2xf32>
    strata.yield %s : tensor<1x2x2xf32>
  }
  return %0 : tensor<1x2x2xf32>
}

// -----

// CHECK-LABEL: func.func @splat_and_runtime
// CHECK: strata.group(%[[A:.*]] = %arg0)
// CHECK: arith.constant dense<2.000000e-02> : tensor<3x2xf32>
// CHECK: linalg.transpose ins(%[[A]]
func.func @splat_and_runtime(%x: tensor<2x3xf32>) -> (tensor<3x2xf32>, tensor<3x2xf32>) {
  %w = arith.constant dense<0.02> : tensor<2x3xf32>
  %0:2 = strata.group(%a = %x, %b = %w) : (tensor<2x3xf32>, tensor<2x3xf32>) -> (tensor<3x2xf32>, tensor<3x2xf32>) {
    %e = tensor.empty() : tensor<3x2xf32>
    %t = linalg.transpose ins(%b : tensor<2x3xf32>) outs(%e : tensor<3x2xf32>) permutation = [1, 0]
    %u = linalg.transpose ins(%a : tensor<2x3xf32>) outs(%e : tensor<3x2xf32>) permutation = [1, 0]
    strata.yield %t, %u : tensor<3x2xf32>, tensor<3x2xf32>
  }
  return %0#0, %0#1 : tensor<3x2xf32>, tensor<3x2xf32>
}

// -----

// A group without inputs (its constant is inside).
// CHECK-LABEL: func.func @no_inputs
// CHECK: strata.group()
// CHECK: arith.constant dense<{{\[\[}}1.000000e+00, 3.000000e+00], [2.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
// CHECK-NOT: linalg.transpose
func.func @no_inputs() -> tensor<2x2xf32> {
  %0 = strata.group() : () -> tensor<2x2xf32> {
    %c = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
    %e = tensor.empty() : tensor<2x2xf32>
    %t = linalg.transpose ins(%c : tensor<2x2xf32>) outs(%e : tensor<2x2xf32>) permutation = [1, 0]
    strata.yield %t : tensor<2x2xf32>
  }
  return %0 : tensor<2x2xf32>
}

// -----

// A constant convolution filter of at least min-blocked-bytes with a
// multiple of 64 output channels is stored in blocks of 64 (each block's
// HWCF filter contiguous) and the convolution becomes a blocked generic on
// the output split into (block, channel); one of 96 channels stays.
// RUN: strata-opt %s --split-input-file -p 'builtin.module(func.func(strata-pack-constants{min-blocked-bytes=0}))' | FileCheck %s --check-prefix=BLOCK
// BLOCK-LABEL: func.func @blocked_filter
// BLOCK: strata.group
// BLOCK: arith.constant dense<5.000000e-01> : tensor<2x3x3x4x64xf32>
// BLOCK: tensor.expand_shape %{{.*}} {{\[\[}}0], [1], [2], [3, 4]] output_shape [1, 4, 4, 2, 64]
// BLOCK: linalg.generic
// BLOCK-SAME: ins(%{{.*}}, %{{.*}} : tensor<1x6x6x4xf32>, tensor<2x3x3x4x64xf32>)
// BLOCK: tensor.collapse_shape %{{.*}} {{\[\[}}0], [1], [2], [3, 4]] : tensor<1x4x4x2x64xf32> into tensor<1x4x4x128xf32>
// BLOCK: linalg.conv_2d_nhwc_hwcf
// BLOCK-SAME: tensor<3x3x4x96xf32>
func.func @blocked_filter(%x: tensor<1x6x6x4xf32>) -> (tensor<1x4x4x128xf32>, tensor<1x4x4x96xf32>) {
  %w = arith.constant dense<0.5> : tensor<3x3x4x128xf32>
  %w2 = arith.constant dense<0.25> : tensor<3x3x4x96xf32>
  %0:2 = strata.group(%a = %x, %b = %w, %c = %w2) : (tensor<1x6x6x4xf32>, tensor<3x3x4x128xf32>, tensor<3x3x4x96xf32>) -> (tensor<1x4x4x128xf32>, tensor<1x4x4x96xf32>) {
    %zero = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<1x4x4x128xf32>
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x4x128xf32>) -> tensor<1x4x4x128xf32>
    %r = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
        ins(%a, %b : tensor<1x6x6x4xf32>, tensor<3x3x4x128xf32>) outs(%f : tensor<1x4x4x128xf32>) -> tensor<1x4x4x128xf32>
    %e2 = tensor.empty() : tensor<1x4x4x96xf32>
    %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<1x4x4x96xf32>) -> tensor<1x4x4x96xf32>
    %r2 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
        ins(%a, %c : tensor<1x6x6x4xf32>, tensor<3x3x4x96xf32>) outs(%f2 : tensor<1x4x4x96xf32>) -> tensor<1x4x4x96xf32>
    strata.yield %r, %r2 : tensor<1x4x4x128xf32>, tensor<1x4x4x96xf32>
  }
  return %0#0, %0#1 : tensor<1x4x4x128xf32>, tensor<1x4x4x96xf32>
}

// -----

// A batch matmul's constant right-hand side (one matrix) is stored in
// blocks of 64 columns, each block's rows contiguous.
// BLOCK-LABEL: func.func @blocked_matmul
// BLOCK: strata.group
// BLOCK: arith.constant dense<5.000000e-01> : tensor<2x16x64xf32>
// BLOCK: tensor.expand_shape %{{.*}} {{\[\[}}0], [1], [2, 3]] output_shape [1, 3, 2, 64]
// BLOCK: linalg.generic
// BLOCK-SAME: ins(%{{.*}}, %{{.*}} : tensor<1x3x16xf32>, tensor<2x16x64xf32>)
// BLOCK: tensor.collapse_shape %{{.*}} {{\[\[}}0], [1], [2, 3]] : tensor<1x3x2x64xf32> into tensor<1x3x128xf32>
// BLOCK-NOT: linalg.batch_matmul
func.func @blocked_matmul(%x: tensor<1x3x16xf32>) -> tensor<1x3x128xf32> {
  %w = arith.constant dense<0.5> : tensor<1x16x128xf32>
  %0 = strata.group(%a = %x, %b = %w) : (tensor<1x3x16xf32>, tensor<1x16x128xf32>) -> tensor<1x3x128xf32> {
    %zero = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<1x3x128xf32>
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x3x128xf32>) -> tensor<1x3x128xf32>
    %r = linalg.batch_matmul ins(%a, %b : tensor<1x3x16xf32>, tensor<1x16x128xf32>) outs(%f : tensor<1x3x128xf32>) -> tensor<1x3x128xf32>
    strata.yield %r : tensor<1x3x128xf32>
  }
  return %0 : tensor<1x3x128xf32>
}
