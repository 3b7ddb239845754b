// RUN: not strata-opt %s -p 'builtin.module(func.func(strata-remat))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=NOBUDGET
// NOBUDGET: error: strata-remat: give budget=BYTES or budget=NN%
// RUN: not strata-opt %s -p 'builtin.module(func.func(strata-remat{budget=lots}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=BUDGET
// BUDGET: error: strata-remat: budget must be BYTES or NN%, got 'lots'
// RUN: not strata-opt %s -p 'builtin.module(func.func(strata-remat{budget=50% solver=magic}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=SOLVER
// SOLVER: for the --solver option: Cannot find option named 'magic'!
// SOLVER: failed to add `strata-remat` with options `budget=50% solver=magic`
// RUN: not strata-opt %s -p 'builtin.module(func.func(strata-remat{budget=50% solver=cp time-limit=0}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=LIMITS
// RUN: not strata-opt %s -p 'builtin.module(func.func(strata-remat{budget=50% solver=cp max-recomputations=0}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=LIMITS
// LIMITS: error: strata-remat: time-limit must be positive and max-recomputations at least 1
// RUN: not strata-opt %s -p 'builtin.module(func.func(strata-remat{budget=50% pilot=-1}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=PILOT
// PILOT: error: strata-remat: pilot must not be negative
// RUN: not strata-opt %s -p 'builtin.module(func.func(strata-remat{budget=50% target=nope}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=TARGET
// TARGET: error: {{.*}}nope
// RUN: not strata-opt %s --split-input-file -p 'builtin.module(func.func(strata-remat{budget=50%}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=SPLIT

func.func @ok(%a: tensor<4xf32>) -> tensor<4xf32> {
  return %a : tensor<4xf32>
}

// -----

func.func @effects(%a: tensor<4xf32>, %m: memref<4xf32>) -> tensor<4xf32> {
  // SPLIT: error: strata-remat: cannot move or clone kernels of a function with side effects
  bufferization.materialize_in_destination %a in writable %m : (tensor<4xf32>, memref<4xf32>) -> ()
  return %a : tensor<4xf32>
}

// -----

func.func @dynamic(%a: tensor<?xf32>) -> tensor<?xf32> {
  // SPLIT: error: kernel graph needs static shapes, but value has type 'tensor<?xf32>'
  %0 = tosa.exp %a : (tensor<?xf32>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}
