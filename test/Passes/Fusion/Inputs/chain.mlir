func.func @chain(%x: tensor<64x64xf32>, %y: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %0 = tosa.add %x, %y : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32>
  %1 = tosa.exp %0 : (tensor<64x64xf32>) -> tensor<64x64xf32>
  %2 = tosa.mul %1, %y, %shift : (tensor<64x64xf32>, tensor<64x64xf32>, tensor<1xi8>) -> tensor<64x64xf32>
  return %2 : tensor<64x64xf32>
}
