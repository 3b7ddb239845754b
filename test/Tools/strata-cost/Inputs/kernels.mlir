func.func @f(%a: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %0 = strata.group(%x = %a) : (tensor<64x64xf32>) -> tensor<64x64xf32> attributes {name = "exp"} {
    %e = tosa.exp %x : (tensor<64x64xf32>) -> tensor<64x64xf32>
    strata.yield %e : tensor<64x64xf32>
  }
  return %0 : tensor<64x64xf32>
}
