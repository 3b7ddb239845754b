// RUN: not strata-opt %s -p 'builtin.module(func.func(strata-map-memory{target=npu-sram algorithm=magic}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=ALGO
// ALGO: for the --algorithm option: Cannot find option named 'magic'!
// ALGO: failed to add `strata-map-memory` with options `target=npu-sram algorithm=magic`
// RUN: not strata-opt %s -p 'builtin.module(func.func(strata-map-memory{target=npu-sram alignment=48}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=ALIGN
// ALIGN: error: strata-map-memory: alignment must be a power of two, got 48
// RUN: not strata-opt %s -p 'builtin.module(func.func(strata-map-memory{target=npu-sram algorithm=ilp time-limit=0}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=LIMIT
// LIMIT: error: strata-map-memory: time-limit must be positive
// RUN: not strata-opt %s -p 'builtin.module(func.func(strata-map-memory{target=nope}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=TARGET
// TARGET: error: {{.*}}nope
// RUN: not strata-opt %s -p 'builtin.module(func.func(strata-map-memory{target=npu-sram cost-model=oracle}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=MODEL
// MODEL: error: {{.*}}oracle
// RUN: not strata-opt %s -p 'builtin.module(func.func(strata-map-memory{target=npu-sram planner=joint algorithm=dram}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=PLANDRAM
// PLANDRAM: error: strata-map-memory: planner=joint needs algorithm=greedy or algorithm=ilp
// RUN: not strata-opt %s -p 'builtin.module(func.func(strata-map-memory{target=npu-sram planner=sequential copies=false}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=PLANCOPY
// PLANCOPY: error: strata-map-memory: planner=sequential plans with copies; drop copies=false
// RUN: not strata-opt %s -p 'builtin.module(func.func(strata-map-memory{target=npu-sram planner=joint joint-recomputations=-1}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=PLANRUNS
// PLANRUNS: error: strata-map-memory: joint-recomputations must be at least 0
// RUN: not strata-opt %s -p 'builtin.module(func.func(strata-map-memory{target=npu-sram planner=best}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=PLANNAME
// PLANNAME: for the --planner option: Cannot find option named 'best'!
// RUN: not strata-opt %s --split-input-file -p 'builtin.module(func.func(strata-map-memory{target=npu-sram planner=joint}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=JOINT
// Mapping an already mapped function is an error; errors in bodies are
// located.
// RUN: not strata-opt %s --split-input-file -p 'builtin.module(func.func(strata-map-memory{target=npu-sram}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=SPLIT

func.func @mapped(%a: tensor<4xf32>) -> tensor<4xf32> {
  // SPLIT: error: strata-map-memory: function 'mapped' already has a tier plan (strata-verify-memory-plan checks it)
  %0 = strata.evict %a : tensor<4xf32> to #strata.placement<tier = "dram", offset = 0, alignment = 64>
  return %0 : tensor<4xf32>
}

// -----

func.func @dynamic(%a: tensor<?xf32>) -> tensor<?xf32> {
  // SPLIT: error: kernel graph needs static shapes, but value has type 'tensor<?xf32>'
  %0 = tosa.exp %a : (tensor<?xf32>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

// planner=sequential|joint move and clone kernels.
func.func @effects(%a: tensor<4xf32>, %m: memref<4xf32>) -> tensor<4xf32> {
  // JOINT: error: strata-map-memory: cannot move or clone kernels of a function with side effects
  bufferization.materialize_in_destination %a in writable %m : (tensor<4xf32>, memref<4xf32>) -> ()
  return %a : tensor<4xf32>
}
