// RUN: not strata-opt %s -p 'builtin.module(strata-cuda-pipeline{chip=gfx90a})' 2>&1 | FileCheck %s --check-prefix=CHIP
// RUN: not strata-opt %s -p 'builtin.module(strata-cuda-pipeline{format=elf})' 2>&1 | FileCheck %s --check-prefix=FORMAT
// RUN: not strata-opt %s -p 'builtin.module(strata-cuda-pipeline{tile-sizes=0,4})' 2>&1 | FileCheck %s --check-prefix=TILES
// RUN: not strata-translate --strata-extract-ptx %s 2>&1 | FileCheck %s --check-prefix=NOBINARY
// RUN: strata-opt %s -p 'builtin.module(strata-cuda-pipeline)' | not strata-translate --strata-extract-ptx --binary=nope 2>&1 | FileCheck %s --check-prefix=NAME

// CHIP: error: strata-cuda-pipeline: invalid chip 'gfx90a'; expected sm_NN or sm_NNa with NN >= 50, e.g. sm_90
// FORMAT: error: strata-cuda-pipeline: invalid format 'elf'; expected isa, bin or fatbin
// TILES: error: strata-cuda-pipeline: tile sizes must be positive
// NOBINARY: error: no gpu.binary in the input; run strata-cuda-pipeline first
// NAME: error: no gpu.binary named 'nope'
func.func @f(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = tosa.exp %a : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
