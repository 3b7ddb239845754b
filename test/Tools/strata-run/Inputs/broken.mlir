func.func @broken(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = tosa.exp %a : (tensor<4xf32>) -> tensor<8xf32>
  return %0 : tensor<4xf32>
}
