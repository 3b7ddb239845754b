// A convolution scaled per output channel: the default strategy folds the
// scale into the weights (strata.fold-conv-scale), --strategy=none keeps the
// multiply. Same numbers up to rounding. Used by versus.test.
func.func @conv_scale(%x: tensor<1x8x8x16xf32>) -> tensor<1x8x8x4xf32> {
  %w = "tosa.const"() {values = dense<[[[[-0.524, 0.088, -0.26, 0.208, 0.251, -0.869, -0.974, 0.675, -0.481, -0.531, 0.991, -0.059, 0.673, -0.047, 0.278, -0.699]]], [[[0.27, 0.736, 0.046, 0.483, 0.343, -0.872, 0.516, 0.182, -0.397, -0.938, 0.731, -0.055, 0.438, 0.758, 0.428, 0.842]]], [[[-0.21, 0.602, -0.111, 0.871, 0.758, -0.805, -0.728, -0.566, 0.931, -0.128, 0.253, -0.398, 0.014, -0.228, -0.298, 0.17]]], [[[0.169, 0.808, 0.364, 0.858, 0.713, 0.982, 0.343, -0.674, 0.721, 0.929, 0.809, 0.138, 0.428, -0.578, 0.663, 0.147]]]]> : tensor<4x1x1x16xf32>} : () -> tensor<4x1x1x16xf32>
  %b = "tosa.const"() {values = dense<[0.5, -0.25, 0.125, 1.0]> : tensor<4xf32>} : () -> tensor<4xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %s = "tosa.const"() {values = dense<[[[[0.3, -0.7, 1.1, 0.9]]]]> : tensor<1x1x1x4xf32>} : () -> tensor<1x1x1x4xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x8x8x16xf32>, tensor<4x1x1x16xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x4xf32>
  %m = tosa.mul %c, %s, %shift : (tensor<1x8x8x4xf32>, tensor<1x1x1x4xf32>, tensor<1xi8>) -> tensor<1x8x8x4xf32>
  return %m : tensor<1x8x8x4xf32>
}
