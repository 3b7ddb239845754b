// An elementwise group and a matmul group become GPU kernels, NVVM and PTX
// for sm_90 with LLVM's NVPTX backend.
// RUN: strata-opt %s -p 'builtin.module(strata-cuda-pipeline)' -o %t.mlir
// RUN: FileCheck %s --check-prefix=IR < %t.mlir
// RUN: strata-translate --strata-extract-ptx --binary=f_relu_kernel %t.mlir -o %t.relu.ptx
// RUN: strata-translate --strata-extract-ptx --binary=f_matmul_kernel_0 %t.mlir -o %t.matmul.ptx
// RUN: FileCheck %s --check-prefix=RELU < %t.relu.ptx
// RUN: FileCheck %s --check-prefix=MATMUL < %t.matmul.ptx
// Where the CUDA toolkit is installed, ptxas must accept both.
// RUN: %if ptxas %{ %ptxas -arch=sm_90 %t.relu.ptx -o %t.relu.cubin %}
// RUN: %if ptxas %{ %ptxas -arch=sm_90 %t.matmul.ptx -o %t.matmul.cubin %}
// Other chips: the PTX version follows the chip unless given.
// RUN: strata-opt %s -p 'builtin.module(strata-cuda-pipeline{chip=sm_80})' | strata-translate --strata-extract-ptx --binary=f_relu_kernel | FileCheck %s --check-prefix=SM80
// RUN: strata-opt %s -p 'builtin.module(strata-cuda-pipeline{chip=sm_90a features=+ptx84})' | strata-translate --strata-extract-ptx --binary=f_relu_kernel | FileCheck %s --check-prefix=SM90A

// The matmul group yields two launches: the accumulator fill
// (f_matmul_kernel) and the multiply-accumulate loop (f_matmul_kernel_0).
// IR-DAG: gpu.binary @f_relu_kernel
// IR-DAG: gpu.binary @f_matmul_kernel_0
// IR-DAG: llvm.call @f_relu(
// IR-DAG: llvm.call @f_matmul(
// IR-DAG: gpu.launch_func @f_matmul_kernel_0::@f_matmul_kernel
// RELU: .version 7.8
// RELU: .target sm_90
// RELU: .visible .entry f_relu_kernel(
// RELU: max.NaN.f32
// MATMUL: .target sm_90
// MATMUL: .visible .entry f_matmul_kernel(
// MATMUL: mul.rn.f32
// MATMUL: add.rn.f32
// SM80: .version 7.0
// SM80: .target sm_80
// SM90A: .version 8.4
// SM90A: .target sm_90a
func.func @f(%a: tensor<1x16x32xf32>, %b: tensor<1x32x8xf32>) -> tensor<1x16x8xf32> {
  %0 = strata.group(%x = %a, %y = %b) : (tensor<1x16x32xf32>, tensor<1x32x8xf32>) -> tensor<1x16x8xf32> attributes {name = "matmul"} {
    %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
    %m = tosa.matmul %x, %y, %zp, %zp : (tensor<1x16x32xf32>, tensor<1x32x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x16x8xf32>
    strata.yield %m : tensor<1x16x8xf32>
  }
  %1 = strata.group(%x = %0) : (tensor<1x16x8xf32>) -> tensor<1x16x8xf32> attributes {name = "relu"} {
    %r = tosa.clamp %x {min_val = 0.0 : f32, max_val = 3.40282347e+38 : f32} : (tensor<1x16x8xf32>) -> tensor<1x16x8xf32>
    strata.yield %r : tensor<1x16x8xf32>
  }
  return %1 : tensor<1x16x8xf32>
}
