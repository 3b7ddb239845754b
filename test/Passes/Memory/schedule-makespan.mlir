// RUN: strata-opt %s -p 'builtin.module(func.func(strata-schedule{objective=makespan target=%S/Inputs/two-units.json}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=REMARK
// RUN: strata-opt %s -p 'builtin.module(func.func(strata-schedule{objective=makespan target=%S/Inputs/two-units.json}))' 2>/dev/null | FileCheck %s
// RUN: strata-opt %s -p 'builtin.module(func.func(strata-schedule{objective=makespan target=host-cpu}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=HOST
// RUN: strata-opt %s -p 'builtin.module(func.func(strata-schedule{objective=makespan target=host-cpu}))' 2>/dev/null | FileCheck %s --check-prefix=HOSTIR
// RUN: not strata-opt %s -p 'builtin.module(func.func(strata-schedule{objective=time}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=OBJECTIVE
// RUN: not strata-opt %s -p 'builtin.module(func.func(strata-schedule{objective=makespan target=nope}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=TARGET
// RUN: not strata-opt %s -p 'builtin.module(func.func(strata-schedule{objective=makespan cost-model=magic}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=COSTMODEL
// RUN: strata-opt %s -p 'builtin.module(func.func(strata-schedule{objective=makespan target=%S/Inputs/two-units.json}))' -o %t.1.mlir
// RUN: strata-opt %s -p 'builtin.module(func.func(strata-schedule{objective=makespan target=%S/Inputs/two-units.json}))' -o %t.2.mlir
// RUN: cmp %t.1.mlir %t.2.mlir

// A matmul and an elementwise chain. On two-units.json the matmul is fast
// only on the matrix unit (mxu) and the elementwise kernels only on the two
// vector units (vpu); HEFT puts each where it finishes first and runs the
// independent exp and sigmoid on different vector units.
// REMARK: remark: strata-schedule 'branches' (makespan, heft on two-units): 5 kernel(s) on 3 of 3 unit(s), makespan [[M:.*]] s (one unit: [[ONE:.*]] s)
// CHECK-LABEL: func.func @branches
// CHECK-NEXT: tosa.matmul {{.*}}{strata.unit = "mxu:0"}
// CHECK-NEXT: tosa.exp {{.*}}{strata.unit = "vpu:0"}
// CHECK-NEXT: tosa.sigmoid {{.*}}{strata.unit = "vpu:1"}
// CHECK-NEXT: tosa.tanh {{.*}}{strata.unit = "vpu:0"}
// CHECK-NEXT: tosa.add {{.*}}{strata.unit = "vpu:0"}
// CHECK-NEXT: return

// host-cpu has one core: everything runs there, back to back.
// HOST: remark: strata-schedule 'branches' (makespan, heft on host-cpu): 5 kernel(s) on 1 of 1 unit(s)
// HOSTIR-COUNT-5: strata.unit = "core:0"

// OBJECTIVE: for the --objective option: Cannot find option named 'time'!
// TARGET: error: {{.*}}nope
// COSTMODEL: error: {{.*}}magic
func.func @branches(%x: tensor<1x256x256xf32>, %w: tensor<1x256x256xf32>, %zp: tensor<1xf32>) -> (tensor<1x256x256xf32>, tensor<1x256x256xf32>) {
  %m = tosa.matmul %x, %w, %zp, %zp : (tensor<1x256x256xf32>, tensor<1x256x256xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x256x256xf32>
  %a = tosa.exp %x : (tensor<1x256x256xf32>) -> tensor<1x256x256xf32>
  %b = tosa.tanh %a : (tensor<1x256x256xf32>) -> tensor<1x256x256xf32>
  %c = tosa.sigmoid %x : (tensor<1x256x256xf32>) -> tensor<1x256x256xf32>
  %d = tosa.add %b, %c : (tensor<1x256x256xf32>, tensor<1x256x256xf32>) -> tensor<1x256x256xf32>
  return %m, %d : tensor<1x256x256xf32>, tensor<1x256x256xf32>
}
