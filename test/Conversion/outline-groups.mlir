// RUN: strata-opt %s -p 'builtin.module(strata-outline-groups)' --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @f
// CHECK-SAME: (%[[A:.*]]: tensor<4xf32>, %[[B:.*]]: tensor<4xf32>)
// CHECK: %[[E:.*]] = call @f_exp(%[[A]]) : (tensor<4xf32>) -> tensor<4xf32>
// CHECK: %[[G:.*]]:2 = call @f_group(%[[E]], %[[B]]) : (tensor<4xf32>, tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>)
// CHECK: return %[[G]]#1
// CHECK: func.func private @f_exp(%[[X:.*]]: tensor<4xf32>) -> tensor<4xf32> attributes {strata.kernel}
// CHECK-NEXT: %[[R:.*]] = tosa.exp %[[X]]
// CHECK-NEXT: return %[[R]]
// CHECK: func.func private @f_group(%{{.*}}: tensor<4xf32>, %{{.*}}: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) attributes {strata.kernel}
// CHECK: tosa.add
// CHECK: return
func.func @f(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %0 = strata.group(%x = %a) : (tensor<4xf32>) -> tensor<4xf32> attributes {name = "exp"} {
    %1 = tosa.exp %x : (tensor<4xf32>) -> tensor<4xf32>
    strata.yield %1 : tensor<4xf32>
  }
  %2:2 = strata.group(%x = %0, %y = %b) : (tensor<4xf32>, tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
    %3 = tosa.add %x, %y : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    strata.yield %x, %3 : tensor<4xf32>, tensor<4xf32>
  }
  return %2#1 : tensor<4xf32>
}

// -----

// Name clashes are resolved with a numeric suffix, in block order.
// CHECK-LABEL: func.func @g
// CHECK: call @g_exp(
// CHECK: call @g_exp_0(
// CHECK-DAG: func.func private @g_exp(
// CHECK-DAG: func.func private @g_exp_0(
func.func @g(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = strata.group(%x = %a) : (tensor<4xf32>) -> tensor<4xf32> attributes {name = "exp"} {
    %1 = tosa.exp %x : (tensor<4xf32>) -> tensor<4xf32>
    strata.yield %1 : tensor<4xf32>
  }
  %2 = strata.group(%x = %0) : (tensor<4xf32>) -> tensor<4xf32> attributes {name = "exp"} {
    %3 = tosa.exp %x : (tensor<4xf32>) -> tensor<4xf32>
    strata.yield %3 : tensor<4xf32>
  }
  return %2 : tensor<4xf32>
}
