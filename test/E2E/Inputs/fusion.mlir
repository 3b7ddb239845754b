// Matmul + bias + relu + residual exp, then a row reduction and a
// normalization: under strata-fuse an epilogue kernel (tiled rows), a
// reduction kernel and an elementwise kernel.
func.func @mlp(%a: tensor<1x256x128xf32>, %b: tensor<1x128x256xf32>, %bias: tensor<1x1x256xf32>, %r: tensor<1x256x256xf32>) -> tensor<1x256x256xf32> {
  %za = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %0 = tosa.matmul %a, %b, %za, %za : (tensor<1x256x128xf32>, tensor<1x128x256xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x256x256xf32>
  %1 = tosa.add %0, %bias : (tensor<1x256x256xf32>, tensor<1x1x256xf32>) -> tensor<1x256x256xf32>
  %2 = tosa.clamp %1 {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<1x256x256xf32>) -> tensor<1x256x256xf32>
  %3 = tosa.exp %r : (tensor<1x256x256xf32>) -> tensor<1x256x256xf32>
  %4 = tosa.add %2, %3 : (tensor<1x256x256xf32>, tensor<1x256x256xf32>) -> tensor<1x256x256xf32>
  %5 = tosa.reduce_sum %4 {axis = 2 : i32} : (tensor<1x256x256xf32>) -> tensor<1x256x1xf32>
  %6 = tosa.sub %4, %5 : (tensor<1x256x256xf32>, tensor<1x256x1xf32>) -> tensor<1x256x256xf32>
  return %6 : tensor<1x256x256xf32>
}
