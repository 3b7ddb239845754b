// RUN: strata-opt %s -p 'builtin.module(strata-form-kernels{strategy=none},strata-cpu-pipeline{vector-bits=512})' --mlir-print-ir-after=strata-choose-lowering -o /dev/null 2>&1 | FileCheck %s --check-prefix=PLAN
// RUN: strata-opt %s -p 'builtin.module(strata-form-kernels{strategy=none},strata-cpu-pipeline{vector-bits=512})' --mlir-print-ir-after=strata-tile-kernels -o /dev/null 2>&1 | FileCheck %s --check-prefix=TILES

// A convolution of an NCHW image as strata.fold-input-layout writes it: a
// 3-D convolution over the image read as NDHWC (the 3 channels as depth,
// one channel), padded and strided in height and width, its ReLU before
// the reshape back to 4-D (strata.epilogue-normal-form puts it there), so
// that both are one kernel. It gets a lowering
// plan like a 2-D convolution (the output columns as the register tile's
// rows, the 32 output channels as its vector)...
// PLAN-LABEL: func.func private @main_conv3d_clamp
// PLAN: linalg.conv_3d_ndhwc_dhwcf
// PLAN-SAME: strata.lowering = #strata.lowering<
// PLAN-SAME: register_tile = [1, 1, 1, {{[0-9]+}}, 32, 1, 1, 1, 1]

// ...and each register tile, one depth of the filter, is a 2-D
// convolution of one channel plane (contiguous rows of the image), which
// the convolution decomposition and the vectorizer handle (vector
// contractions of a row of the plane and a vector of weights): no 3-D
// convolution and no scalar loop over it are left.
// TILES-LABEL: func.func private @main_conv3d_clamp
// TILES-NOT: linalg.conv_3d
// TILES: vector.contract
// TILES-NOT: linalg.conv_3d
// TILES: arith.maximumf
// TILES-NOT: linalg.conv_3d
// TILES: return
func.func @main(%x: tensor<1x3x32x32xf32>) -> tensor<1x16x16x32xf32> {
  %s5 = tosa.const_shape {values = dense<[1, 3, 32, 32, 1]> : tensor<5xindex>} : () -> !tosa.shape<5>
  %x5 = tosa.reshape %x, %s5 : (tensor<1x3x32x32xf32>, !tosa.shape<5>) -> tensor<1x3x32x32x1xf32>
  %w = "tosa.const"() <{values = dense<0.125> : tensor<32x3x3x3x1xf32>}> : () -> tensor<32x3x3x3x1xf32>
  %b = "tosa.const"() <{values = dense<0.5> : tensor<32xf32>}> : () -> tensor<32xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %c = tosa.conv3d %x5, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1, 1>, pad = array<i64: 0, 0, 1, 0, 1, 0>, stride = array<i64: 1, 2, 2>} : (tensor<1x3x32x32x1xf32>, tensor<32x3x3x3x1xf32>, tensor<32xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x16x16x32xf32>
  %relu = tosa.clamp %c {max_val = 3.40282347E+38 : f32, min_val = 0.0 : f32} : (tensor<1x1x16x16x32xf32>) -> tensor<1x1x16x16x32xf32>
  %s4 = tosa.const_shape {values = dense<[1, 16, 16, 32]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %r = tosa.reshape %relu, %s4 : (tensor<1x1x16x16x32xf32>, !tosa.shape<4>) -> tensor<1x16x16x32xf32>
  return %r : tensor<1x16x16x32xf32>
}
