// One cost model for a whole pipeline: strata-set-cost-model records it on
// the module, and passes whose cost-model= is empty use it.
// RUN: strata-opt %s -p 'builtin.module(strata-set-cost-model{cost-model=learned},func.func(strata-group-ops,strata-estimate-costs))' 2>&1 | FileCheck %s
// CHECK: remark: function 'f': 2 kernels, {{.*}} (learned)
// CHECK: module attributes {strata.cost_model = "learned"}

// An explicit option still wins over the module's choice.
// RUN: strata-opt %s -p 'builtin.module(strata-set-cost-model{cost-model=learned},func.func(strata-group-ops,strata-estimate-costs{cost-model=roofline}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=EXPLICIT
// EXPLICIT: remark: function 'f': 2 kernels, {{.*}} (roofline)

// The pipelines take it as an option (and fuse=true partitions with it).
// RUN: strata-opt %s -p 'builtin.module(strata-cpu-pipeline{fuse=true cost-model=roofline})' | FileCheck %s --check-prefix=PIPELINE
// PIPELINE: module attributes {strata.cost_model = "roofline"}
// PIPELINE: llvm.func @f_add_exp(

// RUN: not strata-opt %s -p 'builtin.module(strata-set-cost-model{cost-model=oracle})' 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// UNKNOWN: error: unknown cost model 'oracle'
// RUN: not strata-opt %s -p 'builtin.module(strata-set-cost-model{cost-model=})' 2>&1 | FileCheck %s --check-prefix=EMPTY
// EMPTY: error: strata-set-cost-model: cost-model must not be empty
func.func @f(%a: tensor<64x64xf32>, %b: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %0 = tosa.add %a, %b : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32>
  %1 = tosa.exp %0 : (tensor<64x64xf32>) -> tensor<64x64xf32>
  return %1 : tensor<64x64xf32>
}
