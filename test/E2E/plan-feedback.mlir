// A plan printed by strata-choose-lowering (--mlir-print-ir-after, module
// scope) of test/E2E/conv2d.mlir, edited (4 register rows instead of 8) and
// fed back: the pipeline keeps and honours it, and the numbers still match
// NumPy's.
// RUN: strata-opt %s -p 'builtin.module(strata-cpu-pipeline)' --mlir-print-ir-after=strata-tile-kernels -o /dev/null 2>&1 | FileCheck %s
// RUN: strata-run %s --input=%S/Inputs/conv_x.npy --input=%S/Inputs/conv_w.npy --input=%S/Inputs/conv_b.npy --check=%S/Inputs/conv_ref.npy --rtol=1e-5 --atol=1e-5 | FileCheck %s --check-prefix=NUM
// CHECK: vector.contract {{.*}} into vector<1x4x8xf32>
// CHECK-NOT: into vector<1x8x8xf32>
// NUM: check #0: {{.*}}: ok
#map = affine_map<(d0, d1, d2, d3) -> (d3)>
#map1 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
module {
  func.func @conv_relu(%arg0: tensor<1x8x8x3xf32>, %arg1: tensor<8x3x3x3xf32>, %arg2: tensor<8xf32>) -> tensor<1x8x8x8xf32> {
    %0 = call @conv_relu_conv2d_clamp(%arg0, %arg1, %arg2) : (tensor<1x8x8x3xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>) -> tensor<1x8x8x8xf32>
    return %0 : tensor<1x8x8x8xf32>
  }
  func.func private @conv_relu_conv2d_clamp(%arg0: tensor<1x8x8x3xf32>, %arg1: tensor<8x3x3x3xf32>, %arg2: tensor<8xf32>) -> tensor<1x8x8x8xf32> attributes {strata.kernel} {
    %cst = arith.constant 3.40282347E+38 : f32
    %cst_0 = arith.constant 0.000000e+00 : f32
    %padded = tensor.pad %arg0 low[0, 1, 1, 0] high[0, 1, 1, 0] {
    ^bb0(%arg3: index, %arg4: index, %arg5: index, %arg6: index):
      tensor.yield %cst_0 : f32
    } : tensor<1x8x8x3xf32> to tensor<1x10x10x3xf32>
    %0 = tensor.empty() : tensor<3x3x3x8xf32>
    %transposed = linalg.transpose ins(%arg1 : tensor<8x3x3x3xf32>) outs(%0 : tensor<3x3x3x8xf32>) permutation = [1, 2, 3, 0] 
    %1 = tensor.empty() : tensor<1x8x8x8xf32>
    %2 = linalg.generic {indexing_maps = [#map, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%arg2 : tensor<8xf32>) outs(%1 : tensor<1x8x8x8xf32>) {
    ^bb0(%in: f32, %out: f32):
      linalg.yield %in : f32
    } -> tensor<1x8x8x8xf32>
    %3 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strata.lowering = #strata.lowering<tile = [1, 1, 8, 8, 0, 0, 0], register_tile = [1, 1, 4, 8, 1, 1, 1], order = [0, 1, 2, 3, 4, 5, 6], vector_width = 16>, strides = dense<1> : tensor<2xi64>} ins(%padded, %transposed : tensor<1x10x10x3xf32>, tensor<3x3x3x8xf32>) outs(%2 : tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
    %4 = tensor.empty() : tensor<1x8x8x8xf32>
    %5 = linalg.generic {indexing_maps = [#map1, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%3 : tensor<1x8x8x8xf32>) outs(%4 : tensor<1x8x8x8xf32>) {
    ^bb0(%in: f32, %out: f32):
      %6 = arith.minimumf %in, %cst : f32
      %7 = arith.maximumf %6, %cst_0 : f32
      linalg.yield %7 : f32
    } -> tensor<1x8x8x8xf32>
    return %5 : tensor<1x8x8x8xf32>
  }
}


