// RUN: strata-opt %s -p 'builtin.module(func.func(strata-schedule{algorithm=program}))' 2>&1 | FileCheck %s --check-prefix=PROGRAM
// RUN: strata-opt %s -p 'builtin.module(func.func(strata-schedule))' 2>&1 | FileCheck %s --check-prefix=GREEDY
// RUN: strata-opt %s -p 'builtin.module(func.func(strata-schedule{algorithm=exact}))' 2>&1 | FileCheck %s --check-prefix=EXACT
// RUN: strata-opt %s -p 'builtin.module(func.func(strata-schedule{algorithm=exact}),strata-memory-report)' -o /dev/null 2>&1 | FileCheck %s --check-prefix=REPORT
// RUN: strata-opt %s -p 'builtin.module(func.func(strata-schedule{algorithm=exact}))' -o %t.1.mlir
// RUN: strata-opt %s -p 'builtin.module(func.func(strata-schedule{algorithm=exact}))' -o %t.2.mlir
// RUN: cmp %t.1.mlir %t.2.mlir

// Two independent chains: a big value (4 KiB) read by a small one (16 B).
// In program order both big values are live at once.
// PROGRAM: remark: strata-schedule 'chains' (program, program): peak 8208 B -> 8208 B
// GREEDY: remark: strata-schedule 'chains' (greedy, list): peak 8208 B -> 4128 B
// EXACT: remark: strata-schedule 'chains' (exact, {{.*}}): peak 8208 B -> 4128 B; optimal, bound 4128 B, gap 0.0%
// REPORT: remark: function 'chains': peak 4128 B

// The scheduled body finishes one chain before starting the other; the
// shape operand of the reduction moves with its user.
// GREEDY-LABEL: func.func @chains
// GREEDY:      %[[A:.*]] = tosa.exp %arg0
// GREEDY-NEXT: %[[RA:.*]] = tosa.reduce_sum %[[A]]
// GREEDY-NEXT: %[[B:.*]] = tosa.exp %arg1
// GREEDY-NEXT: %[[RB:.*]] = tosa.reduce_sum %[[B]]
// GREEDY-NEXT: return %[[RA]], %[[RB]]
func.func @chains(%a: tensor<4x256xf32>, %b: tensor<4x256xf32>) -> (tensor<4x1xf32>, tensor<4x1xf32>) {
  %0 = tosa.exp %a : (tensor<4x256xf32>) -> tensor<4x256xf32>
  %1 = tosa.exp %b : (tensor<4x256xf32>) -> tensor<4x256xf32>
  %2 = tosa.reduce_sum %0 {axis = 1 : i32} : (tensor<4x256xf32>) -> tensor<4x1xf32>
  %3 = tosa.reduce_sum %1 {axis = 1 : i32} : (tensor<4x256xf32>) -> tensor<4x1xf32>
  return %2, %3 : tensor<4x1xf32>, tensor<4x1xf32>
}
