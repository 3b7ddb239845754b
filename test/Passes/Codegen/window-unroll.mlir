// RUN: strata-opt %s -p 'builtin.module(strata-form-kernels,strata-cpu-pipeline)' --mlir-print-ir-after=strata-lower-vector-tiles -o /dev/null 2>&1 | FileCheck %s

// A depthwise convolution's 3x3 window loops (they carry the accumulator
// vectors and hold no loop) are unrolled by strata-lower-vector-tiles, not
// left to LLVM's unrolling threshold: nine FMAs per step, no window loop.
// The channel loop (256 / 64) stays.
// CHECK-LABEL: func.func private @dw_depthwise_conv2d
// CHECK: scf.for %{{.*}} = %c0 to %c256 step %c64
// CHECK-NOT: to %c3 step %c1 iter_args
// CHECK-COUNT-9: vector.fma
// CHECK: return
func.func @dw(%x: tensor<1x28x28x256xf32>) -> tensor<1x14x14x256xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %w = "tosa.const"() {values = dense<0.5> : tensor<3x3x256x1xf32>} : () -> tensor<3x3x256x1xf32>
  %b = "tosa.const"() {values = dense<0.25> : tensor<256xf32>} : () -> tensor<256xf32>
  %y = tosa.depthwise_conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 0, 1, 0>, stride = array<i64: 2, 2>} : (tensor<1x28x28x256xf32>, tensor<3x3x256x1xf32>, tensor<256xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x14x14x256xf32>
  return %y : tensor<1x14x14x256xf32>
}
