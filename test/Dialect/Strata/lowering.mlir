// #strata.lowering: round trip (custom and generic form) and every verifier
// error, of the attribute itself and of the plan against its op.
// RUN: strata-opt %s --split-input-file --verify-diagnostics | FileCheck %s
// RUN: strata-opt %s --split-input-file --verify-diagnostics --mlir-print-op-generic | strata-opt --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @matmul
// CHECK: linalg.matmul {strata.lowering = #strata.lowering<tile = [64, 256, 32], register_tile = [8, 32, 1], order = [0, 1, 2], vector_width = 16>}
func.func @matmul(%a: tensor<64x64xf32>, %b: tensor<64x256xf32>, %c: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %0 = linalg.matmul {strata.lowering = #strata.lowering<tile = [64, 256, 32], register_tile = [8, 32, 1], order = [0, 1, 2], vector_width = 16>}
      ins(%a, %b : tensor<64x64xf32>, tensor<64x256xf32>) outs(%c : tensor<64x256xf32>) -> tensor<64x256xf32>
  return %0 : tensor<64x256xf32>
}

// -----

func.func @lengths(%a: tensor<4x4xf32>, %b: tensor<4x4xf32>, %c: tensor<4x4xf32>) -> tensor<4x4xf32> {
  // expected-error @+1 {{lowering plan has 3 tile sizes, 2 register tile sizes and 3 loops in its order; all three must be one per loop}}
  %0 = linalg.matmul {strata.lowering = #strata.lowering<tile = [4, 4, 0], register_tile = [4, 4], order = [0, 1, 2], vector_width = 4>}
      ins(%a, %b : tensor<4x4xf32>, tensor<4x4xf32>) outs(%c : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @negative_tile(%a: tensor<4x4xf32>, %b: tensor<4x4xf32>, %c: tensor<4x4xf32>) -> tensor<4x4xf32> {
  // expected-error @+1 {{lowering plan tile sizes must not be negative}}
  %0 = linalg.matmul {strata.lowering = #strata.lowering<tile = [-4, 4, 0], register_tile = [4, 4, 1], order = [0, 1, 2], vector_width = 4>}
      ins(%a, %b : tensor<4x4xf32>, tensor<4x4xf32>) outs(%c : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @zero_register(%a: tensor<4x4xf32>, %b: tensor<4x4xf32>, %c: tensor<4x4xf32>) -> tensor<4x4xf32> {
  // expected-error @+1 {{lowering plan register tile sizes must be positive}}
  %0 = linalg.matmul {strata.lowering = #strata.lowering<tile = [4, 4, 0], register_tile = [4, 0, 1], order = [0, 1, 2], vector_width = 4>}
      ins(%a, %b : tensor<4x4xf32>, tensor<4x4xf32>) outs(%c : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @order(%a: tensor<4x4xf32>, %b: tensor<4x4xf32>, %c: tensor<4x4xf32>) -> tensor<4x4xf32> {
  // expected-error @+1 {{lowering plan order must be a permutation of 0..2}}
  %0 = linalg.matmul {strata.lowering = #strata.lowering<tile = [4, 4, 0], register_tile = [4, 4, 1], order = [0, 0, 2], vector_width = 4>}
      ins(%a, %b : tensor<4x4xf32>, tensor<4x4xf32>) outs(%c : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @tile_below_register(%a: tensor<4x4xf32>, %b: tensor<4x4xf32>, %c: tensor<4x4xf32>) -> tensor<4x4xf32> {
  // expected-error @+1 {{lowering plan tile size 2 is smaller than its register tile size 4}}
  %0 = linalg.matmul {strata.lowering = #strata.lowering<tile = [2, 4, 0], register_tile = [4, 4, 1], order = [0, 1, 2], vector_width = 4>}
      ins(%a, %b : tensor<4x4xf32>, tensor<4x4xf32>) outs(%c : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @vector_width(%a: tensor<4x4xf32>, %b: tensor<4x4xf32>, %c: tensor<4x4xf32>) -> tensor<4x4xf32> {
  // expected-error @+1 {{lowering plan vector width must be a power of two, got 12}}
  %0 = linalg.matmul {strata.lowering = #strata.lowering<tile = [4, 4, 0], register_tile = [4, 4, 1], order = [0, 1, 2], vector_width = 12>}
      ins(%a, %b : tensor<4x4xf32>, tensor<4x4xf32>) outs(%c : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @not_a_plan(%a: tensor<4x4xf32>, %b: tensor<4x4xf32>, %c: tensor<4x4xf32>) -> tensor<4x4xf32> {
  // expected-error @+1 {{'strata.lowering' must be a #strata.lowering attribute}}
  %0 = linalg.matmul {strata.lowering = [8, 32]}
      ins(%a, %b : tensor<4x4xf32>, tensor<4x4xf32>) outs(%c : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @not_linalg(%a: f32) -> f32 {
  // expected-error @+1 {{'strata.lowering' may only be attached to a linalg structured op}}
  %0 = arith.addf %a, %a {strata.lowering = #strata.lowering<tile = [0], register_tile = [1], order = [0], vector_width = 4>} : f32
  return %0 : f32
}

// -----

func.func @loop_count(%a: tensor<4x4xf32>, %b: tensor<4x4xf32>, %c: tensor<4x4xf32>) -> tensor<4x4xf32> {
  // expected-error @+1 {{'strata.lowering' has 2 loops, the op has 3}}
  %0 = linalg.matmul {strata.lowering = #strata.lowering<tile = [4, 4], register_tile = [4, 4], order = [0, 1], vector_width = 4>}
      ins(%a, %b : tensor<4x4xf32>, tensor<4x4xf32>) outs(%c : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @parallel_inside_reduction(%a: tensor<4x4xf32>, %b: tensor<4x4xf32>, %c: tensor<4x4xf32>) -> tensor<4x4xf32> {
  // expected-error @+1 {{'strata.lowering' nests parallel loop 1 inside a reduction loop}}
  %0 = linalg.matmul {strata.lowering = #strata.lowering<tile = [4, 4, 0], register_tile = [4, 4, 1], order = [0, 2, 1], vector_width = 4>}
      ins(%a, %b : tensor<4x4xf32>, tensor<4x4xf32>) outs(%c : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}
