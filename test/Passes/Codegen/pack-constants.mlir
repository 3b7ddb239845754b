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
