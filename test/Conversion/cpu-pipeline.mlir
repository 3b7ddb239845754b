// RUN: strata-opt %s -p 'builtin.module(strata-cpu-pipeline)' | FileCheck %s
// RUN: strata-opt %s -p 'builtin.module(strata-cpu-pipeline{group-ops=true})' | FileCheck %s --check-prefix=GROUPED
// The pipeline is deterministic.
// RUN: strata-opt %s -p 'builtin.module(strata-cpu-pipeline{group-ops=true})' > %t.1
// RUN: strata-opt %s -p 'builtin.module(strata-cpu-pipeline{group-ops=true})' > %t.2
// RUN: cmp %t.1 %t.2

// Each group becomes one kernel function called from the entry; results are
// caller-allocated out-parameters (the entry returns nothing).
// CHECK-LABEL: llvm.func @f(
// CHECK-NOT: -> !llvm.struct
// CHECK: llvm.call @f_exp(
// CHECK-NOT: tosa.
// Kernels are never inlined into their caller (strata-keep-kernels-outlined).
// CHECK: llvm.func @f_exp(
// CHECK-SAME: attributes {no_inline, strata.kernel, sym_visibility = "private"}
// f32 exp is a vectorized polynomial (strata-approximate-math), not the
// intrinsic LLVM would scalarize into libm calls.
// CHECK-NOT: llvm.intr.exp
// CHECK: llvm.fmul {{.*}} : vector<4xf32>
// CHECK-NOT: llvm.intr.exp
// CHECK: llvm.return

// Without group-ops the ungrouped add is lowered inline; with it, it is a
// kernel of its own.
// GROUPED-LABEL: llvm.func @f(
// GROUPED-DAG: llvm.call @f_exp(
// GROUPED-DAG: llvm.call @f_add(
// GROUPED-DAG: llvm.func @f_add(
func.func @f(%a: tensor<4x4xf32>, %b: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %0 = strata.group(%x = %a) : (tensor<4x4xf32>) -> tensor<4x4xf32> attributes {name = "exp"} {
    %1 = tosa.exp %x : (tensor<4x4xf32>) -> tensor<4x4xf32>
    strata.yield %1 : tensor<4x4xf32>
  }
  %2 = tosa.add %0, %b : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  return %2 : tensor<4x4xf32>
}
