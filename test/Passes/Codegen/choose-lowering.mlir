// strata-choose-lowering: plans for AVX-512 (512-bit vectors, 32 registers)
// and AVX2 (256-bit, 16 registers); a plan already present is kept;
// functions that are not kernels are left alone.
// RUN: strata-opt %s --split-input-file -p 'builtin.module(func.func(strata-choose-lowering{vector-bits=512 registers=32}))' | FileCheck %s --check-prefix=AVX512
// RUN: strata-opt %s --split-input-file -p 'builtin.module(func.func(strata-choose-lowering{vector-bits=256 registers=16}))' | FileCheck %s --check-prefix=AVX2
// A named CPU gives the same plans as its vector unit: LLVM knows
// skylake-avx512 and znver4 have AVX-512, haswell and znver2 AVX2.
// RUN: strata-opt %s --split-input-file -p 'builtin.module(func.func(strata-choose-lowering{cpu=skylake-avx512}))' | FileCheck %s --check-prefix=AVX512
// RUN: strata-opt %s --split-input-file -p 'builtin.module(func.func(strata-choose-lowering{cpu=znver4}))' | FileCheck %s --check-prefix=AVX512
// RUN: strata-opt %s --split-input-file -p 'builtin.module(func.func(strata-choose-lowering{cpu=haswell}))' | FileCheck %s --check-prefix=AVX2
// RUN: strata-opt %s --split-input-file -p 'builtin.module(func.func(strata-choose-lowering{cpu=znver2}))' | FileCheck %s --check-prefix=AVX2

// AVX512-LABEL: func.func @matmul
// 24 of 32 zmm accumulators (6x4 vectors): the fewest loads per FMA; the
// 4 rows left over are a peeled 4x64 tile. With AVX2, 12 of 16 ymm (6x2;
// widths of three registers are not offered: LLVM compiles them badly).
// AVX512: linalg.matmul {strata.lowering = #strata.lowering<tile = [256, 256, 0], register_tile = [6, 64, 1], order = [0, 1, 2], vector_width = 16>}
// AVX2-LABEL: func.func @matmul
// AVX2: linalg.matmul {strata.lowering = #strata.lowering<tile = [256, 256, 0], register_tile = [6, 16, 1], order = [0, 1, 2], vector_width = 8>}
func.func @matmul(%a: tensor<256x256xf32>, %b: tensor<256x256xf32>, %c: tensor<256x256xf32>) -> tensor<256x256xf32> attributes {strata.kernel} {
  %0 = linalg.matmul ins(%a, %b : tensor<256x256xf32>, tensor<256x256xf32>) outs(%c : tensor<256x256xf32>) -> tensor<256x256xf32>
  return %0 : tensor<256x256xf32>
}

// -----

// A 7x7 output: one output row (7 columns x 64 channels) per outer tile;
// the register tile runs along the row (ow) and the channels (f).
// AVX512-LABEL: func.func @conv
// AVX512: linalg.conv_2d_nhwc_hwcf {{{.*}}strata.lowering = #strata.lowering<tile = [1, 1, 7, 64, 0, 0, 0], register_tile = [1, 1, 6, 64, 1, 1, 1], order = [0, 1, 2, 3, 4, 5, 6], vector_width = 16>
func.func @conv(%x: tensor<1x9x9x64xf32>, %w: tensor<3x3x64x128xf32>, %c: tensor<1x7x7x128xf32>) -> tensor<1x7x7x128xf32> attributes {strata.kernel} {
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x9x9x64xf32>, tensor<3x3x64x128xf32>) outs(%c : tensor<1x7x7x128xf32>) -> tensor<1x7x7x128xf32>
  return %0 : tensor<1x7x7x128xf32>
}

// -----

// AVX512-LABEL: func.func @depthwise_and_pool
// AVX512: linalg.depthwise_conv_2d_nhwc_hwc {{{.*}}strata.lowering = #strata.lowering<tile = [1, 1, 14, 32, 0, 0], register_tile = [1, 1, 12, 32, 1, 1], order = [0, 1, 2, 3, 4, 5], vector_width = 16>
// AVX512: linalg.pooling_nhwc_max {{{.*}}strata.lowering = #strata.lowering<tile = [1, 1, 7, 32, 0, 0], register_tile = [1, 1, 7, 32, 1, 1], order = [0, 1, 2, 3, 4, 5], vector_width = 16>
func.func @depthwise_and_pool(%x: tensor<1x16x16x32xf32>, %w: tensor<3x3x32xf32>, %c: tensor<1x14x14x32xf32>, %k: tensor<2x2xf32>, %p: tensor<1x7x7x32xf32>) -> tensor<1x7x7x32xf32> attributes {strata.kernel} {
  %0 = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x16x16x32xf32>, tensor<3x3x32xf32>) outs(%c : tensor<1x14x14x32xf32>) -> tensor<1x14x14x32xf32>
  %1 = linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
      ins(%0, %k : tensor<1x14x14x32xf32>, tensor<2x2xf32>) outs(%p : tensor<1x7x7x32xf32>) -> tensor<1x7x7x32xf32>
  return %1 : tensor<1x7x7x32xf32>
}

// -----

// A user's plan is kept as written.
// AVX512-LABEL: func.func @kept
// AVX512: strata.lowering = #strata.lowering<tile = [16, 16, 0], register_tile = [2, 16, 1], order = [1, 0, 2], vector_width = 16>
func.func @kept(%a: tensor<16x16xf32>, %b: tensor<16x16xf32>, %c: tensor<16x16xf32>) -> tensor<16x16xf32> attributes {strata.kernel} {
  %0 = linalg.matmul {strata.lowering = #strata.lowering<tile = [16, 16, 0], register_tile = [2, 16, 1], order = [1, 0, 2], vector_width = 16>}
      ins(%a, %b : tensor<16x16xf32>, tensor<16x16xf32>) outs(%c : tensor<16x16xf32>) -> tensor<16x16xf32>
  return %0 : tensor<16x16xf32>
}

// -----

// Not a kernel; and a kernel with an integer matmul (not planned).
// AVX512-LABEL: func.func @not_kernel
// AVX512-NOT: strata.lowering
// AVX512-LABEL: func.func @integer
// AVX512-NOT: strata.lowering
func.func @not_kernel(%a: tensor<16x16xf32>, %b: tensor<16x16xf32>, %c: tensor<16x16xf32>) -> tensor<16x16xf32> {
  %0 = linalg.matmul ins(%a, %b : tensor<16x16xf32>, tensor<16x16xf32>) outs(%c : tensor<16x16xf32>) -> tensor<16x16xf32>
  return %0 : tensor<16x16xf32>
}
func.func @integer(%a: tensor<16x16xi32>, %b: tensor<16x16xi32>, %c: tensor<16x16xi32>) -> tensor<16x16xi32> attributes {strata.kernel} {
  %0 = linalg.matmul ins(%a, %b : tensor<16x16xi32>, tensor<16x16xi32>) outs(%c : tensor<16x16xi32>) -> tensor<16x16xi32>
  return %0 : tensor<16x16xi32>
}


// -----

// A depthwise convolution with channel multiplier 1 becomes the
// multiplier-free op (planned); multiplier 2 becomes a grouped convolution
// (groups of one input channel, the multiplier its output channels), whose
// register tile has the output columns as rows (not the groups, a loop of
// the weights) and the multiplier as its vector.
// AVX512-LABEL: func.func @depthwise_multiplier
// AVX512: tensor.collapse_shape %arg1 {{\[\[}}0], [1], [2, 3]] : tensor<3x3x8x1xf32> into tensor<3x3x8xf32>
// AVX512: linalg.depthwise_conv_2d_nhwc_hwc {{{.*}}strata.lowering = #strata.lowering<
// AVX512: tensor.expand_shape
// AVX512-NOT: linalg.depthwise_conv_2d_nhwc_hwcm
// AVX512: tensor.expand_shape %arg0 {{\[\[}}0], [1], [2], [3, 4]] output_shape [1, 6, 6, 8, 1]
// AVX512: tensor.expand_shape %arg3 {{\[\[}}0], [1], [2, 3], [4]] output_shape [3, 3, 8, 1, 2]
// AVX512: linalg.generic
// AVX512-SAME: strata.lowering = #strata.lowering<tile = [1, 1, 4, 1, 2, 0, 0, 0], register_tile = [1, 1, 4, 1, 2, 1, 1, 1]
// AVX512: return
func.func @depthwise_multiplier(%x: tensor<1x6x6x8xf32>, %w: tensor<3x3x8x1xf32>, %c: tensor<1x4x4x8x1xf32>, %w2: tensor<3x3x8x2xf32>, %c2: tensor<1x4x4x8x2xf32>) -> (tensor<1x4x4x8x1xf32>, tensor<1x4x4x8x2xf32>) attributes {strata.kernel} {
  %0 = linalg.depthwise_conv_2d_nhwc_hwcm {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x6x6x8xf32>, tensor<3x3x8x1xf32>) outs(%c : tensor<1x4x4x8x1xf32>) -> tensor<1x4x4x8x1xf32>
  %1 = linalg.depthwise_conv_2d_nhwc_hwcm {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w2 : tensor<1x6x6x8xf32>, tensor<3x3x8x2xf32>) outs(%c2 : tensor<1x4x4x8x2xf32>) -> tensor<1x4x4x8x2xf32>
  return %0, %1 : tensor<1x4x4x8x1xf32>, tensor<1x4x4x8x2xf32>
}

// -----

// The weights of one register column (3x3x512 x 64 floats, 1.2 MB) exceed
// L2: the reduction is blocked (kh, kw by 1, c by 256: 64 KiB of weights per
// block) and the tile spans all 7x7 outputs of 64 channels.
// AVX512-LABEL: func.func @blocked
// AVX512: strata.lowering = #strata.lowering<tile = [1, 7, 7, 64, 1, 1, 256], register_tile = [1, 1, 6, 64, 1, 1, 1], order = [0, 1, 2, 3, 4, 5, 6], vector_width = 16>
func.func @blocked(%x: tensor<1x9x9x512xf32>, %w: tensor<3x3x512x512xf32>, %c: tensor<1x7x7x512xf32>) -> tensor<1x7x7x512xf32> attributes {strata.kernel} {
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x9x9x512xf32>, tensor<3x3x512x512xf32>) outs(%c : tensor<1x7x7x512xf32>) -> tensor<1x7x7x512xf32>
  return %0 : tensor<1x7x7x512xf32>
}

// -----

// A small output whose reduction is blocked (3x3x160 x 160 channels):
// tiles of 64 channels (64 + 64 + a partial 32) spanning all rows would be
// 3 tiles; the output rows are split until there are at least 4 tiles for
// the threads to share: the largest divisor of 14 that gives 4 is 7.
// AVX512-LABEL: func.func @min_parallel_tiles
// AVX512: linalg.conv_2d_nhwc_hwcf
// AVX512-SAME: strata.lowering = #strata.lowering<tile = [1, 7, 14, 64, 1, 1, 160]
func.func @min_parallel_tiles(%x: tensor<1x16x16x160xf32>, %w: tensor<3x3x160x160xf32>, %c: tensor<1x14x14x160xf32>) -> tensor<1x14x14x160xf32> attributes {strata.kernel} {
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x16x16x160xf32>, tensor<3x3x160x160xf32>) outs(%c : tensor<1x14x14x160xf32>) -> tensor<1x14x14x160xf32>
  return %0 : tensor<1x14x14x160xf32>
}

// -----

// Output channels that no multiple of the register tile divides (1000)
// are tiled by 128 anyway (7 full tiles and a partial one of 104, which
// strata-tile-kernels splits off), not as one 1000-wide tile whose 2 MB of
// weights every tile would read. The rows are short (13), and a tile's
// weights (512 x 128) are beyond L1: each tile spans 7 of the 13 rows
// (7 + 6), so its weights serve 91 pixels.
// AVX512-LABEL: func.func @partial_columns
// AVX512: linalg.conv_2d_nhwc_hwcf
// AVX512-SAME: strata.lowering = #strata.lowering<tile = [1, 7, 13, 128, 0, 0, 0]
func.func @partial_columns(%x: tensor<1x13x13x512xf32>, %w: tensor<1x1x512x1000xf32>, %c: tensor<1x13x13x1000xf32>) -> tensor<1x13x13x1000xf32> attributes {strata.kernel} {
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x13x13x512xf32>, tensor<1x1x512x1000xf32>) outs(%c : tensor<1x13x13x1000xf32>) -> tensor<1x13x13x1000xf32>
  return %0 : tensor<1x13x13x1000xf32>
}

// -----

// One output row (a matrix-vector product, 4096 x 1000): the weights are
// read once whatever the tile, so the columns stay whole (each block of
// the reduction, 16 rows of 1000 weights, is one sequential run).
// AVX512-LABEL: func.func @one_row
// AVX512: linalg.matmul
// AVX512-SAME: strata.lowering = #strata.lowering<tile = [1, 1000, 16]
func.func @one_row(%x: tensor<1x4096xf32>, %w: tensor<4096x1000xf32>, %c: tensor<1x1000xf32>) -> tensor<1x1000xf32> attributes {strata.kernel} {
  %0 = linalg.matmul ins(%x, %w : tensor<1x4096xf32>, tensor<4096x1000xf32>) outs(%c : tensor<1x1000xf32>) -> tensor<1x1000xf32>
  return %0 : tensor<1x1000xf32>
}
