// RUN: strata-opt %s -p 'builtin.module(func.func(strata-remat{budget=600}))' 2>&1 | FileCheck %s
// RUN: strata-opt %s -p 'builtin.module(func.func(strata-remat{budget=70%}),strata-memory-report)' -o /dev/null 2>&1 | FileCheck %s --check-prefix=REPORT
// RUN: not strata-opt %s -p 'builtin.module(func.func(strata-remat{budget=400}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=INFEASIBLE
// RUN: strata-opt %s -p 'builtin.module(func.func(strata-remat{budget=100%}))' 2>&1 | FileCheck %s --check-prefix=NOOP

// %a (256 B) is read at once and again at the end, across the 256 B chain
// %c -> %d: peak 772 B at %d. Recomputing %a before its last reader leaves
// 520 B (the final add needs its inputs and output, 516 B, plus %b). No
// plan goes lower: %b is a result, live to the end, so the lower bound is
// 520 B too.
// CHECK: remark: strata-remat 'long' (greedy): peak 772 B -> 520 B within 600 B, 1 recomputation(s)
// CHECK-LABEL: func.func @long
// CHECK:      %[[A:.*]] = tosa.exp %arg0 : (tensor<64xf32>) -> tensor<64xf32>
// CHECK-NEXT: %[[B:.*]] = tosa.reduce_sum %[[A]]
// CHECK-NEXT: %[[C:.*]] = tosa.sigmoid %arg0
// CHECK-NEXT: %[[D:.*]] = tosa.tanh %[[C]]
// CHECK-NEXT: %[[E:.*]] = tosa.reduce_sum %[[D]]
// CHECK-NEXT: %[[A2:.*]] = tosa.exp %arg0 {strata.recompute_of = "tosa.exp"}
// CHECK-NEXT: %[[Z:.*]] = tosa.add %[[A2]], %[[E]]
// CHECK-NEXT: return %[[Z]], %[[B]]
// REPORT: remark: function 'long': peak 520 B
// INFEASIBLE: error: strata-remat: budget 400 B is infeasible for 'long': the lowest peak reached is 520 B (lower bound 520 B)
// NOOP: remark: strata-remat 'long' (greedy): peak 772 B -> 772 B within 772 B, 0 recomputation(s)
func.func @long(%x: tensor<64xf32>) -> (tensor<64xf32>, tensor<1xf32>) {
  %a = tosa.exp %x : (tensor<64xf32>) -> tensor<64xf32>
  %b = tosa.reduce_sum %a {axis = 0 : i32} : (tensor<64xf32>) -> tensor<1xf32>
  %c = tosa.sigmoid %x : (tensor<64xf32>) -> tensor<64xf32>
  %d = tosa.tanh %c : (tensor<64xf32>) -> tensor<64xf32>
  %e = tosa.reduce_sum %d {axis = 0 : i32} : (tensor<64xf32>) -> tensor<1xf32>
  %z = tosa.add %a, %e : (tensor<64xf32>, tensor<1xf32>) -> tensor<64xf32>
  return %z, %b : tensor<64xf32>, tensor<1xf32>
}
