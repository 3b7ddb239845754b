// strata-choose-lowering's candidates: the cycle model ranks every register
// tile the vector unit holds; `candidate=` takes one by rank (0: the
// cycle model's pick, the default `analytic` choice; past the last: the
// last), which is how strata-cost collect times other tilings. The
// `learned` and `measured` cost models pick among the same candidates.
// RUN: strata-opt %S/Inputs/matmul-kernel.mlir -p 'builtin.module(func.func(strata-choose-lowering{vector-bits=512}))' | FileCheck %s --check-prefix=RANK0
// RUN: strata-opt %S/Inputs/matmul-kernel.mlir -p 'builtin.module(func.func(strata-choose-lowering{vector-bits=512 candidate=0}))' | FileCheck %s --check-prefix=RANK0
// RUN: strata-opt %S/Inputs/matmul-kernel.mlir -p 'builtin.module(func.func(strata-choose-lowering{vector-bits=512 candidate=1}))' | FileCheck %s --check-prefix=RANK1
// RUN: strata-opt %S/Inputs/matmul-kernel.mlir -p 'builtin.module(func.func(strata-choose-lowering{vector-bits=512 candidate=3}))' | FileCheck %s --check-prefix=RANK3
// RUN: strata-opt %S/Inputs/matmul-kernel.mlir -p 'builtin.module(func.func(strata-choose-lowering{vector-bits=512 candidate=100000}))' | FileCheck %s --check-prefix=LAST
// Measured: each of the 3 best candidates compiled and timed here (the
// pick depends on the machine; any of the three).
// RUN: strata-opt %S/Inputs/matmul-kernel.mlir -p 'builtin.module(func.func(strata-choose-lowering{vector-bits=512 cost-model=measured top=3}))' | FileCheck %s --check-prefix=MEASURED

// RANK0: register_tile = [6, 64, 1]
// RANK1: register_tile = [4, 64, 1]
// RANK3: tile = [96, 200, 0], register_tile = [11, 32, 1]
// The worst: one row of half a vector.
// LAST: register_tile = [1, 8, 1]
// MEASURED: register_tile = {{\[6, 64, 1\]|\[4, 64, 1\]|\[12, 32, 1\]}}
