// RUN: strata-opt %s -p 'builtin.module(strata-simulate)' -mlir-print-op-on-diagnostic=false -o /dev/null 2>&1 | FileCheck %s --check-prefix=PLAIN
// RUN: strata-opt %s -p 'builtin.module(func.func(strata-map-memory),strata-simulate)' -mlir-print-op-on-diagnostic=false -o /dev/null 2>&1 | FileCheck %s --check-prefix=MAPPED
// RUN: strata-opt %s -p 'builtin.module(func.func(strata-map-memory),strata-simulate{format=json trace=%t.trace.json})' -o /dev/null 2>/dev/null | FileCheck %s --check-prefix=JSON
// RUN: FileCheck %s --check-prefix=TRACE < %t.trace.json
// RUN: not strata-opt %s -p 'builtin.module(strata-simulate{format=xml})' -o /dev/null 2>&1 | FileCheck %s --check-prefix=FORMAT
// FORMAT: for the --format option: Cannot find option named 'xml'!
// RUN: not strata-opt %s -p 'builtin.module(func.func(strata-map-memory),strata-simulate{trace=/nonexistent/dir/t.json})' -o /dev/null 2>&1 | FileCheck %s --check-prefix=TRACEERR
// TRACEERR: error: strata-simulate: cannot write the trace:

// The skip graph of map-memory.mlir. Unplanned, everything is in DRAM: each
// kernel reads and writes DRAM (7200 B off chip, 800 B of it compulsory:
// the argument read and the result written once).
// PLAIN: remark: strata-simulate 'skip' on tiny (no plan: everything in dram): {{[0-9.]+}} us (kernels {{[0-9.]+}} us, waiting for copies 0.000 us); off-chip 7200 B = 800 B compulsory + 6400 B non-compulsory; 0 copies moved 0 B
// Mapped: only the skip value's eviction and reload are non-compulsory.
// MAPPED: remark: strata-simulate 'skip' on tiny (tier plan): {{[0-9.]+}} us (kernels {{[0-9.]+}} us, waiting for copies {{[0-9.]+}} us); off-chip 1600 B = 800 B compulsory + 800 B non-compulsory; 3 copies moved 1200 B
// JSON: {"arena_bytes":{"dram":400,"sram":1632},"compulsory_bytes":800,"copy_bytes":1200,"function":"skip","kernel_seconds":{{.*}},"non_compulsory_bytes":800,"num_copies":3,"num_kernels":6,"offchip_bytes":1600,"planned":true,"stall_seconds":{{.*}},"target":"tiny","total_seconds":{{.*}},"unavoidable_bytes":0}
// TRACE: "traceEvents"
// TRACE-DAG: "name":"compute"
// TRACE-DAG: "name":"sram <-> dram"
// TRACE-DAG: "name":"prefetch 400 B to sram"
// TRACE-DAG: "name":"evict 400 B to dram"
// TRACE-DAG: "name":"tosa.concat"
module attributes {strata.target = #strata.target<name = "tiny",
    units = [#strata.unit<name = "engine", count = 1, matrix_flops = 1.0e+9, vector_flops = 1.0e+8>],
    tiers = [#strata.tier<name = "sram", capacity = 1664, bandwidth = 1.0e+12>,
             #strata.tier<name = "dram", capacity = 1048576, bandwidth = 1.0e+9>]>} {
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
}
