// A target with one tier: nothing to map, the IR is unchanged.
// RUN: strata-opt %s -p 'builtin.module(func.func(strata-map-memory{target=host-cpu}))' -mlir-print-op-on-diagnostic=false 2>&1 | FileCheck %s --check-prefix=ONE
// ONE: remark: strata-map-memory 'big': target 'host-cpu' has a single memory tier; nothing to map
// ONE-NOT: strata.placement
// A result larger than the scratchpad (4 KiB) stays in DRAM, with a remark
// at its kernel.
// RUN: strata-opt %s -p 'builtin.module(func.func(strata-map-memory{target=npu-sram:sram=4KiB}))' -mlir-print-op-on-diagnostic=false -o /dev/null 2>&1 | FileCheck %s --check-prefix=LARGE
// LARGE: :[[# @LINE + 4]]:8: remark: strata-map-memory: a result of 8192 B does not fit in 'sram' (4096 B); placed in 'dram'
// LARGE: remark: strata-map-memory 'big' (greedy, npu-sram): {{.*}}; 1 results only in dram;

func.func @big(%a: tensor<2048xf32>) -> tensor<16xf32> {
  %0 = tosa.exp %a : (tensor<2048xf32>) -> tensor<2048xf32>
  %s = tosa.const_shape {values = dense<[128, 16]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %1 = tosa.reshape %0, %s : (tensor<2048xf32>, !tosa.shape<2>) -> tensor<128x16xf32>
  %2 = tosa.reduce_sum %1 {axis = 0 : i32} : (tensor<128x16xf32>) -> tensor<1x16xf32>
  %t = tosa.const_shape {values = dense<16> : tensor<1xindex>} : () -> !tosa.shape<1>
  %3 = tosa.reshape %2, %t : (tensor<1x16xf32>, !tosa.shape<1>) -> tensor<16xf32>
  return %3 : tensor<16xf32>
}


// A function without kernels gets an empty plan.
// RUN: strata-opt %s -p 'builtin.module(func.func(strata-map-memory{target=npu-sram algorithm=dram}))' -mlir-print-op-on-diagnostic=false -o /dev/null 2>&1 | FileCheck %s --check-prefix=EMPTY
// EMPTY: remark: strata-map-memory 'empty' (dram, npu-sram): sram arena 0 B of 1048576 B, dram arena 0 B; 0 prefetches, 0 evictions; 0 results only in dram; off-chip 0 B (non-compulsory 0 B), 0 B with everything in dram
func.func @empty(%a: tensor<4xf32>) -> tensor<4xf32> {
  return %a : tensor<4xf32>
}
