// RUN: strata-opt %s -p 'builtin.module(func.func(strata-remat{budget=1100}))' 2>&1 | FileCheck %s

// %x2 (256 B) is read at the end, across the 1024 B %big. Recomputing
// %x2 alone would keep %x1 live across %big instead (no gain), so the
// greedy search recomputes the chain %x0 -> %x1 -> %x2 from the argument
// (not counted) right before the late reader: the peak drops to %big and
// the 4 B result %q.
// CHECK: remark: strata-remat 'segment' (greedy): peak 1288 B -> 1032 B within 1100 B, 3 recomputation(s)
// CHECK-LABEL: func.func @segment
// CHECK:      %[[X2:.*]] = tosa.sigmoid
// CHECK-NEXT: tosa.reduce_sum %[[X2]]
// CHECK-NEXT: %[[BIG:.*]] = tosa.exp %arg1
// CHECK-NEXT: %[[Y:.*]] = tosa.reduce_sum %[[BIG]]
// CHECK-NEXT: %[[C0:.*]] = tosa.exp %arg0 {strata.recompute_of = "tosa.exp"}
// CHECK-NEXT: %[[C1:.*]] = tosa.tanh %[[C0]] {strata.recompute_of = "tosa.tanh"}
// CHECK-NEXT: %[[C2:.*]] = tosa.sigmoid %[[C1]] {strata.recompute_of = "tosa.sigmoid"}
// CHECK-NEXT: %[[Z:.*]] = tosa.add %[[C2]], %[[Y]]
// CHECK-NEXT: return %[[Z]]
func.func @segment(%a: tensor<64xf32>, %b: tensor<256xf32>) -> (tensor<64xf32>, tensor<1xf32>) {
  %x0 = tosa.exp %a : (tensor<64xf32>) -> tensor<64xf32>
  %x1 = tosa.tanh %x0 : (tensor<64xf32>) -> tensor<64xf32>
  %x2 = tosa.sigmoid %x1 : (tensor<64xf32>) -> tensor<64xf32>
  %q = tosa.reduce_sum %x2 {axis = 0 : i32} : (tensor<64xf32>) -> tensor<1xf32>
  %big = tosa.exp %b : (tensor<256xf32>) -> tensor<256xf32>
  %y = tosa.reduce_sum %big {axis = 0 : i32} : (tensor<256xf32>) -> tensor<1xf32>
  %z = tosa.add %x2, %y : (tensor<64xf32>, tensor<1xf32>) -> tensor<64xf32>
  return %z, %q : tensor<64xf32>, tensor<1xf32>
}
