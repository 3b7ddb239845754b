// planner=sequential|joint: strata-map-memory plans the kernel order (and,
// joint, recomputation) with the tiers, rewrites the function and writes
// the plan; the verifier accepts it.
// RUN: strata-opt %s -p 'builtin.module(func.func(strata-map-memory))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=PROGRAM
// RUN: strata-opt %s -p 'builtin.module(func.func(strata-map-memory{planner=sequential}))' -o %t.seq.mlir 2>&1 | FileCheck %s --check-prefix=SEQ-REMARK
// RUN: FileCheck %s --check-prefix=SEQ < %t.seq.mlir
// RUN: strata-opt %t.seq.mlir -p 'builtin.module(func.func(strata-verify-memory-plan))' -o /dev/null
// RUN: strata-opt %s -p 'builtin.module(func.func(strata-map-memory{planner=joint}))' -o %t.joint.mlir 2>&1 | FileCheck %s --check-prefix=JOINT-REMARK
// RUN: FileCheck %s --check-prefix=JOINT < %t.joint.mlir
// RUN: strata-opt %t.joint.mlir -p 'builtin.module(func.func(strata-verify-memory-plan))' -o /dev/null
// The exact model proves both plans optimal.
// RUN: strata-opt %s -p 'builtin.module(func.func(strata-map-memory{planner=joint algorithm=ilp joint-recomputations=1}))' -o %t.exact.mlir 2>&1 | FileCheck %s --check-prefix=EXACT
// RUN: strata-opt %t.exact.mlir -p 'builtin.module(func.func(strata-verify-memory-plan))' -o /dev/null
// Deterministic.
// RUN: strata-opt %s -p 'builtin.module(func.func(strata-map-memory{planner=joint}))' | cmp - %t.joint.mlir

// A 1088 B scratchpad (17 lines of 64 B).
module attributes {strata.target = #strata.target<name = "tiny",
    units = [#strata.unit<name = "engine", count = 1, matrix_flops = 1.0e+9, vector_flops = 1.0e+9>],
    tiers = [#strata.tier<name = "sram", capacity = 1088, bandwidth = 1.0e+12>,
             #strata.tier<name = "dram", capacity = 1048576, bandwidth = 1.0e+9>]>} {

// Two branches, each a 1 KiB exp reduced to 4 B, in interleaved program
// order: both 1 KiB values are live at the first reduction, so one of them
// goes off chip and back (2 KiB). The min-peak order runs each branch to
// its end first: only the first branch's 4 B sum (64 B aligned) leaves
// the chip while the second 1 KiB value and its sum are there (8 B),
// which the exact model proves optimal.
// PROGRAM: remark: strata-map-memory 'interleaved' (greedy, tiny): {{.*}}(non-compulsory 2048 B)
// SEQ-REMARK: remark: strata-map-memory 'interleaved' (sequential (greedy)): 5 kernel runs, 0 recomputations, non-compulsory 8 B
// EXACT: remark: strata-map-memory 'interleaved' (joint ({{highs|cbc}})): 5 kernel runs, 0 recomputations, non-compulsory 8 B {{.*}}; optimal, bound 8 B, gap 0.0%
// SEQ-LABEL: func.func @interleaved
// SEQ: tosa.exp %arg0
// SEQ-NEXT: tosa.reduce_sum
// SEQ-NEXT: strata.evict
// SEQ-NEXT: tosa.exp %arg1
// SEQ-NEXT: tosa.reduce_sum
// SEQ-NEXT: tosa.add
func.func @interleaved(%x: tensor<1x256xf32>, %y: tensor<1x256xf32>) -> tensor<1x1xf32> {
  %a1 = tosa.exp %x : (tensor<1x256xf32>) -> tensor<1x256xf32>
  %b1 = tosa.exp %y : (tensor<1x256xf32>) -> tensor<1x256xf32>
  %a2 = tosa.reduce_sum %a1 {axis = 1 : i32} : (tensor<1x256xf32>) -> tensor<1x1xf32>
  %b2 = tosa.reduce_sum %b1 {axis = 1 : i32} : (tensor<1x256xf32>) -> tensor<1x1xf32>
  %r = tosa.add %a2, %b2 : (tensor<1x1xf32>, tensor<1x1xf32>) -> tensor<1x1xf32>
  return %r : tensor<1x1xf32>
}

// %u (512 B, tiled from a 64 B argument) is read by the first exp and by
// the add; the three 512 B exps between them hold 1024 B each step, so %u
// cannot stay on chip across them. Whatever the order, keeping it costs an
// evict and a reload (1024 B); tiling it again right before the add costs
// a few nanoseconds of compute (the argument stays on chip: 64 B beside
// 1024 B).
// PROGRAM: remark: strata-map-memory 'late_read' (greedy, tiny): {{.*}}(non-compulsory 1024 B)
// SEQ-REMARK: remark: strata-map-memory 'late_read' (sequential (greedy)): 5 kernel runs, 0 recomputations, non-compulsory 1024 B
// JOINT-REMARK: remark: strata-map-memory 'late_read' (joint (heuristic)): 6 kernel runs, 1 recomputations, non-compulsory 0 B
// JOINT-REMARK: remark: strata-map-memory 'late_read' (greedy, joint, tiny): {{.*}}(non-compulsory 0 B)
// JOINT-LABEL: func.func @late_read
// JOINT: %[[ARG:.*]] = strata.prefetch %arg0
// JOINT: %[[U:.*]] = tosa.tile %[[ARG]]
// JOINT: %[[M1:.*]] = tosa.exp %[[U]]
// JOINT: %[[M2:.*]] = tosa.exp %[[M1]]
// JOINT: %[[M3:.*]] = tosa.exp %[[M2]]
// JOINT: %[[U2:.*]] = tosa.tile %[[ARG]], %{{.*}} {{{.*}}strata.recompute_of = "tosa.tile"}
// JOINT: tosa.add %[[U2]], %[[M3]]
// EXACT: remark: strata-map-memory 'late_read' (joint ({{highs|cbc}})): 6 kernel runs, 1 recomputations, non-compulsory 0 B {{.*}}; optimal, bound {{[0-9]+}} B, gap 0.0%
func.func @late_read(%x: tensor<1x16xf32>) -> tensor<1x128xf32> {
  %m = tosa.const_shape {values = dense<[1, 8]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %u = tosa.tile %x, %m : (tensor<1x16xf32>, !tosa.shape<2>) -> tensor<1x128xf32>
  %m1 = tosa.exp %u : (tensor<1x128xf32>) -> tensor<1x128xf32>
  %m2 = tosa.exp %m1 : (tensor<1x128xf32>) -> tensor<1x128xf32>
  %m3 = tosa.exp %m2 : (tensor<1x128xf32>) -> tensor<1x128xf32>
  %e = tosa.add %u, %m3 : (tensor<1x128xf32>, tensor<1x128xf32>) -> tensor<1x128xf32>
  return %e : tensor<1x128xf32>
}

}
