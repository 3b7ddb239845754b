// RUN: strata-opt %s -p 'builtin.module(func.func(strata-decompose-aggregates))' | FileCheck %s

// CHECK-LABEL: func.func @softmax
// CHECK-NOT: linalg.softmax
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]
// CHECK: arith.maxnumf
// CHECK: math.exp
// CHECK: arith.addf
// CHECK: arith.divf
func.func @softmax(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %e = tensor.empty() : tensor<2x8xf32>
  %0 = linalg.softmax dimension(1) ins(%x : tensor<2x8xf32>) outs(%e : tensor<2x8xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// Inside a group too.
// CHECK-LABEL: func.func @grouped
// CHECK: strata.group
// CHECK-NOT: linalg.softmax
// CHECK: math.exp
func.func @grouped(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %0 = strata.group(%a = %x) : (tensor<2x8xf32>) -> tensor<2x8xf32> {
    %e = tensor.empty() : tensor<2x8xf32>
    %1 = linalg.softmax dimension(1) ins(%a : tensor<2x8xf32>) outs(%e : tensor<2x8xf32>) -> tensor<2x8xf32>
    strata.yield %1 : tensor<2x8xf32>
  }
  return %0 : tensor<2x8xf32>
}
