// RUN: strata-opt %s -p 'builtin.module(strata-dedupe-kernels)' | FileCheck %s

// Kernels whose type and body match an earlier kernel's (locations aside)
// are erased and their calls redirected; a kernel with another constant, a
// kernel with another type, and a public kernel stay.

// CHECK-LABEL: func.func @f
// CHECK: %[[A:.*]] = call @f_exp(%arg0)
// CHECK: %[[B:.*]] = call @f_exp(%[[A]])
// CHECK: %[[C:.*]] = call @f_exp(%[[B]])
// CHECK: %[[D:.*]] = call @f_add(%[[C]])
// CHECK: %[[E:.*]] = call @f_add_1(%[[D]])
// CHECK: %[[F:.*]] = call @f_add(%[[E]])
// CHECK: %[[G:.*]] = call @f_wide(%{{.*}})
// CHECK: call @f_public(%[[F]])
func.func @f(%a: tensor<4xf32>, %w: tensor<8xf32>) -> (tensor<4xf32>, tensor<8xf32>) {
  %0 = call @f_exp(%a) : (tensor<4xf32>) -> tensor<4xf32>
  %1 = call @f_exp_0(%0) : (tensor<4xf32>) -> tensor<4xf32>
  %2 = call @f_exp_0(%1) : (tensor<4xf32>) -> tensor<4xf32>
  %3 = call @f_add(%2) : (tensor<4xf32>) -> tensor<4xf32>
  %4 = call @f_add_1(%3) : (tensor<4xf32>) -> tensor<4xf32>
  %5 = call @f_add_2(%4) : (tensor<4xf32>) -> tensor<4xf32>
  %6 = call @f_wide(%w) : (tensor<8xf32>) -> tensor<8xf32>
  %7 = call @f_public(%5) : (tensor<4xf32>) -> tensor<4xf32>
  return %7, %6 : tensor<4xf32>, tensor<8xf32>
}

// CHECK: func.func private @f_exp(
// CHECK-NOT: func.func private @f_exp_0(
func.func private @f_exp(%x: tensor<4xf32>) -> tensor<4xf32> attributes {strata.kernel} {
  %0 = tosa.exp %x : (tensor<4xf32>) -> tensor<4xf32> loc("first")
  return %0 : tensor<4xf32>
}
func.func private @f_exp_0(%x: tensor<4xf32>) -> tensor<4xf32> attributes {strata.kernel} {
  %0 = tosa.exp %x : (tensor<4xf32>) -> tensor<4xf32> loc("second")
  return %0 : tensor<4xf32>
}

// CHECK: func.func private @f_add(
// CHECK: func.func private @f_add_1(
// CHECK-NOT: func.func private @f_add_2(
func.func private @f_add(%x: tensor<4xf32>) -> tensor<4xf32> attributes {strata.kernel} {
  %c = arith.constant dense<1.0> : tensor<4xf32>
  %0 = arith.addf %x, %c : tensor<4xf32>
  return %0 : tensor<4xf32>
}
func.func private @f_add_1(%x: tensor<4xf32>) -> tensor<4xf32> attributes {strata.kernel} {
  %c = arith.constant dense<2.0> : tensor<4xf32>
  %0 = arith.addf %x, %c : tensor<4xf32>
  return %0 : tensor<4xf32>
}
func.func private @f_add_2(%x: tensor<4xf32>) -> tensor<4xf32> attributes {strata.kernel} {
  %c = arith.constant dense<1.0> : tensor<4xf32>
  %0 = arith.addf %x, %c : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// CHECK: func.func private @f_wide(
func.func private @f_wide(%x: tensor<8xf32>) -> tensor<8xf32> attributes {strata.kernel} {
  %0 = tosa.exp %x : (tensor<8xf32>) -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// CHECK: func.func @f_public(
// CHECK-NOT: func.func
func.func @f_public(%x: tensor<4xf32>) -> tensor<4xf32> attributes {strata.kernel} {
  %0 = tosa.exp %x : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
