// strata-tile-kernels honours each plan: outer tiles as scf.forall with the
// fill and the epilogue fused, register tiles as scf.for in the plan's
// order, reduction loops innermost, remainders peeled into static tiles,
// and every op of the kernel vectorized (contractions to vector.contract).
// RUN: strata-opt %s --split-input-file -p 'builtin.module(func.func(strata-tile-kernels{vector-bits=512}))' | FileCheck %s

// 40x45 output, register tile 8x32: rows divide (5 tiles), columns peel
// into a 32-wide main tile and a 13-wide remainder, which is split into
// vectors of 8, 4 and 1 lanes (widths LLVM compiles well; a 13-lane vector
// goes through memory), in one reduction loop.
// CHECK-LABEL: func.func @matmul_relu
// CHECK: scf.forall
// CHECK: scf.for %{{.*}} = %c0 to %c40 step %c8
// CHECK: vector.transfer_write %{{.*}} : vector<8x32xf32>
// CHECK: scf.for %{{.*}} = %c0 to %c16 step %c1 iter_args
// CHECK: vector.contract {{.*}} vector<8x1xf32>, vector<1x32xf32> into vector<8x32xf32>
// CHECK: arith.maximumf %{{.*}} : vector<8x32xf32>
// CHECK: scf.for %{{.*}} = %c0 to %c16 step %c1 iter_args
// CHECK: vector.contract {{.*}} vector<8x1xf32>, vector<1x8xf32> into vector<8x8xf32>
// CHECK: vector.contract {{.*}} vector<8x1xf32>, vector<1x4xf32> into vector<8x4xf32>
// CHECK: vector.contract {{.*}} vector<8x1xf32>, vector<1x1xf32> into vector<8x1xf32>
// CHECK: arith.maximumf %{{.*}} : vector<8x8xf32>
// CHECK: arith.maximumf %{{.*}} : vector<8x4xf32>
// CHECK: arith.maximumf %{{.*}} : vector<8x1xf32>
// CHECK-NOT: vector<8x13xf32>
// CHECK-NOT: linalg.matmul
// CHECK-NOT: linalg.fill
func.func @matmul_relu(%a: tensor<80x16xf32>, %b: tensor<16x45xf32>) -> tensor<80x45xf32> attributes {strata.kernel} {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<80x45xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<80x45xf32>) -> tensor<80x45xf32>
  %m = linalg.matmul {strata.lowering = #strata.lowering<tile = [40, 45, 0], register_tile = [8, 32, 1], order = [0, 1, 2], vector_width = 16>}
      ins(%a, %b : tensor<80x16xf32>, tensor<16x45xf32>) outs(%f : tensor<80x45xf32>) -> tensor<80x45xf32>
  %e2 = tensor.empty() : tensor<80x45xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%m : tensor<80x45xf32>) outs(%e2 : tensor<80x45xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.maximumf %in, %zero : f32
    linalg.yield %0 : f32
  } -> tensor<80x45xf32>
  return %r : tensor<80x45xf32>
}

// -----

// The order is honoured: columns outside rows.
// CHECK-LABEL: func.func @order
// CHECK: scf.for %{{.*}} = %c0 to %c64 step %c16
// CHECK-NEXT: scf.for %{{.*}} = %c0 to %c8 step %c4
func.func @order(%a: tensor<8x8xf32>, %b: tensor<8x64xf32>, %c: tensor<8x64xf32>) -> tensor<8x64xf32> attributes {strata.kernel} {
  %m = linalg.matmul {strata.lowering = #strata.lowering<tile = [0, 0, 0], register_tile = [4, 16, 1], order = [1, 0, 2], vector_width = 16>}
      ins(%a, %b : tensor<8x8xf32>, tensor<8x64xf32>) outs(%c : tensor<8x64xf32>) -> tensor<8x64xf32>
  return %m : tensor<8x64xf32>
}

// -----

// A 3x3 convolution: register tile 4 output columns x 32 channels; kh, kw
// and c are reduction loops, the contraction is the 1-D form's.
// CHECK-LABEL: func.func @conv
// CHECK: scf.forall
// CHECK-COUNT-3: scf.for
// CHECK: vector.contract {{.*}} into vector<1x4x32xf32>
// CHECK-NOT: linalg.conv
func.func @conv(%x: tensor<1x6x6x8xf32>, %w: tensor<3x3x8x32xf32>, %c: tensor<1x4x4x32xf32>) -> tensor<1x4x4x32xf32> attributes {strata.kernel} {
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>, strata.lowering = #strata.lowering<tile = [1, 1, 4, 32, 0, 0, 0], register_tile = [1, 1, 4, 32, 1, 1, 1], order = [0, 1, 2, 3, 4, 5, 6], vector_width = 16>}
      ins(%x, %w : tensor<1x6x6x8xf32>, tensor<3x3x8x32xf32>) outs(%c : tensor<1x4x4x32xf32>) -> tensor<1x4x4x32xf32>
  return %0 : tensor<1x4x4x32xf32>
}

// -----

// Elementwise ops without a plan: rows as independent tiles (threads
// share them), four vectors at a time along the innermost loop, the 8-lane
// remainder peeled.
// CHECK-LABEL: func.func @elementwise
// CHECK: scf.forall (%{{.*}}) in (3)
// CHECK: scf.for %{{.*}} = %c0 to %c192 step %c64
// CHECK: math.exp %{{.*}} : vector<1x64xf32>
// CHECK: math.exp %{{.*}} : vector<1x8xf32>
func.func @elementwise(%x: tensor<3x200xf32>) -> tensor<3x200xf32> attributes {strata.kernel} {
  %e = tensor.empty() : tensor<3x200xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<3x200xf32>) outs(%e : tensor<3x200xf32>) {
  ^bb0(%in: f32, %out: f32):
    %1 = math.exp %in : f32
    linalg.yield %1 : f32
  } -> tensor<3x200xf32>
  return %0 : tensor<3x200xf32>
}

// -----

// A blocked reduction: inside each outer tile (64 channels), the blocks of
// 128 input channels run outermost; every register tile of the block
// accumulates into the output tile; the fill comes before the blocks and
// the epilogue (relu) after them, both by register tiles.
// CHECK-LABEL: func.func @blocked
// CHECK: scf.forall
// CHECK: vector.transfer_write %{{.*}} : vector<1x1x4x32xf32>
// CHECK: scf.for %{{.*}} = %c0 to %c256 step %c128
// CHECK: scf.for %{{.*}} = %c0 to %c4 step %c1
// CHECK: scf.for %{{.*}} = %c0 to %c128 step %c1
// CHECK: vector.contract {{.*}} into vector<1x4x32xf32>
// CHECK: arith.maximumf %{{.*}} : vector<1x1x4x32xf32>
func.func @blocked(%x: tensor<1x4x4x256xf32>, %w: tensor<1x1x256x64xf32>) -> tensor<1x4x4x64xf32> attributes {strata.kernel} {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x4x64xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x4x64xf32>) -> tensor<1x4x4x64xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>, strata.lowering = #strata.lowering<tile = [1, 4, 4, 32, 1, 1, 128], register_tile = [1, 1, 4, 32, 1, 1, 1], order = [0, 1, 2, 3, 4, 5, 6], vector_width = 16>}
      ins(%x, %w : tensor<1x4x4x256xf32>, tensor<1x1x256x64xf32>) outs(%f : tensor<1x4x4x64xf32>) -> tensor<1x4x4x64xf32>
  %e2 = tensor.empty() : tensor<1x4x4x64xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c : tensor<1x4x4x64xf32>) outs(%e2 : tensor<1x4x4x64xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.maximumf %in, %zero : f32
    linalg.yield %0 : f32
  } -> tensor<1x4x4x64xf32>
  return %r : tensor<1x4x4x64xf32>
}

// -----

// A layout transpose (NCHW to NHWC): the input is contiguous along W, the
// output along the channels: square blocks of one vector
// (16 x 16) along both loops, so whole input vectors are read and whole
// output vectors written (the transpose happens in registers); remainders
// peeled (40 = 32 + 8 channels, 24 = 16 + 8 columns).
// CHECK-LABEL: func.func @layout_transpose
// CHECK: scf.forall (%{{.*}}) in (8)
// CHECK: scf.for %{{.*}} = %c0 to %c32 step %c16
// CHECK: vector.transfer_read {{.*}}permutation_map{{.*}} : tensor<1x16x1x16xf32>, vector<1x1x16x16xf32>
// CHECK: vector.transfer_write {{.*}} : vector<1x1x16x16xf32>, tensor<1x1x16x16xf32>
// CHECK: vector<1x1x8x8xf32>
// CHECK-NOT: linalg.transpose
func.func @layout_transpose(%x: tensor<1x40x8x24xf32>) -> tensor<1x8x24x40xf32> attributes {strata.kernel} {
  %0 = tensor.empty() : tensor<1x8x24x40xf32>
  %t = linalg.transpose ins(%x : tensor<1x40x8x24xf32>) outs(%0 : tensor<1x8x24x40xf32>) permutation = [0, 2, 3, 1]
  return %t : tensor<1x8x24x40xf32>
}

// -----

// A channel shuffle's transpose ([pixels, 4 groups, 28 channels] to
// [pixels, 28, 4]): its output loop is short, so a block is one vector of
// channels by all 4 groups (28 = 16 + 12), read as 4 input vectors, not a
// 4-lane output vector gathered from elements 28 apart.
// CHECK-LABEL: func.func @channel_shuffle
// CHECK: scf.forall (%{{.*}}) in (64)
// CHECK: vector.transfer_read {{.*}}permutation_map{{.*}} : tensor<1x4x16xf32>, vector<1x16x4xf32>
// CHECK: vector.transfer_read {{.*}}permutation_map{{.*}} : tensor<1x4x12xf32>, vector<1x12x4xf32>
// CHECK-NOT: linalg.transpose
func.func @channel_shuffle(%x: tensor<64x4x28xf32>) -> tensor<64x28x4xf32> attributes {strata.kernel} {
  %0 = tensor.empty() : tensor<64x28x4xf32>
  %t = linalg.transpose ins(%x : tensor<64x4x28xf32>) outs(%0 : tensor<64x28x4xf32>) permutation = [0, 2, 1]
  return %t : tensor<64x28x4xf32>
}

// -----

// Outer tiles that do not divide their loops: 3 rows of 5 by 2 (2 + 1) and
// 100 columns by 32 (3 x 32 + 4). The partial column tile is split off as a
// second scf.forall after the full tiles (continuing their result), so
// every register tile has a static shape and is vectorized; the partial row
// tile is only a shorter loop of register tiles (the register tile has one
// row), so it stays in the same forall.
// CHECK-LABEL: func.func @partial_outer_tiles
// CHECK: %[[FULL:.*]] = scf.forall (%{{.*}}, %{{.*}}) = (0, 0) to (5, 96) step (2, 32) shared_outs(%{{.*}} = %{{.*}})
// CHECK: vector.contract {{.*}} into vector<1x32xf32>
// CHECK: scf.forall (%{{.*}}) = (0) to (5) step (2) shared_outs(%{{.*}} = %[[FULL]])
// CHECK: vector.contract {{.*}} into vector<1x4xf32>
// CHECK-NOT: vector<1x?xf32>
// CHECK-NOT: linalg.matmul
func.func @partial_outer_tiles(%a: tensor<5x16xf32>, %b: tensor<16x100xf32>, %c: tensor<5x100xf32>) -> tensor<5x100xf32> attributes {strata.kernel} {
  %m = linalg.matmul {strata.lowering = #strata.lowering<tile = [2, 32, 0], register_tile = [1, 32, 1], order = [0, 1, 2], vector_width = 16>}
      ins(%a, %b : tensor<5x16xf32>, tensor<16x100xf32>) outs(%c : tensor<5x100xf32>) -> tensor<5x100xf32>
  return %m : tensor<5x100xf32>
}

// -----

// A pooling's padded input is padded tile by tile: the pad moves into the
// outer tile (each pads the 3 input rows its output row reads), so no
// padded copy of the whole input is made before the tiles.
// CHECK-LABEL: func.func @padded_pool
// CHECK-NOT: tensor.pad
// CHECK: scf.forall
// CHECK: tensor.pad
// CHECK: scf.yield %{{.*}} : tensor<1x3x9x16xf32>
// CHECK: arith.maximumf {{.*}} : vector<1x1x16xf32>
func.func @padded_pool(%x: tensor<1x8x8x16xf32>) -> tensor<1x4x4x16xf32> attributes {strata.kernel} {
  %ninf = arith.constant -3.40282347E+38 : f32
  %padded = tensor.pad %x low[0, 1, 1, 0] high[0, 0, 0, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %ninf : f32
  } : tensor<1x8x8x16xf32> to tensor<1x9x9x16xf32>
  %e = tensor.empty() : tensor<1x4x4x16xf32>
  %init = linalg.fill ins(%ninf : f32) outs(%e : tensor<1x4x4x16xf32>) -> tensor<1x4x4x16xf32>
  %window = tensor.empty() : tensor<3x3xf32>
  %p = linalg.pooling_nhwc_max {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>, strata.lowering = #strata.lowering<tile = [1, 1, 4, 16, 0, 0], register_tile = [1, 1, 4, 16, 1, 1], order = [0, 1, 2, 3, 4, 5], vector_width = 16>}
      ins(%padded, %window : tensor<1x9x9x16xf32>, tensor<3x3xf32>) outs(%init : tensor<1x4x4x16xf32>) -> tensor<1x4x4x16xf32>
  return %p : tensor<1x4x4x16xf32>
}

// -----

// Partial outer tiles along both loops the register tile spans (20 rows by
// 8: 2 + a partial 4; 40 columns by 32: 1 + a partial 8): four pieces,
// every register tile static. The pieces with one outer tile are folded
// into straight-line code.
// CHECK-LABEL: func.func @partial_both
// CHECK: %[[A:.*]] = scf.forall (%{{.*}}) = (0) to (16) step (8) shared_outs(%{{.*}} = %arg2)
// CHECK: vector.contract {{.*}} into vector<4x16xf32>
// CHECK: %[[B:.*]] = scf.forall (%{{.*}}) = (0) to (16) step (8) shared_outs(%{{.*}} = %[[A]])
// CHECK: vector.contract {{.*}} into vector<4x8xf32>
// CHECK: vector.contract {{.*}} into vector<4x16xf32>
// CHECK: vector.contract {{.*}} into vector<4x8xf32>
// CHECK-NOT: vector<4x?xf32>
// CHECK-NOT: vector<?x
func.func @partial_both(%a: tensor<20x8xf32>, %b: tensor<8x40xf32>, %c: tensor<20x40xf32>) -> tensor<20x40xf32> attributes {strata.kernel} {
  %m = linalg.matmul {strata.lowering = #strata.lowering<tile = [8, 32, 0], register_tile = [4, 16, 1], order = [0, 1, 2], vector_width = 16>}
      ins(%a, %b : tensor<20x8xf32>, tensor<8x40xf32>) outs(%c : tensor<20x40xf32>) -> tensor<20x40xf32>
  return %m : tensor<20x40xf32>
}
