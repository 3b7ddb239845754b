// RUN: not strata-opt %s -p 'builtin.module(func.func(strata-estimate-costs{cost-model=oracle}))' 2>&1 | FileCheck %s --check-prefix=MODEL
// RUN: not strata-opt %s -p 'builtin.module(func.func(strata-estimate-costs{cost-model=roofline:x}))' 2>&1 | FileCheck %s --check-prefix=SUFFIX
// RUN: not strata-opt %s -p 'builtin.module(func.func(strata-estimate-costs{cost-model=learned:}))' 2>&1 | FileCheck %s --check-prefix=NOFILE
// RUN: not strata-opt %s -p 'builtin.module(func.func(strata-estimate-costs{cost-model=learned:%S/Inputs/absent-model.json}))' 2>&1 | FileCheck %s --check-prefix=ABSENTMODEL
// RUN: not strata-opt %s -p 'builtin.module(func.func(strata-estimate-costs{target=tpu-v9}))' 2>&1 | FileCheck %s --check-prefix=TARGET
// RUN: not strata-opt %s -p 'builtin.module(func.func(strata-estimate-costs{target=npu-sram:sram=huge}))' 2>&1 | FileCheck %s --check-prefix=SETTING
// RUN: not strata-opt %s -p 'builtin.module(func.func(strata-estimate-costs{target=%S/Inputs/bad-order.json}))' 2>&1 | FileCheck %s --check-prefix=ORDER
// RUN: not strata-opt %s -p 'builtin.module(func.func(strata-estimate-costs{target=%S/Inputs/missing-field.json}))' 2>&1 | FileCheck %s --check-prefix=FIELD
// RUN: not strata-opt %s -p 'builtin.module(func.func(strata-estimate-costs{target=%S/Inputs/truncated.json}))' 2>&1 | FileCheck %s --check-prefix=TRUNC
// RUN: not strata-opt %s -p 'builtin.module(func.func(strata-estimate-costs{target=%S/Inputs/absent.json}))' 2>&1 | FileCheck %s --check-prefix=ABSENT
// RUN: not strata-opt %s -p 'builtin.module(func.func(strata-estimate-costs))' --split-input-file 2>&1 | FileCheck %s --check-prefix=DYN

// MODEL: error: unknown cost model 'oracle'; available: 'roofline', 'learned', 'learned:FILE', 'measured'
// SUFFIX: error: unknown cost model 'roofline:x'; available:
// NOFILE: error: unknown cost model 'learned:'; available:
// ABSENTMODEL: error: cannot read model '{{.*}}absent-model.json': No such file or directory
// TARGET: error: unknown target 'tpu-v9'; built-in targets are 'host-cpu', 'cuda-sm90', 'npu-sram'; or give a path to a JSON file
// SETTING: error: invalid size 'huge' for 'sram' of target 'npu-sram'; expected a positive number of bytes, KiB or MiB
// ORDER: bad-order.json:0:0: error: target 'bad' must list tiers fastest first, but tier 'sram' has a higher bandwidth than tier 'dram'
// FIELD: missing-field.json:0:0: error: invalid target description: missing value at target.tiers[0].bandwidth
// TRUNC: truncated.json:0:0: error: invalid JSON in target description:
// ABSENT: error: cannot read target description '{{.*}}absent.json'
// ABSENT: error: cannot load target '{{.*}}absent.json'
func.func @f(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = tosa.exp %a : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// DYN: error: cannot estimate the cost of this op: it needs static shapes
func.func @dynamic(%a: tensor<?xf32>) -> tensor<?xf32> {
  %0 = tosa.exp %a : (tensor<?xf32>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}
