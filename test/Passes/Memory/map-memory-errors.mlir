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
