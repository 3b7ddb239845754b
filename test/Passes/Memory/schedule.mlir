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

// The exact solver's limits: with one search state it keeps the greedy
// order and reports the proven bound and the gap.
// RUN: strata-opt %s -p 'builtin.module(func.func(strata-schedule{algorithm=exact max-states=1}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=LIMIT
// LIMIT: remark: strata-schedule 'wide' (exact, dp (limit reached; greedy order)): peak {{[0-9]+}} B -> [[PEAK:[0-9]+]] B; not proven optimal, bound {{[0-9]+}} B, gap {{[0-9.]+}}%, {{[0-9]+}} states
// RUN: strata-opt %s -p 'builtin.module(func.func(strata-schedule{algorithm=exact time-limit=0}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=TIME
// TIME: remark: strata-schedule 'wide' (exact, dp (limit reached; greedy order))

// Counting arguments (or constants) changes the peaks the scheduler sees,
// exactly as strata-memory-report counts them: in 'chains' both 4 KiB
// arguments are live until their readers, whatever the order.
// RUN: strata-opt %s -p 'builtin.module(func.func(strata-schedule{count-arguments=true}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=ARGS
// ARGS: remark: strata-schedule 'chains' (greedy, program): peak 12288 B -> 12288 B
// ARGS: remark: strata-schedule 'wide' (greedy, list): peak 1024 B -> 520 B
// RUN: strata-opt %s -p 'builtin.module(func.func(strata-schedule{count-constants=true}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=CONSTS
// CONSTS: remark: strata-schedule 'wide' (greedy, {{.*}}): peak {{[0-9]+}} B -> {{[0-9]+}} B

// Three independent chains of different sizes with a shared constant,
// summed into one result: the exact search needs more than one state (no
// bound proves the greedy order at once).
func.func @wide(%a: tensor<64xf32>) -> tensor<1xf32> {
  %w = arith.constant dense<2.0> : tensor<64xf32>
  %shift = arith.constant dense<0> : tensor<1xi8>
  %0 = tosa.mul %a, %w, %shift : (tensor<64xf32>, tensor<64xf32>, tensor<1xi8>) -> tensor<64xf32>
  %1 = tosa.exp %a : (tensor<64xf32>) -> tensor<64xf32>
  %2 = tosa.add %a, %w : (tensor<64xf32>, tensor<64xf32>) -> tensor<64xf32>
  %3 = tosa.reduce_sum %0 {axis = 0 : i32} : (tensor<64xf32>) -> tensor<1xf32>
  %4 = tosa.reduce_sum %1 {axis = 0 : i32} : (tensor<64xf32>) -> tensor<1xf32>
  %5 = tosa.reduce_sum %2 {axis = 0 : i32} : (tensor<64xf32>) -> tensor<1xf32>
  %6 = tosa.add %3, %4 : (tensor<1xf32>, tensor<1xf32>) -> tensor<1xf32>
  %7 = tosa.add %6, %5 : (tensor<1xf32>, tensor<1xf32>) -> tensor<1xf32>
  return %7 : tensor<1xf32>
}
