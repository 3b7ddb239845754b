// A kernel whose plan's outer tiles divide neither loop the register tile
// spans (20 rows by 8, 40 columns by 32), with a ReLU epilogue.
module {
  func.func @main(%a: tensor<20x8xf32>, %b: tensor<8x40xf32>) -> tensor<20x40xf32> {
    %0 = call @main_matmul_relu(%a, %b) : (tensor<20x8xf32>, tensor<8x40xf32>) -> tensor<20x40xf32>
    return %0 : tensor<20x40xf32>
  }
  func.func private @main_matmul_relu(%a: tensor<20x8xf32>, %b: tensor<8x40xf32>) -> tensor<20x40xf32> attributes {strata.kernel} {
    %zero = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<20x40xf32>
    %c = linalg.fill ins(%zero : f32) outs(%e : tensor<20x40xf32>) -> tensor<20x40xf32>
    %m = linalg.matmul {strata.lowering = #strata.lowering<tile = [8, 32, 0], register_tile = [4, 16, 1], order = [0, 1, 2], vector_width = 16>}
        ins(%a, %b : tensor<20x8xf32>, tensor<8x40xf32>) outs(%c : tensor<20x40xf32>) -> tensor<20x40xf32>
    %e2 = tensor.empty() : tensor<20x40xf32>
    %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%m : tensor<20x40xf32>) outs(%e2 : tensor<20x40xf32>) {
    ^bb0(%in: f32, %out: f32):
      %x = arith.maximumf %in, %zero : f32
      linalg.yield %x : f32
    } -> tensor<20x40xf32>
    return %r : tensor<20x40xf32>
  }
}
