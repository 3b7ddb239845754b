// conv2d (3x3, padding 1) + bias + relu, weights passed as arguments.
// Reference computed by NumPy (generate.py).
// RUN: strata-run %s --input=%S/Inputs/conv_x.npy --input=%S/Inputs/conv_w.npy --input=%S/Inputs/conv_b.npy --check=%S/Inputs/conv_ref.npy --rtol=1e-5 --atol=1e-5 | FileCheck %s
// The same through explicit groups and the pipeline alone.
// RUN: strata-opt %s -p 'builtin.module(func.func(strata-group-ops),strata-cpu-pipeline)' | FileCheck %s --check-prefix=LOWERED

// CHECK: output #0: 1x8x8x8xf32
// CHECK: check #0: {{.*}}: ok
// LOWERED-DAG: llvm.func @conv_relu_conv2d(
// LOWERED-DAG: llvm.func @conv_relu_clamp(
func.func @conv_relu(%x: tensor<1x8x8x3xf32>, %w: tensor<8x3x3x3xf32>, %b: tensor<8xf32>) -> tensor<1x8x8x8xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x8x8x3xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x8xf32>
  %1 = tosa.clamp %0 {min_val = 0.0 : f32, max_val = 3.40282347e+38 : f32} : (tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
  return %1 : tensor<1x8x8x8xf32>
}
