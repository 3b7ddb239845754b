// A kernel function with one plannable matmul (for strata-choose-lowering
// tests that need one).
func.func @matmul(%a: tensor<96x80xf32>, %b: tensor<80x200xf32>, %c: tensor<96x200xf32>) -> tensor<96x200xf32> attributes {strata.kernel} {
  %0 = linalg.matmul ins(%a, %b : tensor<96x80xf32>, tensor<80x200xf32>) outs(%c : tensor<96x200xf32>) -> tensor<96x200xf32>
  return %0 : tensor<96x200xf32>
}
