func.func @pair(%a: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %b = tosa.add %a, %a : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %a, %b : tensor<4xf32>, tensor<4xf32>
}
