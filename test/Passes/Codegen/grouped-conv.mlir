// RUN: strata-opt %s -p 'builtin.module(strata-form-kernels{strategy=none},strata-cpu-pipeline)' --mlir-print-ir-after=strata-choose-lowering -o /dev/null 2>&1 | FileCheck %s --check-prefix=PLAN
// RUN: strata-opt %s -p 'builtin.module(strata-form-kernels{strategy=none},strata-cpu-pipeline)' --mlir-print-ir-after=strata-lower-vector-tiles -o /dev/null 2>&1 | FileCheck %s --check-prefix=TILES

// A grouped 1x1 convolution (4 groups of 16 channels, the importer's form)
// with a per-channel scale and a ReLU after its result is reshaped back to
// NHWC: one kernel. (Without a strategy: the default one folds the scale
// into the filter, test/Passes/Rewrite/apply-rules.mlir.)

// strata-choose-lowering moves the reshape after the epilogue (expanded to
// the (group, channel) dimensions, its per-channel constant collapsed and
// split like the channels), and plans the convolution with the output
// columns as the register tile's rows (the group is a loop of the weights,
// tiled by 1) and the group's 16 channels as its vector.
// PLAN-LABEL: func.func private @main_fill_generic_reshape
// PLAN: linalg.fill
// PLAN-SAME: -> tensor<1x14x14x4x16xf32>
// PLAN: linalg.generic
// PLAN-SAME: strata.lowering = #strata.lowering<tile = [1, 1, 14, 1, 16, 0, 0, 0], register_tile = [1, 1, {{[0-9]+}}, 1, 16, 1, 1, 1]
// PLAN: tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2]] output_shape [1, 4, 16] : tensor<1x64xf32> into tensor<1x4x16xf32>
// PLAN: linalg.generic
// PLAN: arith.maximumf
// PLAN: -> tensor<1x14x14x4x16xf32>
// PLAN: tensor.collapse_shape %{{.*}} {{\[\[}}0], [1], [2], [3, 4]] : tensor<1x14x14x4x16xf32> into tensor<1x14x14x64xf32>
// PLAN-NEXT: return

// The accumulator of each register tile stays in registers through the
// 16-step reduction, although the result buffer has a view (the reshape):
// the loop carries it, holds FMAs and writes nothing; the scale and the
// ReLU run on it after the loop.
// TILES-LABEL: func.func private @main_fill_generic_reshape
// TILES: scf.for %{{.*}} = %c0 to %c16 step %c1 iter_args(%{{.*}} = %{{.*}}) -> (vector<
// TILES-NOT: vector.transfer_write
// TILES: vector.fma
// TILES-NOT: vector.transfer_write
// TILES: scf.yield
// TILES: arith.mulf
// TILES: arith.maximumf
// TILES: vector.transfer_write
#in = affine_map<(n, oh, ow, g, f, kh, kw, c) -> (n, oh + kh, ow + kw, g, c)>
#filter = affine_map<(n, oh, ow, g, f, kh, kw, c) -> (kh, kw, g, c, f)>
#out = affine_map<(n, oh, ow, g, f, kh, kw, c) -> (n, oh, ow, g, f)>
func.func @main(%x: tensor<1x14x14x64xf32>) -> tensor<1x14x14x64xf32> {
  %s5 = tosa.const_shape {values = dense<[1, 14, 14, 4, 16]> : tensor<5xindex>} : () -> !tosa.shape<5>
  %s4 = tosa.const_shape {values = dense<[1, 14, 14, 64]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %x5 = tosa.reshape %x, %s5 : (tensor<1x14x14x64xf32>, !tosa.shape<5>) -> tensor<1x14x14x4x16xf32>
  %w = "tosa.const"() {values = dense<0.5> : tensor<1x1x4x16x16xf32>} : () -> tensor<1x1x4x16x16xf32>
  %scale = "tosa.const"() {values = dense<[[[[0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 0.5]]]]> : tensor<1x1x1x64xf32>} : () -> tensor<1x1x1x64xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x14x14x4x16xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x14x14x4x16xf32>) -> tensor<1x14x14x4x16xf32>
  %c = linalg.generic {indexing_maps = [#in, #filter, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x5, %w : tensor<1x14x14x4x16xf32>, tensor<1x1x4x16x16xf32>) outs(%init : tensor<1x14x14x4x16xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<1x14x14x4x16xf32>
  %c4 = tosa.reshape %c, %s4 : (tensor<1x14x14x4x16xf32>, !tosa.shape<4>) -> tensor<1x14x14x64xf32>
  %m = tosa.mul %c4, %scale, %shift : (tensor<1x14x14x64xf32>, tensor<1x1x1x64xf32>, tensor<1xi8>) -> tensor<1x14x14x64xf32>
  %r = tosa.clamp %m {max_val = 3.40282347E+38 : f32, min_val = 0.0 : f32} : (tensor<1x14x14x64xf32>) -> tensor<1x14x14x64xf32>
  return %r : tensor<1x14x14x64xf32>
}
