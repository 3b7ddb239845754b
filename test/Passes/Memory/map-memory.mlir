// RUN: strata-opt %s -p 'builtin.module(func.func(strata-map-memory))' 2>/dev/null | FileCheck %s
// RUN: strata-opt %s -p 'builtin.module(func.func(strata-map-memory))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=REMARK
// RUN: strata-opt %s -p 'builtin.module(func.func(strata-map-memory{copies=false}))' 2>/dev/null | FileCheck %s --check-prefix=NOCOPY
// RUN: strata-opt %s -p 'builtin.module(func.func(strata-map-memory{copies=false}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=NOCOPY-REMARK
// RUN: strata-opt %s -p 'builtin.module(func.func(strata-map-memory{algorithm=dram}))' 2>/dev/null | FileCheck %s --check-prefix=DRAM
// RUN: strata-opt %s -p 'builtin.module(func.func(strata-map-memory{algorithm=dram}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=DRAM-REMARK
// RUN: strata-opt %s -p 'builtin.module(func.func(strata-map-memory{alignment=256}))' 2>/dev/null | FileCheck %s --check-prefix=ALIGN
// The exact mapper proves the greedy plan of the skip graph optimal.
// RUN: strata-opt %s -p 'builtin.module(func.func(strata-map-memory{algorithm=ilp}))' -o %t.ilp.mlir 2>&1 | FileCheck %s --check-prefix=ILP
// ILP: remark: strata-map-memory 'skip' (ilp, cbc): optimal, non-compulsory 800 B, bound 800 B, gap 0.0%, {{[0-9]+}} variables, {{[0-9]+}} constraints
// ILP: remark: strata-map-memory 'skip' (ilp, tiny): {{.*}}; off-chip 1600 B (non-compulsory 800 B)
// RUN: strata-opt %t.ilp.mlir -p 'builtin.module(func.func(strata-verify-memory-plan))' -o /dev/null
// The plan prints, parses back and passes the verifier; mapping is
// deterministic.
// RUN: strata-opt %s -p 'builtin.module(func.func(strata-map-memory))' -o %t.mlir
// RUN: strata-opt %t.mlir -p 'builtin.module(func.func(strata-verify-memory-plan))' -o %t2.mlir
// RUN: strata-opt %s -p 'builtin.module(func.func(strata-map-memory))' | cmp - %t.mlir

// A skip connection (%0, read by the concat and by the two final adds)
// across two 800 B values. The 1664 B scratchpad holds both 800 B values but
// not the skip value beside them, so the skip value is evicted after its
// first use and prefetched once, right before the adds (one reload instead
// of two reads). The argument's single read is not prefetched: nothing
// runs before it to hide the copy. The result is evicted to DRAM, where
// results live.
module attributes {strata.target = #strata.target<name = "tiny",
    units = [#strata.unit<name = "engine", count = 1, matrix_flops = 1.0e+9, vector_flops = 1.0e+8>],
    tiers = [#strata.tier<name = "sram", capacity = 1664, bandwidth = 1.0e+12>,
             #strata.tier<name = "dram", capacity = 1048576, bandwidth = 1.0e+9>]>} {

// REMARK: remark: strata-map-memory 'skip' (greedy, tiny): sram arena 1632 B of 1664 B, dram arena 400 B; 1 prefetches, 2 evictions; 0 results only in dram; off-chip 1600 B (non-compulsory 800 B), 7200 B with everything in dram
// CHECK-LABEL: func.func @skip
// CHECK-SAME: strata.arenas = {dram = 400 : i64, sram = 1632 : i64}
// CHECK-NOT: strata.prefetch %arg0
// CHECK: %[[E0:.*]] = tosa.exp %arg0 {strata.placement = [#strata.placement<tier = "sram", offset = 832, alignment = 64>]}
// CHECK: %[[CAT:.*]] = tosa.concat %[[E0]], %[[E0]] {axis = 0 : i32, strata.placement = [#strata.placement<tier = "sram", offset = 0, alignment = 64>]}
// CHECK: %[[OUT:.*]] = strata.evict %[[E0]] : tensor<100xf32> to #strata.placement<tier = "dram", offset = 0, alignment = 64>
// CHECK: tosa.exp %[[CAT]] {strata.placement = [#strata.placement<tier = "sram", offset = 832, alignment = 64>]}
// CHECK: %[[SL:.*]] = tosa.slice
// CHECK: %[[BACK:.*]] = strata.prefetch %[[OUT]] : tensor<100xf32> to #strata.placement<tier = "sram", offset = 896, alignment = 64>
// CHECK: %[[SUM:.*]] = tosa.add %[[SL]], %[[BACK]] {strata.placement = [#strata.placement<tier = "sram", offset = 448, alignment = 64>]}
// CHECK: %[[SUM2:.*]] = tosa.add %[[SUM]], %[[BACK]] {strata.placement = [#strata.placement<tier = "sram", offset = 0, alignment = 64>]}
// CHECK: %[[RES:.*]] = strata.evict %[[SUM2]] : tensor<100xf32> to #strata.placement<tier = "dram", offset = 0, alignment = 64>
// CHECK: return %[[RES]]

// Without copies the skip value and the result live in DRAM throughout.
// NOCOPY-REMARK: remark: strata-map-memory 'skip' (greedy, no copies, tiny): sram arena 1632 B of 1664 B, dram arena 848 B; 0 prefetches, 0 evictions; 2 results only in dram; off-chip 2400 B (non-compulsory 1600 B)
// NOCOPY-LABEL: func.func @skip
// NOCOPY-NOT: strata.prefetch
// NOCOPY: tosa.exp %arg0 {strata.placement = [#strata.placement<tier = "dram", offset = 0, alignment = 64>]}
// NOCOPY-NOT: strata.evict
// NOCOPY: return

// DRAM-REMARK: remark: strata-map-memory 'skip' (dram, tiny): sram arena 0 B of 1664 B, dram arena 2064 B; 0 prefetches, 0 evictions; 6 results only in dram; off-chip 7200 B (non-compulsory 6400 B), 7200 B with everything in dram
// DRAM-LABEL: func.func @skip
// DRAM-NOT: tier = "sram"
// DRAM: return

// ALIGN: offset = 256, alignment = 256
// ALIGN-NOT: offset = 64,
func.func @skip(%x: tensor<100xf32>) -> tensor<100xf32> {
  %start = tosa.const_shape {values = dense<0> : tensor<1xindex>} : () -> !tosa.shape<1>
  %size = tosa.const_shape {values = dense<100> : tensor<1xindex>} : () -> !tosa.shape<1>
  %0 = tosa.exp %x : (tensor<100xf32>) -> tensor<100xf32>
  %1 = tosa.concat %0, %0 {axis = 0 : i32} : (tensor<100xf32>, tensor<100xf32>) -> tensor<200xf32>
  %2 = tosa.exp %1 : (tensor<200xf32>) -> tensor<200xf32>
  %3 = tosa.slice %2, %start, %size : (tensor<200xf32>, !tosa.shape<1>, !tosa.shape<1>) -> tensor<100xf32>
  %4 = tosa.add %3, %0 : (tensor<100xf32>, tensor<100xf32>) -> tensor<100xf32>
  %5 = tosa.add %4, %0 : (tensor<100xf32>, tensor<100xf32>) -> tensor<100xf32>
  return %5 : tensor<100xf32>
}

// A weight (constant) read through a reshape: its prefetch hides behind the
// first kernel, so the constant moves up to it and the reshape is rebuilt
// over the copy.
// CHECK-LABEL: func.func @weights
// CHECK: %[[W:.*]] = "tosa.const"
// CHECK: %[[WS:.*]] = strata.prefetch %[[W]] : tensor<2x4xf32>
// CHECK: %[[V:.*]] = tosa.reshape %[[WS]]
// CHECK: tosa.add %{{.*}}, %[[V]]
func.func @weights(%x: tensor<8xf32>) -> tensor<8xf32> {
  %0 = tosa.exp %x : (tensor<8xf32>) -> tensor<8xf32>
  %w = "tosa.const"() {values = dense<1.0> : tensor<2x4xf32>} : () -> tensor<2x4xf32>
  %s = tosa.const_shape {values = dense<8> : tensor<1xindex>} : () -> !tosa.shape<1>
  %v = tosa.reshape %w, %s : (tensor<2x4xf32>, !tosa.shape<1>) -> tensor<8xf32>
  %1 = tosa.add %0, %v : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  return %1 : tensor<8xf32>
}
}
