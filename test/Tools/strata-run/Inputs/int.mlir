func.func @negate(%a: tensor<2x3xi32>) -> tensor<2x3xi32> {
  %c = arith.constant dense<0> : tensor<2x3xi32>
  %0 = arith.subi %c, %a : tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}
