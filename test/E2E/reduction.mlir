// Two reductions over different axes, two results, in pre-built groups.
// Reference computed by NumPy.
// RUN: strata-run %s --input=%S/Inputs/reduce_x.npy --check=%S/Inputs/reduce_sum_ref.npy --check=%S/Inputs/reduce_max_ref.npy --rtol=1e-5 --atol=1e-6 --report | FileCheck %s

// CHECK: output #0: 2x8x1xf32
// CHECK: output #1: 2x1x16xf32
// CHECK: check #0: {{.*}}: ok
// CHECK: check #1: {{.*}}: ok
// CHECK: kernel groups: 2 (row_sum, col_max)
// Both results stay live to the end: 64 B + 128 B.
// CHECK: peak memory: 192 B of activations, reached at kernel 'col_max'
// Compile time is split into its parts.
// CHECK: compile time: {{[0-9.]+ m?s}} (kernel formation {{[0-9.]+ [mu]?s}}, lowering {{[0-9.]+ [mu]?s}}, LLVM {{[0-9.]+ [mu]?s}})
func.func @reduce(%x: tensor<2x8x16xf32>) -> (tensor<2x8x1xf32>, tensor<2x1x16xf32>) {
  %0 = strata.group(%a = %x) : (tensor<2x8x16xf32>) -> tensor<2x8x1xf32> attributes {name = "row_sum"} {
    %s = tosa.reduce_sum %a {axis = 2 : i32} : (tensor<2x8x16xf32>) -> tensor<2x8x1xf32>
    strata.yield %s : tensor<2x8x1xf32>
  }
  %1 = strata.group(%a = %x) : (tensor<2x8x16xf32>) -> tensor<2x1x16xf32> attributes {name = "col_max"} {
    %m = tosa.reduce_max %a {axis = 1 : i32} : (tensor<2x8x16xf32>) -> tensor<2x1x16xf32>
    strata.yield %m : tensor<2x1x16xf32>
  }
  return %0, %1 : tensor<2x8x1xf32>, tensor<2x1x16xf32>
}
