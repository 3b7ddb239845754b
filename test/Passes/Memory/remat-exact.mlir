// The exact solvers on the function of remat.mlir: both prove that
// recomputing %a (the cheapest way under 600 B) is optimal, and report
// objective, bound and gap; the rewritten IR is the greedy one.
// RUN: strata-opt %s -p 'builtin.module(func.func(strata-remat{budget=600 solver=cp cost-bound=false}))' 2>&1 | FileCheck %s --check-prefixes=CHECK,CP
// RUN: strata-opt %s -p 'builtin.module(func.func(strata-remat{budget=600 solver=milp cost-bound=false time-limit=30 seed=7}))' 2>&1 | FileCheck %s --check-prefixes=CHECK,MILP
// RUN: strata-opt %s -p 'builtin.module(func.func(strata-remat{budget=600 solver=cp cost-bound=false max-recomputations=1}),strata-memory-report)' -o /dev/null 2>&1 | FileCheck %s --check-prefix=REPORT
// RUN: not strata-opt %s -p 'builtin.module(func.func(strata-remat{budget=400 solver=cp cost-bound=false}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=CPINF
// RUN: not strata-opt %s -p 'builtin.module(func.func(strata-remat{budget=400 solver=milp cost-bound=false}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=MILPINF
// With the cost bound (the default) greedy's plan is proven optimal without
// a search, and the infeasible budget is proven by the bound.
// RUN: strata-opt %s -p 'builtin.module(func.func(strata-remat{budget=600 solver=cp}))' 2>&1 | FileCheck %s --check-prefixes=CHECK,BOUND
// RUN: not strata-opt %s -p 'builtin.module(func.func(strata-remat{budget=400 solver=milp}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=BOUNDINF

// CP: remark: strata-remat 'long' (cp (gecode)): peak 772 B -> 520 B within 600 B, 1 recomputation(s); optimal, objective [[COST:.*]], bound [[COST]], gap 0.0%
// MILP: remark: strata-remat 'long' (milp (cbc)): peak 772 B -> 520 B within 600 B, 1 recomputation(s); optimal, objective [[COST:.*]], bound [[COST]], gap 0.0%
// BOUND: remark: strata-remat 'long' (cp: the greedy plan, proven optimal by the cost bound): peak 772 B -> 520 B within 600 B, 1 recomputation(s); optimal, objective [[COST:.*]], bound [[COST]], gap 0.0%
// CHECK-LABEL: func.func @long
// CHECK:      %[[A:.*]] = tosa.exp %arg0
// CHECK:      %[[A2:.*]] = tosa.exp %arg0 {strata.recompute_of = "tosa.exp"}
// CHECK-NEXT: %[[Z:.*]] = tosa.add %[[A2]],
// REPORT: remark: function 'long': peak 520 B
// CPINF: error: strata-remat: budget 400 B is infeasible for 'long' (no plan with at most 2 recomputation(s) per node exists in the staged model): the lowest peak reached is 520 B (lower bound 520 B)
// MILPINF: error: strata-remat: budget 400 B is infeasible for 'long' (no plan exists in the staged model): the lowest peak reached is 520 B (lower bound 520 B)
// BOUNDINF: error: strata-remat: budget 400 B is infeasible for 'long' (no plan exists: the node at step {{[0-9]+}} of the order needs {{[0-9]+}} B live that no recomputation frees): the lowest peak reached is 520 B (lower bound 520 B)
func.func @long(%x: tensor<64xf32>) -> (tensor<64xf32>, tensor<1xf32>) {
  %a = tosa.exp %x : (tensor<64xf32>) -> tensor<64xf32>
  %b = tosa.reduce_sum %a {axis = 0 : i32} : (tensor<64xf32>) -> tensor<1xf32>
  %c = tosa.sigmoid %x : (tensor<64xf32>) -> tensor<64xf32>
  %d = tosa.tanh %c : (tensor<64xf32>) -> tensor<64xf32>
  %e = tosa.reduce_sum %d {axis = 0 : i32} : (tensor<64xf32>) -> tensor<1xf32>
  %z = tosa.add %a, %e : (tensor<64xf32>, tensor<1xf32>) -> tensor<64xf32>
  return %z, %b : tensor<64xf32>, tensor<1xf32>
}
