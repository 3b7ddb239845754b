// RUN: not strata-opt %s -p 'builtin.module(func.func(strata-schedule{algorithm=random}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=ALGO
// ALGO: for the --algorithm option: Cannot find option named 'random'!
// ALGO: failed to add `strata-schedule` with options `algorithm=random`
// RUN: not strata-opt %s -p 'builtin.module(func.func(strata-schedule{max-states=0}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=LIMITS
// LIMITS: error: strata-schedule: time-limit must not be negative and max-states must be positive
// RUN: not strata-opt %s --split-input-file -p 'builtin.module(func.func(strata-schedule))' -o /dev/null 2>&1 | FileCheck %s

func.func @ok(%a: tensor<4xf32>) -> tensor<4xf32> {
  return %a : tensor<4xf32>
}

// -----

func.func @effects(%a: tensor<4xf32>, %m: memref<4xf32>) -> tensor<4xf32> {
  // CHECK: error: strata-schedule: cannot move or clone kernels of a function with side effects
  bufferization.materialize_in_destination %a in writable %m : (tensor<4xf32>, memref<4xf32>) -> ()
  return %a : tensor<4xf32>
}

// -----

func.func @dynamic(%a: tensor<?xf32>) -> tensor<?xf32> {
  // CHECK: error: kernel graph needs static shapes, but value has type 'tensor<?xf32>'
  %0 = tosa.exp %a : (tensor<?xf32>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}
